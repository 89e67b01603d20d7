package dev.ferry.core.spi;

import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;

import java.util.concurrent.TimeUnit;

/**
 * Changes committed on the source after a start position, in commit order. Confined to the task's
 * CDC thread. The stream acknowledges progress to the source (a slot's confirmed position, a
 * change table's retention) only through {@link #committed}, after the target made the chunk
 * durable: nothing is acknowledged before it is applied.
 */
public interface ChangeStream extends AutoCloseable {

    /**
     * The next chunk, waiting up to {@code timeout}; null when none arrived in time.
     *
     * @throws dev.ferry.core.SourceException when capture failed; the stream is then unusable
     */
    ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * From now on, drops the changes of {@code table} at or before {@code start}, and delivers
     * those after it. The task calls this before its first poll for a table added to the task while
     * it was in CDC, whose load holds everything up to {@code start} (the position of
     * {@link Source#markAddedTables}): so the hand-over from its load to its changes is exact, which
     * a table without a primary key needs (a replayed insert would double a row).
     *
     * @return false when this stream cannot tell the positions of single changes; it then delivers
     *         them all, which tables with a primary key absorb
     */
    default boolean startTableAfter(TableId table, SourcePosition start) {
        return false;
    }

    /**
     * From now on, hands over no change committed after {@code stop}'s time: the first chunk that
     * would hold one ends before it (its position is that of the last change at or before the stop
     * point), and {@link #stopReached()} turns true once that chunk is handed over; nothing comes
     * after it. Called before the first poll.
     *
     * @return false when this stream cannot tell the commit times of single changes
     */
    default boolean stopAfter(dev.ferry.core.settings.CdcStop stop) {
        return false;
    }

    /** True once the stream has handed over its last chunk before the stop point of {@link #stopAfter}. */
    default boolean stopReached() {
        return false;
    }

    /** The target committed {@code chunk} and every chunk before it. */
    void committed(ChangeChunk chunk) throws InterruptedException;

    /** Stops capture. Chunks handed over but not committed are delivered again by the next stream. */
    @Override
    void close();
}
