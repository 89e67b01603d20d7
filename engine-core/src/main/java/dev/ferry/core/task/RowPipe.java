package dev.ferry.core.task;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.TableId;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.BulkWriter;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Moves one table's rows from a {@link BulkReader} to a {@link BulkWriter}: the reader runs on a
 * thread of its own and hands blocks of rows to the calling thread, which writes them, so reading
 * and decoding overlap writing and encoding. Memory stays bounded: at most {@value #QUEUED_BLOCKS}
 * blocks of {@value #BLOCK_ROWS} rows or about 4 MiB each are in flight. An empty block ends the stream.
 */
final class RowPipe {
    static final int BLOCK_ROWS = 1024;
    static final long BLOCK_BYTES = 4L << 20;
    static final int QUEUED_BLOCKS = 4;
    private static final Object[][] END = new Object[0][];

    private RowPipe() {
    }

    /**
     * Pipes every row, then finishes the writer.
     *
     * @param written     counts rows as they are written, for live statistics
     * @param startReader starts the reader's thread: (thread name suffix, body) → started thread
     * @return the rows the writer's target accepted, checked equal to the rows read
     */
    static long run(TableId table, BulkReader reader, BulkWriter writer, AtomicLong written,
                    BiFunction<String, Runnable, Thread> startReader) throws Exception {
        BlockingQueue<Object[][]> queue = new ArrayBlockingQueue<>(QUEUED_BLOCKS);
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        AtomicLong read = new AtomicLong();
        Thread readerThread = startReader.apply("read-" + table.name(), () -> {
            try {
                read.set(readBlocks(reader, queue));
                queue.put(END);
            } catch (Throwable e) {
                readFailure.set(e);
                // End the stream at once: what is queued is useless after a failure.
                do {
                    queue.clear();
                } while (!queue.offer(END));
            }
        });
        try {
            for (Object[][] block = queue.take(); block != END; block = queue.take()) {
                for (Object[] row : block) {
                    writer.write(row);
                }
                written.addAndGet(block.length);
            }
            readerThread.join();
        } finally {
            if (readerThread.isAlive()) {
                reader.close();
                readerThread.interrupt();
                readerThread.join(10_000);
            }
        }
        Throwable failure = readFailure.get();
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure != null) {
            throw new FerryException("reading " + table + " failed", failure);
        }
        long accepted = writer.finish();
        if (read.get() != accepted) {
            throw new FerryException("table " + table + ": read " + read.get() + " rows but the target accepted " + accepted);
        }
        return accepted;
    }

    /** Reads every row into blocks that end at a row count or a byte size, so wide rows stay bounded too. */
    private static long readBlocks(BulkReader reader, BlockingQueue<Object[][]> queue) throws InterruptedException {
        Object[][][] block = {new Object[BLOCK_ROWS][]};
        int[] n = {0};
        long[] bytes = {0};
        long rows = reader.read(row -> {
            block[0][n[0]++] = row;
            bytes[0] += RowSize.estimate(row);
            if (n[0] == BLOCK_ROWS || bytes[0] >= BLOCK_BYTES) {
                queue.put(n[0] == BLOCK_ROWS ? block[0] : Arrays.copyOf(block[0], n[0]));
                block[0] = new Object[BLOCK_ROWS][];
                n[0] = 0;
                bytes[0] = 0;
            }
        });
        if (n[0] > 0) {
            queue.put(Arrays.copyOf(block[0], n[0]));
        }
        return rows;
    }
}
