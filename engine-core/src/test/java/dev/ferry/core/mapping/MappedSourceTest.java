package dev.ferry.core.mapping;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.spi.BatchLimits;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.CdcMark;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.SyncPoint;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MappedSourceTest {

    record Pos(long n) implements SourcePosition {
        @Override
        public String serialize() {
            return Long.toString(n);
        }

        @Override
        public String describe() {
            return "#" + n;
        }

        @Override
        public int compareTo(SourcePosition o) {
            return Long.compare(n, ((Pos) o).n);
        }
    }

    static final TableSchema ORDERS = new TableSchema(new TableId("src", "orders"),
            List.of(new Column("id", LogicalType.of(TypeKind.INT64), false), new Column("qty", LogicalType.of(TypeKind.INT32), true),
                    new Column("note", LogicalType.of(TypeKind.TEXT), true)), List.of("id"));
    static final TableSchema OTHER = new TableSchema(new TableId("src", "other"),
            List.of(new Column("id", LogicalType.of(TypeKind.INT64), false)), List.of("id"));
    static final TableSchema TARGET = new TableSchema(new TableId("dst", "orders2"),
            List.of(new Column("id", LogicalType.of(TypeKind.INT64), false), new Column("qty", LogicalType.of(TypeKind.INT32), true)),
            List.of("id"));

    /** Drops column note and moves the table to dst.orders2. */
    static final RowTransform DROP_NOTE = new RowTransform() {
        @Override
        public TableSchema target() {
            return TARGET;
        }

        @Override
        public Object[] load(Object[] row) {
            return new Object[] {row[0], row[1]};
        }

        @Override
        public void change(ChangeEvent event, ChangeChunk chunk, int index, Consumer<ChangeEvent> out) {
            if (event instanceof ChangeEvent.Insert i) {
                out.accept(new ChangeEvent.Insert(TARGET.id(), load(i.after())));
            } else if (event instanceof ChangeEvent.Delete d) {
                out.accept(new ChangeEvent.Delete(TARGET.id(), load(d.before())));
            }
        }
    };

    /** Rows whose qty is 1. */
    static final SourceFilter QTY_ONE = new SourceFilter() {
        @Override
        public boolean matches(Object[] row) {
            return Integer.valueOf(1).equals(row[1]);
        }

        @Override
        public void route(ChangeEvent event, Consumer<ChangeEvent> out) {
            if (!(event instanceof ChangeEvent.Insert i) || matches(i.after())) {
                out.accept(event);
            }
        }
    };

    /** Serves fixed rows and scripted chunks; records what is read and committed. */
    static final class ScriptedSource implements Source {
        final Deque<ChangeChunk> chunks = new ArrayDeque<>();
        final List<ChangeChunk> committed = new ArrayList<>();
        final List<String> reads = new ArrayList<>();
        final List<Object[]> rows = List.of(new Object[] {1L, 1, "a"}, new Object[] {2L, 2, "b"}, new Object[] {3L, 1, "c"});

        @Override
        public List<TableSchema> discover() {
            return List.of(ORDERS, OTHER);
        }

        @Override
        public CdcMark markCdcStart(String taskName, List<TableSchema> tables) {
            throw new UnsupportedOperationException();
        }

        @Override
        public BulkReader openBulkReader(TableSchema table, KeyRange range) {
            reads.add(table.id().toString());
            return new BulkReader() {
                @Override
                public long read(RowSink sink) throws InterruptedException {
                    for (Object[] row : rows) {
                        sink.accept(row);
                    }
                    return rows.size();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public ChangeStream openChangeStream(String taskName, List<TableSchema> tables, SourcePosition from, BatchLimits limits) {
            reads.add("stream " + tables.stream().map(t -> t.id().toString()).toList());
            return new ChangeStream() {
                @Override
                public ChangeChunk poll(long timeout, TimeUnit unit) {
                    return chunks.pollFirst();
                }

                @Override
                public void committed(ChangeChunk chunk) {
                    committed.add(chunk);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public SourcePosition decodePosition(String serialized) {
            return new Pos(Long.parseLong(serialized));
        }

        @Override
        public SyncPoint requestSyncPoint(String taskName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    static ChangeChunk chunk(long position, ChangeEvent... events) {
        return new ChangeChunk(List.of(events), new Pos(position), 0, false, List.of());
    }

    @Test
    @DisplayName("when a table is filtered and transformed, then the full load reads the source table and hands over only "
            + "the target rows of the rows that pass")
    void loadFiltersAndTransforms() throws Exception {
        ScriptedSource source = new ScriptedSource();
        MappedSource mapped = new MappedSource(source, List.of(new MappedTable(ORDERS, QTY_ONE, DROP_NOTE, 0)));
        List<Object[]> got = new ArrayList<>();
        try (BulkReader reader = mapped.openBulkReader(TARGET, null)) {
            assertThat(reader.read(got::add)).isEqualTo(2);
        }
        assertThat(source.reads).containsExactly("src.orders");
        assertThat(got).containsExactly(new Object[] {1L, 1}, new Object[] {3L, 1});
    }

    @Test
    @DisplayName("when chunks are mapped, then their events name the target table, filtered ones are gone, and committing "
            + "a mapped chunk commits the source's own chunk behind it and all before it")
    void changesAreMappedAndCommittedAsTheSourceChunks() throws Exception {
        ScriptedSource source = new ScriptedSource();
        MappedSource mapped = new MappedSource(source, List.of(new MappedTable(ORDERS, QTY_ONE, DROP_NOTE, 0),
                MappedTable.identity(OTHER)));
        ChangeChunk first = chunk(1, new ChangeEvent.Insert(ORDERS.id(), new Object[] {4L, 1, "d"}),
                new ChangeEvent.Insert(ORDERS.id(), new Object[] {5L, 7, "e"}), new ChangeEvent.Insert(OTHER.id(), new Object[] {9L}));
        ChangeChunk second = chunk(2, new ChangeEvent.Delete(ORDERS.id(), new Object[] {4L, null, null}));
        source.chunks.add(first);
        source.chunks.add(second);
        try (ChangeStream stream = mapped.openChangeStream("t", List.of(TARGET, OTHER), new Pos(0), new BatchLimits(10, Duration.ofSeconds(1)))) {
            assertThat(source.reads).containsExactly("stream [src.orders, src.other]");
            ChangeChunk a = stream.poll(1, TimeUnit.SECONDS);
            ChangeChunk b = stream.poll(1, TimeUnit.SECONDS);
            assertThat(a.position()).isEqualTo(new Pos(1));
            assertThat(a.events()).hasSize(2);
            assertThat(a.events().get(0)).isInstanceOfSatisfying(ChangeEvent.Insert.class, i -> {
                assertThat(i.table()).isEqualTo(TARGET.id());
                assertThat(i.after()).containsExactly(4L, 1);
            });
            assertThat(a.events().get(1).table()).isEqualTo(OTHER.id());
            assertThat(b.events()).singleElement().isInstanceOf(ChangeEvent.Delete.class);

            stream.committed(b);
            assertThat(source.committed).containsExactly(second);
            assertThatThrownBy(() -> stream.committed(a)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    @DisplayName("when every table moves as it is, then the source's own stream is handed out and nothing is copied")
    void identityPassesTheStreamThrough() {
        ScriptedSource source = new ScriptedSource();
        MappedSource mapped = new MappedSource(source, List.of(MappedTable.identity(ORDERS)));
        ChangeChunk only = chunk(1, new ChangeEvent.Insert(ORDERS.id(), new Object[] {1L, 1, "x"}));
        source.chunks.add(only);
        try (ChangeStream stream = mapped.openChangeStream("t", List.of(ORDERS), new Pos(0), new BatchLimits(10, Duration.ofSeconds(1)))) {
            assertThat(stream.poll(1, TimeUnit.SECONDS)).isSameAs(only);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @DisplayName("when two source tables would land in one target table, then the mapping is refused naming it")
    void twoSourcesOneTargetRefused() {
        RowTransform intoOrders = RowTransform.identity(ORDERS);
        assertThatThrownBy(() -> new MappedSource(new ScriptedSource(), List.of(MappedTable.identity(ORDERS),
                new MappedTable(OTHER, SourceFilter.NONE, intoOrders, 0))))
                .hasMessageContaining("src.orders");
    }
}
