package dev.ferry.core.spi;

import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableSchema;

import java.util.List;
import java.util.Objects;

/**
 * A {@link Source} that passes every call to another one; extend it to watch or alter a few calls
 * (to record a change stream, to stop at a chosen point in a test). A filtered read goes through
 * {@link #openBulkReader(TableSchema, KeyRange)} and is filtered in memory (the interface's
 * default), so that an override of that method sees every read.
 */
public abstract class ForwardingSource implements Source {
    protected final Source delegate;

    protected ForwardingSource(Source delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public List<TableSchema> discover() {
        return delegate.discover();
    }

    @Override
    public CdcMark markCdcStart(String taskName, List<TableSchema> tables) {
        return delegate.markCdcStart(taskName, tables);
    }

    @Override
    public CdcMark markCdcStartAt(String taskName, List<TableSchema> tables, dev.ferry.core.settings.CdcStart start) {
        return delegate.markCdcStartAt(taskName, tables, start);
    }

    @Override
    public String engine() {
        return delegate.engine();
    }

    @Override
    public CdcMark markAddedTables(String taskName, List<TableSchema> added) {
        return delegate.markAddedTables(taskName, added);
    }

    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range) {
        return delegate.openBulkReader(table, range);
    }

    /**
     * An unfiltered read goes through {@link #openBulkReader(TableSchema, KeyRange)}, so that a
     * subclass that wraps that method (to hold, count or fail reads) sees every read of the task;
     * a filtered one goes to the delegate's filtered read.
     */
    @Override
    public java.util.Optional<KeyBounds> keyBounds(TableSchema table, String column) {
        return delegate.keyBounds(table, column);
    }

    @Override
    public List<dev.ferry.core.model.TableId> partitions(TableSchema table) {
        return delegate.partitions(table);
    }

    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range, dev.ferry.core.mapping.SourceFilter filter) {
        return filter.isNone() ? openBulkReader(table, range) : delegate.openBulkReader(table, range, filter);
    }

    @Override
    public ChangeStream openChangeStream(String taskName, List<TableSchema> tables, SourcePosition from, BatchLimits limits) {
        return delegate.openChangeStream(taskName, tables, from, limits);
    }

    @Override
    public SourcePosition decodePosition(String serialized) {
        return delegate.decodePosition(serialized);
    }

    @Override
    public SyncPoint requestSyncPoint(String taskName) {
        return delegate.requestSyncPoint(taskName);
    }

    @Override
    public List<String> dropCapture(String taskName) {
        return delegate.dropCapture(taskName);
    }

    @Override
    public String captureObjects(String taskName) {
        return delegate.captureObjects(taskName);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
