package dev.ferry.core.spi;

import dev.ferry.core.model.SourcePosition;

/**
 * The CDC start position recorded before a full load. While open it may hold a consistent
 * snapshot that bulk readers use; the task closes it when the full load ends.
 */
public interface CdcMark extends AutoCloseable {

    SourcePosition position();

    /** True when bulk readers see exactly the state at {@link #position()}, so no replay overlaps. */
    boolean consistentSnapshot();

    @Override
    void close();

    /**
     * A mark at {@code position}; {@code close} releases what it holds (a snapshot, a connection)
     * and must not throw.
     */
    static CdcMark of(SourcePosition position, boolean consistentSnapshot, Runnable close) {
        return new CdcMark() {
            @Override
            public SourcePosition position() {
                return position;
            }

            @Override
            public boolean consistentSnapshot() {
                return consistentSnapshot;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
