package dev.ferry.core.spi;

import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A database Ferry writes to. The DDL path ({@link #prepareTable}) is split from the data path
 * ({@link #openBulkWriter}, {@link #openChangeApplier}). Methods may be called from several
 * threads; each writer and applier is confined to the thread that opened it, except for its
 * {@code close()}, which a task's abort calls from another thread: it must then drop the
 * connection at once and never let anything the writer or applier had not committed commit later
 * (close the connection; no rollback followed by more work on it).
 */
public interface Target extends AutoCloseable {

    /**
     * Creates the control schema and tables the task needs (checkpoint, status) when missing.
     * Called once, before anything else.
     *
     * @param controlSchema the schema for control tables (ControlTablesSettings.ControlSchema)
     */
    void prepareControlTables(String taskName, String controlSchema);

    /**
     * Chooses the column types {@link #prepareTable} creates from now on: those of {@code profile}
     * for the types of a source of engine {@code sourceEngine} ({@link Source#engine()}). Called
     * once, before any table is prepared. The default knows only the native profile and refuses
     * the others.
     *
     * @throws dev.ferry.core.ConfigurationException when this target has no such profile, or none for that engine
     */
    default void useTypeMapping(dev.ferry.core.settings.TypeMappingProfile profile, String sourceEngine) {
        if (profile != dev.ferry.core.settings.TypeMappingProfile.NATIVE) {
            throw new dev.ferry.core.ConfigurationException("FerrySettings.TypeMappingProfile " + profile.label()
                    + ": this target has only the native type mapping; remove the setting");
        }
    }

    /** Creates, drops or truncates the table as {@code mode} says; its columns use mapped types. */
    void prepareTable(TableSchema table, TargetTablePrepMode mode);

    /** A writer that bulk-loads rows into {@code table} in one transaction. */
    BulkWriter openBulkWriter(TableSchema table);

    /**
     * Prepares {@code table} for a load by task {@code taskName}, as {@link #prepareTable(TableSchema,
     * TargetTablePrepMode)} does, after settling a load of it that the task recorded before
     * ({@link #openBulkWriter(String, TableSchema, String)}) and that did not count, since the task
     * loads the table again: its rows committed but the task stopped before it recorded the table as
     * loaded. Under {@link TargetTablePrepMode#DO_NOTHING}, which keeps rows Ferry did not load, those
     * rows are removed when they are all the table held (it was empty before that load), and the
     * load is refused, naming the table and the fix, when Ferry cannot tell them from others.
     * The default prepares the table only (a target that records no loads has none to settle).
     */
    default void prepareTable(String taskName, TableSchema table, TargetTablePrepMode mode) {
        prepareTable(table, mode);
    }

    /**
     * A writer like {@link #openBulkWriter(TableSchema)} that records, in the transaction that
     * commits the rows, that task {@code taskName} loaded the table, consistent with source
     * position {@code position}: after a crash the target holds both the rows and the record, or
     * neither. The default records nothing ({@link #tablesLoaded} then finds nothing, and a
     * restart loads again every table its checkpoint does not list).
     *
     * @param position the serialised source position the rows are consistent with (the CDC mark of
     *                 the load); null for a full-load-only task
     */
    default BulkWriter openBulkWriter(String taskName, TableSchema table, String position) {
        return openBulkWriter(table);
    }

    /**
     * A writer of one of the {@code ranges} ranges a table's load is split into, loaded at the same
     * time by several writers, each committing on its own. Each records, in the transaction of its
     * rows, that one more range of the table committed; the table counts as loaded
     * ({@link #tablesLoaded}) only once all {@code ranges} have. A load of the table again (its
     * {@link #prepareTable(String, TableSchema, TargetTablePrepMode)}) settles the ranges of an earlier
     * one that did not count, as it settles a whole load. {@code ranges == 1} is
     * {@link #openBulkWriter(String, TableSchema, String)}.
     *
     * <p>The default records nothing for {@code ranges > 1} (the table then loads again after a
     * restart, as with a target that records no loads).
     */
    default BulkWriter openBulkWriter(String taskName, TableSchema table, String position, int ranges) {
        return ranges == 1 ? openBulkWriter(taskName, table, position) : openBulkWriter(table);
    }

    /**
     * The tables whose load by task {@code taskName} at {@code position} (null: a full-load-only
     * load) the target recorded and has not forgotten. Never null.
     */
    default Set<TableId> tablesLoaded(String taskName, String position) {
        return java.util.Set.of();
    }

    /**
     * Forgets the recorded loads of {@code tables} by task {@code taskName}: a checkpoint counts
     * them as loaded now, or they will not be loaded under the record's position any more.
     */
    default void forgetTableLoads(String taskName, Collection<TableId> tables) {
    }

    /** An applier of CDC batches for {@code tables}; the schemas give column order and keys. */
    ChangeApplier openChangeApplier(String taskName, Collection<TableSchema> tables);

    /**
     * The last checkpoint committed for {@code taskName}, if any, with every field as it was
     * written: {@link Checkpoint#loadedTables()} too, null when it was written without one.
     */
    Optional<Checkpoint> readCheckpoint(String taskName);

    /**
     * Stores a checkpoint on its own (phase changes), all of its fields; CDC batches store theirs in
     * the apply transaction.
     */
    void writeCheckpoint(String taskName, Checkpoint checkpoint);

    /** Forgets the task's checkpoint and its recorded table loads: the next start is a fresh one. */
    void resetCheckpoint(String taskName);

    /**
     * Forgets task {@code taskName} for good ({@code ferry drop}): removes its checkpoint and
     * whatever else the target keeps of it in {@code controlSchema}. The task's tables and their rows
     * stay. Creates nothing: a target that never ran the task is left as it is.
     *
     * @return what was removed, one entry per item, for a person ("checkpoint (CDC at 0/16B3A28)");
     *         empty when the target kept nothing of the task
     */
    default List<String> dropTask(String taskName, String controlSchema) {
        throw new dev.ferry.core.ConfigurationException("this target cannot forget task " + taskName);
    }

    @Override
    void close();
}
