package dev.ferry.core.spi;

/**
 * Loads rows into one target table. Confined to one thread. Rows become visible at
 * {@link #finish()} (one transaction per table or range); {@link #close()} without finish
 * rolls back.
 */
public interface BulkWriter extends AutoCloseable {

    /** Writes one row in the table's column order. */
    void write(Object[] row);

    /** Ends the load, commits, and returns the number of rows the target accepted. */
    long finish();

    /** Abandons an unfinished load (cancels the COPY, rolls back) and releases the connection. */
    @Override
    void close();
}
