package dev.ferry.core.task;

/**
 * A cheap estimate of the memory a row holds, to bound queues by bytes as well as by rows.
 * Counts string and byte array payloads; everything else as a fixed 16 bytes.
 */
final class RowSize {
    private RowSize() {
    }

    static long estimate(Object[] row) {
        long size = 16L + 8L * row.length;
        for (Object v : row) {
            if (v instanceof String s) {
                size += 40 + s.length();
            } else if (v instanceof byte[] b) {
                size += 16 + b.length;
            } else if (v != null) {
                size += 16;
            }
        }
        return size;
    }
}
