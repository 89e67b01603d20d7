package dev.ferry.core.spi;

import dev.ferry.core.model.SourcePosition;

/**
 * A point in the change history to wait for: either a marker token the change stream will report
 * in {@link ChangeChunk#syncMarkers()}, or a position to reach. Exactly one is non-null.
 */
public record SyncPoint(String marker, SourcePosition position) {
    public SyncPoint {
        if ((marker == null) == (position == null)) {
            throw new IllegalArgumentException("SyncPoint needs exactly one of marker and position");
        }
    }
}
