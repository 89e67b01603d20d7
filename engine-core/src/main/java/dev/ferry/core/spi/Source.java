package dev.ferry.core.spi;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableSchema;

import java.util.List;

/**
 * A database (or file store) Ferry reads from: its catalog, a bulk reader per table, and a change
 * stream. One source serves one task; its methods may be called from several threads (bulk
 * readers run in parallel), but each {@link BulkReader} and the {@link ChangeStream} are
 * confined to the thread that uses them, except for their {@code close()} (and a
 * {@link CdcMark}'s), which a task's abort calls from another thread to drop their connections.
 */
public interface Source extends AutoCloseable {

    /**
     * Reads the catalog: every user table the login can read, with columns in physical order,
     * neutral types and primary keys. Never null.
     *
     * @throws dev.ferry.core.SourceException when the source cannot be reached or read
     */
    List<TableSchema> discover();

    /**
     * Records where change capture must start, before any table is read, so that no change made
     * during the full load is lost, and prepares capture for {@code tables} (a replication slot,
     * a publication). Bulk readers opened while the returned mark is open read a state consistent
     * with its position when the source can offer that; otherwise changes between the mark and
     * the read are replayed by CDC, which targets apply idempotently.
     *
     * @param taskName the task's name, unique per source, used to name capture objects
     */
    CdcMark markCdcStart(String taskName, List<TableSchema> tables);

    /**
     * Records where the change capture of a CDC-only task starts when the user chose the start
     * (DMS's CdcStartPosition / CdcStartTime), and prepares capture for {@code tables} as
     * {@link #markCdcStart} does: the stream opened from the returned mark's position delivers
     * the changes committed at or after {@code start}, and none before it.
     *
     * <p>The default refuses: a source that cannot start at a chosen point says so.
     *
     * @throws SourceException when this source cannot start at {@code start}; the message says why
     *                         and what to give instead
     */
    default CdcMark markCdcStartAt(String taskName, List<TableSchema> tables, dev.ferry.core.settings.CdcStart start) {
        throw new SourceException("this source cannot start change capture at a chosen " + (start.time() != null ? "time" : "position")
                + " (" + start.describe() + "); leave CdcStartPosition and CdcStartTime out, and the task starts from now");
    }

    /**
     * The source's engine, as its {@link SourceFactory} names it ({@code postgres}, {@code sqlserver}):
     * whose type names {@link dev.ferry.core.model.Column#nativeType} holds, for a target's
     * type-mapping profile. Empty when unknown.
     */
    default String engine() {
        return "";
    }

    /**
     * Extends the capture of a task that is in CDC to {@code added}: tables selected now that the
     * task never loaded. The capture of the other tables is left as it is (their changes go on from
     * the task's checkpoint). Records where the changes of {@code added} start: once this returns,
     * a change stream opened from the task's checkpoint with {@code added} among its tables
     * delivers every change to them committed after the mark's position. Bulk readers of
     * {@code added} opened while the mark is open read exactly the state at its position when
     * {@link CdcMark#consistentSnapshot()} says so; otherwise they read at least everything
     * committed up to it, and the changes after it are replayed.
     *
     * <p>The default refuses: a source that cannot extend a running capture asks for a reload.
     *
     * @param taskName the task's name, as given to {@link #markCdcStart}
     * @throws SourceException when a table cannot be captured; the message names it and the fix
     */
    default CdcMark markAddedTables(String taskName, List<TableSchema> added) {
        throw new SourceException("table(s) " + added.stream().map(t -> t.id().toString()).toList() + " were added to task "
                + taskName + " after it started, and this source cannot add tables to a task in CDC; start the task again "
                + "with a full load (ferry run --reload)");
    }

    /**
     * Opens a reader of all rows of {@code table}, or of {@code range} of it when not null (its
     * partition, from {@link #partitions}, and its key bounds). Rows come as {@code Object[]} in the
     * table's column order. Readers of ranges of one table may run at the same time; opened while a
     * {@link CdcMark} with a consistent snapshot is open, they all read that snapshot.
     */
    BulkReader openBulkReader(TableSchema table, KeyRange range);

    /**
     * Opens a reader like {@link #openBulkReader(TableSchema, KeyRange)} of only the rows that pass
     * {@code filter} (the table mappings' source filters). A source that can push the filter into
     * its query does so; the default reads every row and drops those that do not pass.
     */
    default BulkReader openBulkReader(TableSchema table, KeyRange range, dev.ferry.core.mapping.SourceFilter filter) {
        BulkReader reader = openBulkReader(table, range);
        if (filter.isNone()) {
            return reader;
        }
        return new BulkReader() {
            @Override
            public long read(RowSink sink) throws InterruptedException {
                long[] passed = {0};
                reader.read(row -> {
                    if (filter.matches(row)) {
                        passed[0]++;
                        sink.accept(row);
                    }
                });
                return passed[0];
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }

    /**
     * The smallest and largest value of {@code column}, an integer column of {@code table}'s primary
     * key, for splitting its full load into ranges that run in parallel. Empty when the table has no
     * rows, or when this source declines (the default): the table then loads in one range. Reads no
     * more than the key's index when there is one. Callable from any thread.
     *
     * @throws SourceException when the source cannot be read
     */
    default java.util.Optional<KeyBounds> keyBounds(TableSchema table, String column) {
        return java.util.Optional.empty();
    }

    /**
     * The partitions that hold {@code table}'s rows (on PostgreSQL, the leaf partitions of a partitioned
     * table), each a slice {@link #openBulkReader} reads with {@link KeyRange#partition}, for a
     * {@code parallel-load} of type {@code partitions-auto} or {@code partitions-list}. Empty when the
     * table has no partitions. Callable from any thread.
     *
     * @throws SourceException when this source cannot read a table by partitions (the default); the
     *                         message names the table and what to use instead
     */
    default List<dev.ferry.core.model.TableId> partitions(TableSchema table) {
        throw new SourceException("table " + table.id() + ": this source cannot load a table by its partitions "
                + "(parallel-load type partitions-auto or partitions-list); use parallel-load type 'ranges' with columns and "
                + "boundaries of its key instead");
    }

    /**
     * Opens the stream of changes to {@code tables} committed after {@code from}.
     *
     * @param from   a position from {@link CdcMark#position()} or a target checkpoint; never null
     * @param limits how large and how late chunks may be (the task's batch settings)
     */
    ChangeStream openChangeStream(String taskName, List<TableSchema> tables, SourcePosition from, BatchLimits limits);

    /** Parses a position this source serialised. */
    SourcePosition decodePosition(String serialized);

    /**
     * Marks "now" in the change history: once the change stream has delivered (and the target
     * committed) the returned point, everything committed on the source before this call is
     * applied. Used by {@code awaitInSync}.
     */
    SyncPoint requestSyncPoint(String taskName);

    /**
     * Removes what task {@code taskName} keeps on the source for its change capture (a replication
     * slot and a publication; a row in a marker table), so that the source stops keeping changes for
     * a task that will not run again ({@code ferry drop}). The task's tables are not touched.
     * Refuses, removing nothing, while the task runs.
     *
     * @return what was removed, one entry per object, for a person ("replication slot ferry_orders");
     *         empty when the task kept nothing here. The default keeps nothing and removes nothing
     * @throws SourceException when the task is running, or an object cannot be removed; the message
     *                         says which and what to do
     */
    default List<String> dropCapture(String taskName) {
        return List.of();
    }

    /**
     * What task {@code taskName}'s change capture keeps on this source, named for a person
     * ("replication slot ferry_orders and publication ferry_orders, which keep WAL"), for messages
     * that tell the user what stays behind a failed or abandoned task; null when it keeps nothing
     * that grows. Reads nothing from the source.
     */
    default String captureObjects(String taskName) {
        return null;
    }

    @Override
    void close();
}
