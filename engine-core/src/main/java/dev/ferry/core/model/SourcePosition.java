package dev.ferry.core.model;

/**
 * A point in a source's change history, opaque to everything but its source. Positions of one
 * source compare in history order. {@link #serialize()} gives the text a target stores in its
 * checkpoint; the source's {@code decodePosition} turns it back.
 */
public interface SourcePosition extends Comparable<SourcePosition> {

    /** Stable text form, parsed back by the source that made it. */
    String serialize();

    /** Short human-readable form for logs and status (an LSN, a version number). */
    String describe();
}
