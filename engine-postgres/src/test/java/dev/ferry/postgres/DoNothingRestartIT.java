package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.ForwardingSource;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TableStats;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TargetTablePrepMode DO_NOTHING keeps what the target tables hold, so a restart of an interrupted
 * full load must not load a table again that its first attempt loaded: a table with a primary key
 * would fail on its own rows for good, and a keyless one would hold every row twice.
 */
class DoNothingRestartIT extends EmbeddedPostgresTest {

    private static final TaskSettings DO_NOTHING = TaskSettings.defaults().withTargetTablePrepMode(TargetTablePrepMode.DO_NOTHING);
    private static final List<String> TABLES = List.of("public.a", "public.k", "public.big");

    private static void createTables(String src) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE a (id int PRIMARY KEY, v text)", "INSERT INTO a SELECT g, 'a' || g FROM generate_series(1, 1000) g",
                    "CREATE TABLE k (id int, v text)", "ALTER TABLE k REPLICA IDENTITY FULL",
                    "INSERT INTO k SELECT g % 100, 'k' || g FROM generate_series(1, 1000) g",
                    "CREATE TABLE big (id int PRIMARY KEY, v text)", "INSERT INTO big SELECT g, 'b' || g FROM generate_series(1, 5000) g");
        }
    }

    /**
     * The source, with the read of table {@code big} held after 3000 of its 5000 rows until
     * {@code release} opens: its load is cut midway, with rows in its COPY already.
     */
    private static Source holdingBig(String src, CountDownLatch release) {
        return new ForwardingSource(Endpoints.source(server.endpoint(src))) {
            @Override
            public BulkReader openBulkReader(TableSchema table, KeyRange range) {
                BulkReader reader = super.openBulkReader(table, range);
                if (!table.id().name().equals("big")) {
                    return reader;
                }
                return new BulkReader() {
                    @Override
                    public long read(RowSink sink) throws InterruptedException {
                        long[] n = {0};
                        return reader.read(row -> {
                            if (++n[0] == 3000 && !release.await(60, TimeUnit.SECONDS)) {
                                throw new SourceException("the test never released big");
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

    private static Map<String, TableStats> stats(FerryTask task) {
        return task.status().tables().stream().collect(Collectors.toMap(t -> t.table().name(), t -> t));
    }

    private static TableState state(FerryTask task, String table) {
        TableStats t = stats(task).get(table);
        return t == null ? null : t.state();
    }

    /** Runs a task of {@code type} until a and k are loaded and big's COPY holds rows, then kills it. */
    private static void killAfterTwoTablesLoaded(String src, String dst, MigrationType type) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Source source = holdingBig(src, release);
             dev.ferry.core.spi.Target target = Endpoints.target(server.endpoint(dst));
             FerryTask first = Ferry.task("keep").source(source).target(target).migrationType(type).settings(DO_NOTHING)
                     .maxParallelTables(3).build()) {
            first.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!(state(first, "a") == TableState.TABLE_COMPLETED && state(first, "k") == TableState.TABLE_COMPLETED
                    && stats(first).containsKey("big") && stats(first).get("big").fullLoadRows() > 0)) {
                assertThat(System.nanoTime()).as("a and k load, big's COPY has rows (%s)", first.status().error())
                        .isLessThan(deadline);
                Thread.sleep(10);
            }
            first.abort();
            assertThat(first.status().state()).isEqualTo(TaskState.STOPPED);
        } finally {
            release.countDown();
        }
    }

    @Test
    @DisplayName("when a full-load-and-cdc task with DO_NOTHING is killed after two of three tables loaded, then the restart "
            + "keeps them (no key violation, no doubled keyless rows), loads the third, and CDC converges")
    void restartKeepsTheLoadedTablesUnderCdc() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        killAfterTwoTablesLoaded(src, dst, MigrationType.FULL_LOAD_AND_CDC);
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "UPDATE a SET v = 'changed while stopped' WHERE id <= 10", "DELETE FROM k WHERE id = 1",
                    "INSERT INTO k VALUES (7, 'new while stopped')", "UPDATE big SET v = 'changed while stopped' WHERE id <= 10");
        }
        try (FerryTask again = Ferry.task("keep").source(server.endpoint(src)).target(server.endpoint(dst)).settings(DO_NOTHING)
                .build()) {
            again.start();
            assertThat(again.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE a SET v = 'after the restart' WHERE id > 990", "INSERT INTO k VALUES (8, 'after')",
                        "DELETE FROM big WHERE id > 995");
            }
            assertThat(again.awaitInSync(Duration.ofSeconds(60))).isTrue();
            Map<String, TableStats> stats = stats(again);
            assertThat(stats.get("a").fullLoadRows()).as("a is kept, not loaded again").isZero();
            assertThat(stats.get("k").fullLoadRows()).as("k is kept, not loaded again").isZero();
            assertThat(stats.get("big").fullLoadRows()).as("big loads whole: the rows of its cut load were rolled back")
                    .isEqualTo(5000);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }

    @Test
    @DisplayName("when a full-load-only task with DO_NOTHING is killed after two of three tables loaded, then the restart "
            + "loads only the third, and the target equals the source")
    void restartKeepsTheLoadedTablesOfAFullLoad() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        killAfterTwoTablesLoaded(src, dst, MigrationType.FULL_LOAD);
        try (FerryTask again = Ferry.task("keep").source(server.endpoint(src)).target(server.endpoint(dst)).settings(DO_NOTHING)
                .migrationType(MigrationType.FULL_LOAD).build()) {
            again.start();
            assertThat(again.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(again.status().state()).as(String.valueOf(again.status().error())).isEqualTo(TaskState.LOAD_COMPLETE);
            Map<String, TableStats> stats = stats(again);
            assertThat(stats.get("a").fullLoadRows()).isZero();
            assertThat(stats.get("k").fullLoadRows()).isZero();
            assertThat(stats.get("big").fullLoadRows()).as("big loads whole: the rows of its cut load were rolled back")
                    .isEqualTo(5000);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }

    @Test
    @DisplayName("when a table's load committed but did not count (the task stopped before recording the table as loaded), "
            + "then with DO_NOTHING the next start empties it when that load was all it held, and otherwise refuses, naming "
            + "the table and the fix, until the table holds no rows of that load")
    void uncountedLoadIsSettled() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        FerryTask first = Ferry.task("settle").source(server.endpoint(src)).target(server.endpoint(dst)).settings(DO_NOTHING)
                .migrationType(MigrationType.FULL_LOAD).build();
        first.start();
        assertThat(first.awaitFinished(Duration.ofSeconds(60))).isTrue();
        first.close();
        // the state a crash leaves when a table's load committed and the task stopped before it counted it: the full
        // load unfinished, a and k recorded as loaded by it, big recorded as loaded by another attempt (a table added
        // to a task in CDC, killed before its held changes were applied)
        try (Connection c = server.connect(dst)) {
            Tables.exec(c, "UPDATE ferry.ferry_checkpoint SET phase = 'FULL_LOAD', loaded_tables = '[]'",
                    "INSERT INTO ferry.ferry_table_loads VALUES ('settle', 'public', 'a', NULL, 1000, 0, now()), "
                            + "('settle', 'public', 'k', NULL, 1000, 0, now()), ('settle', 'public', 'big', '0/1', 5000, 0, now())");
        }
        try (FerryTask again = Ferry.task("settle").source(server.endpoint(src)).target(server.endpoint(dst)).settings(DO_NOTHING)
                .migrationType(MigrationType.FULL_LOAD).build()) {
            again.start();
            assertThat(again.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(again.status().state()).as(String.valueOf(again.status().error())).isEqualTo(TaskState.LOAD_COMPLETE);
            assertThat(stats(again).get("a").fullLoadRows()).isZero();
            assertThat(stats(again).get("big").fullLoadRows()).as("emptied and loaded again").isEqualTo(5000);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : TABLES) {
                Tables.assertSameRows(s, t, table);
            }
            assertThat(Tables.count(t, "ferry.ferry_table_loads")).as("counted loads are forgotten").isZero();
        }

        // the same, but big held 40 rows of its own before that load: Ferry cannot tell its rows from those
        try (Connection c = server.connect(dst)) {
            Tables.exec(c, "UPDATE ferry.ferry_checkpoint SET phase = 'FULL_LOAD', loaded_tables = '[]'",
                    "INSERT INTO ferry.ferry_table_loads VALUES ('settle', 'public', 'a', NULL, 1000, 0, now()), "
                            + "('settle', 'public', 'k', NULL, 1000, 0, now()), ('settle', 'public', 'big', '0/1', 5000, 40, now())");
        }
        try (FerryTask again = Ferry.task("settle").source(server.endpoint(src)).target(server.endpoint(dst)).settings(DO_NOTHING)
                .migrationType(MigrationType.FULL_LOAD).build()) {
            again.start();
            assertThat(again.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(again.status().error()).isEqualTo("full load failed for 1 table(s): public.big: table public.big: task "
                    + "settle loaded 5000 row(s) into it before, on top of the 40 it held, and stopped before it recorded the table "
                    + "as loaded, so it loads the table again; with TargetTablePrepMode DO_NOTHING Ferry keeps the rows it did not "
                    + "load and cannot tell its own from those (the table holds 5000 now). Remove the 5000 row(s) it loaded (so "
                    + "that the table holds its 40 again), or empty it (TRUNCATE public.big), then start the task again");
        }
        try (Connection c = server.connect(dst)) {
            assertThat(Tables.count(c, "public.big")).as("nothing was removed").isEqualTo(5000);
            Tables.exec(c, "TRUNCATE big");
        }
        try (FerryTask again = Ferry.task("settle").source(server.endpoint(src)).target(server.endpoint(dst)).settings(DO_NOTHING)
                .migrationType(MigrationType.FULL_LOAD).build()) {
            again.start();
            assertThat(again.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(again.status().state()).as(String.valueOf(again.status().error())).isEqualTo(TaskState.LOAD_COMPLETE);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }
}
