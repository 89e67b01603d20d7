package dev.ferry.core.task;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a task: its state, the phase it is in, every table's statistics and CDC progress.
 *
 * @param phase            "full load", "cdc" or "" before either
 * @param appliedPosition  the last source position committed on the target, described; "" before CDC
 * @param lagMillis        source commit to target commit time of the newest change applied; near 0 once a batch of
 *                         heartbeats only showed that the source had nothing more to send (a quiet source);
 *                         -1 when unknown
 * @param cdcBatches       CDC batches committed since start
 * @param error            the failure when {@code state} is FAILED, else null
 */
public record TaskStatus(String taskName, TaskState state, String phase, List<TableStats> tables,
                         String appliedPosition, long lagMillis, long cdcBatches, Instant at, String error) {

    public TaskStatus {
        tables = List.copyOf(tables);
    }

    public long fullLoadRows() {
        return tables.stream().mapToLong(TableStats::fullLoadRows).sum();
    }

    public long appliedChanges() {
        return tables.stream().mapToLong(TableStats::appliedChanges).sum();
    }
}
