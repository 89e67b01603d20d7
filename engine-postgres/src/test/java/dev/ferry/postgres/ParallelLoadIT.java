package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.SourceException;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.ForwardingSource;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TableStats;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table's full load split into ranges that load in parallel (table-settings parallel-load, or by
 * itself when big): every row arrives once, in each mode and after a kill midway.
 */
class ParallelLoadIT extends EmbeddedPostgresTest {

    static final Path EXAMPLES = Path.of("..").toAbsolutePath().normalize().resolve("docs/examples/table-settings");

    /** The source, recording the ranges its readers are opened for. */
    static final class RecordingSource extends ForwardingSource {
        final List<KeyRange> ranges = Collections.synchronizedList(new ArrayList<>());

        RecordingSource(String db) {
            super(Endpoints.source(server.endpoint(db)));
        }

        @Override
        public BulkReader openBulkReader(TableSchema table, KeyRange range) {
            if (range != null) {
                ranges.add(range);
            }
            return super.openBulkReader(table, range);
        }
    }

    private static void createTables(String src) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c,
                    "CREATE TABLE orders (id int NOT NULL, region text NOT NULL, amount numeric(10,2), PRIMARY KEY (region, id))",
                    "INSERT INTO orders SELECT g, (ARRAY['east','north','south','west'])[1 + g % 4], g * 1.5 FROM generate_series(1, 4000) g",
                    "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, what text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
                    "CREATE TABLE events_01 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')",
                    "CREATE TABLE events_02 PARTITION OF events FOR VALUES FROM ('2024-02-01') TO ('2024-03-01') PARTITION BY HASH (id)",
                    "CREATE TABLE events_02a PARTITION OF events_02 FOR VALUES WITH (MODULUS 2, REMAINDER 0)",
                    "CREATE TABLE events_02b PARTITION OF events_02 FOR VALUES WITH (MODULUS 2, REMAINDER 1)",
                    "CREATE TABLE events_03 PARTITION OF events FOR VALUES FROM ('2024-03-01') TO ('2024-04-01')",
                    "INSERT INTO events SELECT g, date '2024-01-01' + (g % 90), 'e' || g FROM generate_series(1, 3000) g",
                    "CREATE TABLE notes (id int PRIMARY KEY, body text)",
                    "INSERT INTO notes SELECT g, repeat('n', g) FROM generate_series(1, 200) g");
        }
    }

    private static void assertSame(String src, String dst, String... tables) throws Exception {
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : tables) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }

    private static TableStats stats(FerryTask task, String table) {
        return task.status().tables().stream().filter(t -> t.table().name().equals(table)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("when the docs' mapping splits orders by two-column ranges and events by its leaf partitions, then each "
            + "range loads once, the tables equal the source, and CDC goes on from there")
    void rangesAndPartitions() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        TableMappings mappings = TableMappings.load(EXAMPLES.resolve("orders-ranges.json"));
        try (RecordingSource source = new RecordingSource(src);
             FerryTask task = Ferry.task("ranges").source(source).target(Endpoints.target(server.endpoint(dst)))
                     .tableMappings(mappings).maxParallelTables(4).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).as("%s", task.status().error()).isTrue();
            List<String> cols = List.of("region", "id");
            assertThat(source.ranges).filteredOn(r -> r.partition() == null).containsExactlyInAnyOrder(
                    new KeyRange(cols, null, List.of("east", 500L), null),
                    new KeyRange(cols, List.of("east", 500L), List.of("west", 100L), null),
                    new KeyRange(cols, List.of("west", 100L), null, null));
            assertThat(source.ranges).filteredOn(r -> r.partition() != null).extracting(r -> r.partition().name())
                    .as("the leaves, the sub-partitioned one's included").containsExactlyInAnyOrder("events_01", "events_02a",
                            "events_02b", "events_03");
            assertThat(stats(task, "orders").fullLoadRows()).isEqualTo(4000);
            assertThat(stats(task, "events").fullLoadRows()).isEqualTo(3000);
            assertSame(src, dst, "public.orders", "public.events", "public.notes");
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE orders SET amount = 0 WHERE id % 7 = 0", "DELETE FROM orders WHERE id % 11 = 0",
                        "INSERT INTO events VALUES (5000, '2024-03-15', 'new')", "UPDATE notes SET body = 'x' WHERE id < 5");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            assertSame(src, dst, "public.orders", "public.events", "public.notes");
        }
    }

    @Test
    @DisplayName("when a partitions-list names one partition, then it loads first and the partitions it does not name load too")
    void partitionsListLoadsEveryRow() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        try (RecordingSource source = new RecordingSource(src);
             FerryTask task = Ferry.task("plist").source(source).target(Endpoints.target(server.endpoint(dst)))
                     .tableMappings(TableMappings.load(EXAMPLES.resolve("events-partitions-list.json")))
                     .migrationType(MigrationType.FULL_LOAD).maxParallelTables(1).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).as("%s", task.status().error()).isEqualTo(TaskState.LOAD_COMPLETE);
            // one thread: the ranges open in plan order
            assertThat(source.ranges).extracting(r -> r.partition().name())
                    .containsExactly("events_03", "events_01", "events_02a", "events_02b");
            assertSame(src, dst, "public.events");
        }
    }

    @Test
    @DisplayName("when a table-settings rule does not fit its table, then the task fails before any row moves, naming the rule and the fix")
    void ruleThatDoesNotFitFailsFirst() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        TableMappings mappings = TableMappings.parse("""
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
                            "object-locator": {"schema-name": "public", "table-name": "%"}},
                           {"rule-type": "table-settings", "rule-id": "2", "rule-name": "by-amount",
                            "object-locator": {"schema-name": "public", "table-name": "orders"},
                            "parallel-load": {"type": "ranges", "columns": ["amount"], "boundaries": [["100"]]}},
                           {"rule-type": "table-settings", "rule-id": "3",
                            "object-locator": {"schema-name": "public", "table-name": "notes"},
                            "parallel-load": {"type": "partitions-list", "partitions": ["notes_1"]}}]}""", "m.json");
        try (FerryTask task = Ferry.task("misfit").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(mappings).migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).isEqualTo("table mappings: 2 problems:\n"
                    + "  - table-settings rule 2 ('by-amount'), parallel-load ranges of table public.orders: column amount of "
                    + "public.orders allows NULL, and a row with NULL there is in no range (DMS does not replicate such rows); use "
                    + "NOT NULL columns, such as the primary key [region, id]\n"
                    + "  - table-settings rule 3: table public.notes has no partition(s) [notes_1]; it is not partitioned: use "
                    + "parallel-load type 'ranges'");
        }
        try (Connection t = server.connect(dst)) {
            assertThat(Tables.count(t, "information_schema.tables WHERE table_schema = 'public'")).as("no table made").isZero();
        }
    }

    @Test
    @DisplayName("when a big table with an integer key has no table-settings, then it splits by itself into ranges of its key "
            + "(at most MaxFullLoadSubTasks, at most the machine's cores), open at both ends, and loads every row once")
    void automaticSplit() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE big (id bigint PRIMARY KEY, v text)",
                    "INSERT INTO big SELECT g, 'v' || g FROM generate_series(-500, 19499) g",
                    "CREATE TABLE small (id int PRIMARY KEY)", "INSERT INTO small SELECT generate_series(1, 100)",
                    "ANALYZE big", "ANALYZE small");
        }
        try (RecordingSource source = new RecordingSource(src);
             FerryTask task = Ferry.task("auto").source(source).target(Endpoints.target(server.endpoint(dst)))
                     .migrationType(MigrationType.FULL_LOAD).maxParallelTables(3).autoSplitRows(2000).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).as("%s", task.status().error()).isEqualTo(TaskState.LOAD_COMPLETE);
            // 10 ranges of 2000 rows, but at most MaxFullLoadSubTasks (3) and as many as this machine has cores (at least 2)
            int n = Math.min(3, Math.max(2, Runtime.getRuntime().availableProcessors()));
            assertThat(source.ranges).containsExactlyInAnyOrderElementsOf(n == 2
                    ? List.of(new KeyRange("id", null, 9500L), new KeyRange("id", 9500L, null))
                    : List.of(new KeyRange("id", null, 6166L), new KeyRange("id", 6166L, 12833L), new KeyRange("id", 12833L, null)));
            assertThat(stats(task, "big").fullLoadRows()).isEqualTo(20000);
            assertSame(src, dst, "public.big", "public.small");
        }
    }

    /**
     * The source, with the read of the last range of {@code big} (open above) held after 100 rows
     * until {@code release} opens.
     */
    private static Source holdingLastRange(String src, CountDownLatch release) {
        return new ForwardingSource(Endpoints.source(server.endpoint(src))) {
            @Override
            public BulkReader openBulkReader(TableSchema table, KeyRange range) {
                BulkReader reader = super.openBulkReader(table, range);
                if (range == null || range.highExclusive() != null) {
                    return reader;
                }
                return new BulkReader() {
                    @Override
                    public long read(RowSink sink) throws InterruptedException {
                        long[] n = {0};
                        return reader.read(row -> {
                            if (++n[0] == 100 && !release.await(60, TimeUnit.SECONDS)) {
                                throw new SourceException("the test never released the last range");
                            }
                            sink.accept(row);
                        });
                    }

                    @Override
                    public void close() {
                        reader.close();
                    }
                };
            }
        };
    }

    private static long rangesDone(String dst) throws Exception {
        try (Connection c = server.connect(dst); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(ranges_done), 0) FROM ferry.ferry_table_loads WHERE table_name = 'big'")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return 0; // the control table is not there yet
        }
    }

    private static final String BIG_IN_THREE = """
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
                        "object-locator": {"schema-name": "public", "table-name": "big"}},
                       {"rule-type": "table-settings", "rule-id": "2",
                        "object-locator": {"schema-name": "public", "table-name": "big"},
                        "parallel-load": {"type": "ranges", "columns": ["id"], "boundaries": [["2000"], ["4000"]]}}]}""";

    /** A keyless table of 6000 rows, where a range loaded twice would show as doubled rows. */
    private static void createBig(String src) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE big (id int NOT NULL, v text)", "ALTER TABLE big REPLICA IDENTITY FULL",
                    "INSERT INTO big SELECT g, 'v' || g FROM generate_series(1, 6000) g");
        }
    }

    /** Runs the load of big in three ranges until the first two committed, the third one held, then kills the task. */
    private static void killAfterTwoRanges(String src, String dst, TaskSettings settings, MigrationType type) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Source source = holdingLastRange(src, release);
             dev.ferry.core.spi.Target target = Endpoints.target(server.endpoint(dst));
             FerryTask first = Ferry.task("cut").source(source).target(target).migrationType(type).settings(settings)
                     .tableMappings(TableMappings.parse(BIG_IN_THREE, "m.json")).build()) {
            first.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (rangesDone(dst) < 2) {
                assertThat(System.nanoTime()).as("two ranges commit (%s)", first.status().error()).isLessThan(deadline);
                Thread.sleep(10);
            }
            first.abort();
            assertThat(first.status().state()).isEqualTo(TaskState.STOPPED);
        } finally {
            release.countDown();
        }
    }

    private static FerryTask restart(String src, String dst, TaskSettings settings, MigrationType type) {
        return Ferry.task("cut").source(server.endpoint(src)).target(server.endpoint(dst)).migrationType(type)
                .settings(settings).tableMappings(TableMappings.parse(BIG_IN_THREE, "m.json")).build();
    }

    private void killMidwayThenRestart(TargetTablePrepMode mode, MigrationType type) throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createBig(src);
        TaskSettings settings = TaskSettings.defaults().withTargetTablePrepMode(mode);
        killAfterTwoRanges(src, dst, settings, type);
        try (Connection t = server.connect(dst)) {
            assertThat(Tables.count(t, "public.big")).as("the two ranges that committed").isEqualTo(3999);
        }
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "UPDATE big SET v = 'changed while stopped' WHERE id % 100 = 0");
        }
        try (FerryTask again = restart(src, dst, settings, type)) {
            again.start();
            if (type.cdc()) {
                assertThat(again.awaitInSync(Duration.ofSeconds(60))).as("%s", again.status().error()).isTrue();
            } else {
                assertThat(again.awaitFinished(Duration.ofSeconds(60))).isTrue();
                assertThat(again.status().state()).as("%s", again.status().error()).isEqualTo(TaskState.LOAD_COMPLETE);
            }
            assertThat(stats(again, "big").fullLoadRows()).as("the table loads again, whole").isEqualTo(6000);
            assertSame(src, dst, "public.big");
        }
    }

    @Test
    @DisplayName("when a load in ranges into a DO_NOTHING table that held rows of its own is killed midway, then the restart "
            + "refuses, naming the rows to remove, and once they are removed loads the table with the user's rows kept")
    void killMidwayDoNothingOnOwnRows() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createBig(src);
        try (Connection t = server.connect(dst)) {
            Tables.exec(t, "CREATE TABLE big (id int NOT NULL, v text)",
                    "INSERT INTO big SELECT g, 'own' FROM generate_series(100001, 100010) g");
        }
        TaskSettings settings = TaskSettings.defaults().withTargetTablePrepMode(TargetTablePrepMode.DO_NOTHING);
        killAfterTwoRanges(src, dst, settings, MigrationType.FULL_LOAD);
        try (FerryTask again = restart(src, dst, settings, MigrationType.FULL_LOAD)) {
            again.start();
            assertThat(again.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(again.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(again.status().error()).contains("table public.big: task cut loaded 3999 row(s) into it before, on top of the 10 "
                    + "it held, and stopped before it recorded the table as loaded");
        }
        try (Connection t = server.connect(dst)) {
            Tables.exec(t, "DELETE FROM big WHERE v <> 'own'");
        }
        try (FerryTask again = restart(src, dst, settings, MigrationType.FULL_LOAD)) {
            again.start();
            assertThat(again.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(again.status().state()).as("%s", again.status().error()).isEqualTo(TaskState.LOAD_COMPLETE);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            assertThat(Tables.rows(t, "(SELECT * FROM public.big WHERE v <> 'own')")).isEqualTo(Tables.rows(s, "public.big"));
            assertThat(Tables.count(t, "public.big WHERE v = 'own'")).isEqualTo(10);
        }
    }

    @Test
    @DisplayName("when a full load in ranges is killed after two of three ranges committed, under DO_NOTHING, then the restart "
            + "removes their rows and loads the table once")
    void killMidwayDoNothing() throws Exception {
        killMidwayThenRestart(TargetTablePrepMode.DO_NOTHING, MigrationType.FULL_LOAD);
    }

    @Test
    @DisplayName("when a full load and CDC in ranges is killed after two of three ranges committed, under DO_NOTHING, then "
            + "the restart converges")
    void killMidwayDoNothingWithCdc() throws Exception {
        killMidwayThenRestart(TargetTablePrepMode.DO_NOTHING, MigrationType.FULL_LOAD_AND_CDC);
    }

    @Test
    @DisplayName("when a full load in ranges is killed after two of three ranges committed, under TRUNCATE_BEFORE_LOAD, then "
            + "the restart loads the table once")
    void killMidwayTruncate() throws Exception {
        killMidwayThenRestart(TargetTablePrepMode.TRUNCATE_BEFORE_LOAD, MigrationType.FULL_LOAD);
    }

    @Test
    @DisplayName("when a partial ranged load is recorded, then the table does not count as loaded until every range committed")
    void partialLoadDoesNotCount() throws Exception {
        String dst = server.newDatabase("dst");
        try (dev.ferry.core.spi.Target target = Endpoints.target(server.endpoint(dst))) {
            target.prepareControlTables("t", "ferry");
            TableSchema table = new TableSchema(new TableId("public", "x"), List.of(new dev.ferry.core.model.Column("id",
                    dev.ferry.core.model.LogicalType.of(dev.ferry.core.model.TypeKind.INT32), false)), List.of("id"));
            target.prepareTable("t", table, TargetTablePrepMode.DROP_AND_CREATE);
            for (int range = 0; range < 3; range++) {
                assertThat(target.tablesLoaded("t", "0/1")).as("after %d of 3 ranges", range).isEmpty();
                try (dev.ferry.core.spi.BulkWriter w = target.openBulkWriter("t", table, "0/1", 3)) {
                    w.write(new Object[]{range});
                    w.finish();
                }
            }
            assertThat(target.tablesLoaded("t", "0/1")).containsExactly(table.id());
            assertThat(target.tablesLoaded("t", "0/2")).as("another position").isEmpty();
        }
    }
}
