package dev.ferry.core.spi;

/**
 * What a target remembers of a task, committed atomically with the data it covers.
 *
 * @param phase    how far the task got
 * @param position the serialised source position from which CDC resumes; null for a full-load-only task
 */
public record Checkpoint(Phase phase, String position) {

    public Checkpoint {
        if (phase == null) {
            throw new IllegalArgumentException("Checkpoint.phase must not be null");
        }
    }

    public enum Phase {
        /** The CDC start was recorded and the full load is under way: a restart reloads. */
        FULL_LOAD,
        /** The full load finished and CDC runs from {@code position}. */
        CDC,
        /** A full-load-only task finished. */
        LOAD_COMPLETE
    }
}
