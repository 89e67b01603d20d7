package dev.ferry.core.spi;

/**
 * Streams all rows of one table (or range) once, in no particular order. Confined to one thread.
 * Memory stays bounded: rows are handed over as they arrive, never collected.
 */
public interface BulkReader extends AutoCloseable {

    /**
     * Hands every row to {@code sink}, in the table's column order, and returns how many. A row
     * array is never reused by the reader, so the sink may keep it.
     *
     * @throws InterruptedException when the thread is interrupted; the read is then abandoned
     */
    long read(RowSink sink) throws InterruptedException;

    /** Cancels a read in progress and releases the connection. Safe to call twice. */
    @Override
    void close();

    /** Receives rows from a {@link BulkReader}. */
    @FunctionalInterface
    interface RowSink {
        void accept(Object[] row) throws InterruptedException;
    }
}
