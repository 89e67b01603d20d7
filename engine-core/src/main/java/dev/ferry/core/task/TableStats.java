package dev.ferry.core.task;

import dev.ferry.core.model.TableId;

import java.time.Instant;

/**
 * A snapshot of one table's statistics, as DMS's table statistics show them.
 *
 * @param estimatedRows the source's row estimate, -1 when unknown
 * @param loadStarted   null until the full load of the table began
 * @param loadEnded     null until it ended
 * @param error         the failure, when {@code state} is {@link TableState#TABLE_ERROR}
 * @param lobTruncations LOB values cut to LobMaxSize in limited LOB mode, full load and CDC together
 */
public record TableStats(TableId table, TableState state, long fullLoadRows, long estimatedRows,
                         long inserts, long updates, long deletes, long ddls,
                         Instant loadStarted, Instant loadEnded, String error, long lobTruncations) {

    public long appliedChanges() {
        return inserts + updates + deletes + ddls;
    }
}
