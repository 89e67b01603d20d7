package dev.ferry.core.spi;

import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableSchema;

import java.util.List;

/**
 * A database (or file store) Ferry reads from: its catalog, a bulk reader per table, and a change
 * stream. One source serves one task; its methods may be called from several threads (bulk
 * readers run in parallel), but each {@link BulkReader} and the {@link ChangeStream} are
 * confined to the thread that uses them.
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
     * Opens a reader of all rows of {@code table}, or of {@code range} of it when not null.
     * Rows come as {@code Object[]} in the table's column order.
     */
    BulkReader openBulkReader(TableSchema table, KeyRange range);

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

    /** Releases capture objects of a task that will not resume (slot, publication). Optional. */
    default void dropCapture(String taskName) {
    }

    @Override
    void close();
}
