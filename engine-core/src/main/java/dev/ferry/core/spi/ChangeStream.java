package dev.ferry.core.spi;

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

    /** The target committed {@code chunk} and every chunk before it. */
    void committed(ChangeChunk chunk) throws InterruptedException;

    /** Stops capture. Chunks handed over but not committed are delivered again by the next stream. */
    @Override
    void close();
}
