package dev.ferry.core.spi;

import dev.ferry.core.model.TableSchema;

import java.util.List;

/**
 * A source that can assess, before any data moves, whether a task can run against it: capture
 * settings, permissions, keys, types that cannot be carried faithfully.
 */
public interface AssessableSource extends Source {

    /**
     * Assesses the source for {@code tables} (selected by the task's mappings from
     * {@link #discover()}), for a task that captures changes when {@code captureChanges}.
     *
     * @throws dev.ferry.core.SourceException when the source cannot be reached
     */
    Assessment assess(List<TableSchema> tables, boolean captureChanges);
}
