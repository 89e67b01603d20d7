package dev.ferry.core.spi;

import dev.ferry.core.model.TableSchema;

import java.util.Collection;
import java.util.Optional;

/**
 * A database Ferry writes to. The DDL path ({@link #prepareTable}) is split from the data path
 * ({@link #openBulkWriter}, {@link #openChangeApplier}). Methods may be called from several
 * threads; each writer and applier is confined to the thread that opened it.
 */
public interface Target extends AutoCloseable {

    /**
     * Creates the control schema and tables the task needs (checkpoint, status) when missing.
     * Called once, before anything else.
     *
     * @param controlSchema the schema for control tables (ControlTablesSettings.ControlSchema)
     */
    void prepareControlTables(String taskName, String controlSchema);

    /** Creates, drops or truncates the table as {@code mode} says; its columns use mapped types. */
    void prepareTable(TableSchema table, TargetTablePrepMode mode);

    /** A writer that bulk-loads rows into {@code table} in one transaction. */
    BulkWriter openBulkWriter(TableSchema table);

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

    /** Forgets the task's checkpoint: the next start is a fresh one. */
    void resetCheckpoint(String taskName);

    @Override
    void close();
}
