package dev.ferry.core.mapping;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BatchLimits;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.CdcMark;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.ForwardingChangeStream;
import dev.ferry.core.spi.ForwardingSource;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A source seen through the table mappings: the task deals in target tables only (their ids,
 * columns and keys), and this source reads the source tables behind them, filters their rows and
 * changes, and transforms them into target rows and changes. Tables that move as they are pass
 * through without a per-row call.
 */
public final class MappedSource extends ForwardingSource {

    private final Map<TableId, MappedTable> byTarget = new HashMap<>();
    private final Map<TableId, MappedTable> bySource = new HashMap<>();

    public MappedSource(Source delegate, List<MappedTable> tables) {
        super(delegate);
        for (MappedTable t : tables) {
            if (byTarget.put(t.target().id(), t) != null) {
                throw new IllegalArgumentException("two source tables map onto target table " + t.target().id());
            }
            bySource.put(t.source().id(), t);
        }
    }

    /** The mapping of the target table {@code target}. */
    public MappedTable mapping(TableId target) {
        MappedTable m = byTarget.get(target);
        if (m == null) {
            throw new IllegalArgumentException("table " + target + " is not a target of the table mappings");
        }
        return m;
    }

    private List<TableSchema> sources(List<TableSchema> targets) {
        List<TableSchema> result = new ArrayList<>(targets.size());
        for (TableSchema t : targets) {
            result.add(mapping(t.id()).source());
        }
        return result;
    }

    @Override
    public CdcMark markCdcStart(String taskName, List<TableSchema> tables) {
        return delegate.markCdcStart(taskName, sources(tables));
    }

    @Override
    public CdcMark markCdcStartAt(String taskName, List<TableSchema> tables, dev.ferry.core.settings.CdcStart start) {
        return delegate.markCdcStartAt(taskName, sources(tables), start);
    }

    @Override
    public CdcMark markAddedTables(String taskName, List<TableSchema> added) {
        return delegate.markAddedTables(taskName, sources(added));
    }

    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range) {
        MappedTable m = mapping(table.id());
        BulkReader reader = m.filter().isNone() ? delegate.openBulkReader(m.source(), range)
                : delegate.openBulkReader(m.source(), range, m.filter());
        if (m.transform().isIdentity()) {
            return reader;
        }
        RowTransform transform = m.transform();
        return new BulkReader() {
            @Override
            public long read(RowSink sink) throws InterruptedException {
                return reader.read(row -> sink.accept(transform.load(row)));
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }

    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range, SourceFilter filter) {
        if (!filter.isNone()) {
            throw new IllegalArgumentException("a mapped source applies the mappings' own filters");
        }
        return openBulkReader(table, range);
    }

    @Override
    public java.util.Optional<dev.ferry.core.spi.KeyBounds> keyBounds(TableSchema table, String column) {
        throw new UnsupportedOperationException("key bounds are read from the source table: plan ranges on mapping(id).source()");
    }

    @Override
    public List<TableId> partitions(TableSchema table) {
        throw new UnsupportedOperationException("partitions are read from the source table: plan ranges on mapping(id).source()");
    }

    @Override
    public ChangeStream openChangeStream(String taskName, List<TableSchema> tables, SourcePosition from, BatchLimits limits) {
        ChangeStream stream = delegate.openChangeStream(taskName, sources(tables), from, limits);
        boolean identity = true;
        for (TableSchema t : tables) {
            identity &= mapping(t.id()).isIdentity();
        }
        return identity ? stream : new MappedStream(stream);
    }

    /** Maps every chunk; commits the source's own chunk behind each mapped one. */
    private final class MappedStream extends ForwardingChangeStream {
        // mapped chunks handed out and not yet committed, with the source chunk each stands for, in order
        private final Deque<ChangeChunk[]> pending = new ArrayDeque<>();

        MappedStream(ChangeStream delegate) {
            super(delegate);
        }

        @Override
        public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
            ChangeChunk chunk = delegate.poll(timeout, unit);
            if (chunk == null) {
                return null;
            }
            List<ChangeEvent> events = new ArrayList<>(chunk.events().size());
            List<ChangeEvent> events0 = chunk.events();
            for (int i = 0; i < events0.size(); i++) {
                ChangeEvent e = events0.get(i);
                MappedTable m = bySource.get(e.table());
                if (m == null || m.isIdentity()) {
                    events.add(e);
                    continue;
                }
                int index = i;
                m.filter().route(e, routed -> m.transform().change(routed, chunk, index, events::add));
            }
            ChangeChunk mapped = new ChangeChunk(events, chunk.position(), chunk.sourceTimeMillis(), chunk.awaitsCommit(),
                    chunk.syncMarkers());
            pending.addLast(new ChangeChunk[] {mapped, chunk});
            return mapped;
        }

        @Override
        public boolean startTableAfter(TableId table, SourcePosition start) {
            return delegate.startTableAfter(mapping(table).source().id(), start);
        }

        @Override
        public void committed(ChangeChunk chunk) throws InterruptedException {
            ChangeChunk source = null;
            while (!pending.isEmpty()) {
                ChangeChunk[] next = pending.pollFirst();
                if (next[0] == chunk) {
                    source = next[1];
                    break;
                }
            }
            if (source == null) {
                throw new IllegalStateException("committed a chunk this stream did not hand out");
            }
            delegate.committed(source);
        }
    }
}
