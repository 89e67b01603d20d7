package dev.ferry.core.task;

import dev.ferry.core.model.TableId;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Live, thread-safe counters behind one table's {@link TableStats}. */
final class TableCounters {
    final TableId table;
    final long estimatedRows;
    volatile TableState state = TableState.BEFORE_LOAD;
    final AtomicLong fullLoadRows = new AtomicLong();
    final AtomicLong inserts = new AtomicLong();
    final AtomicLong updates = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong ddls = new AtomicLong();
    final AtomicLong lobTruncations = new AtomicLong();
    volatile Instant loadStarted;
    volatile Instant loadEnded;
    volatile String error;

    TableCounters(TableId table, long estimatedRows) {
        this.table = table;
        this.estimatedRows = estimatedRows;
    }

    TableStats snapshot() {
        return new TableStats(table, state, fullLoadRows.get(), estimatedRows, inserts.get(), updates.get(),
                deletes.get(), ddls.get(), loadStarted, loadEnded, error, lobTruncations.get());
    }
}
