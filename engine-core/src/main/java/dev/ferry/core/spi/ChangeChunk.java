package dev.ferry.core.spi;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.SourcePosition;

import java.util.List;

/**
 * Changes a {@link ChangeStream} hands over in one piece, in commit order.
 *
 * @param events           the changes; may be empty (a heartbeat that only moves the position)
 * @param position         the position after the last change of this chunk; storing it means
 *                         "everything up to here is applied"
 * @param sourceTimeMillis source commit time of the last change, or 0 when unknown (for lag)
 * @param awaitsCommit     true when the stream delivers nothing more until this chunk is
 *                         {@link ChangeStream#committed committed}: apply it now
 * @param syncMarkers      sync-point tokens ({@link SyncPoint#marker()}) this chunk passed
 */
public record ChangeChunk(List<ChangeEvent> events, SourcePosition position, long sourceTimeMillis,
                          boolean awaitsCommit, List<String> syncMarkers) {
    public ChangeChunk {
        if (position == null) {
            throw new IllegalArgumentException("ChangeChunk.position must not be null");
        }
        events = List.copyOf(events);
        syncMarkers = List.copyOf(syncMarkers);
    }
}
