package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.CdcMark;
import dev.ferry.core.spi.ForwardingSource;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TableStats;
import dev.ferry.core.task.TaskState;
import dev.ferry.core.task.TaskStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The selection of a task in CDC changes between runs, under writers that never stop: a table
 * added to the mappings is loaded on resume and then follows CDC, while the tables replicated
 * before go on being replicated; a table removed stops being applied, and comes back with a load.
 */
class AddedTablesIT extends EmbeddedPostgresTest {

    private static final TableMappings ACCOUNTS_AND_EVENTS = TableMappings.parse("""
            {"rules": [
              {"rule-type": "selection", "rule-id": "1", "rule-action": "include",
               "object-locator": {"schema-name": "public", "table-name": "accounts"}},
              {"rule-type": "selection", "rule-id": "2", "rule-action": "include",
               "object-locator": {"schema-name": "public", "table-name": "events"}}]}""", "two.json");
    private static final TableMappings ALL_THREE = TableMappings.parse("""
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
              "object-locator": {"schema-name": "public", "table-name": "%"}}]}""", "all.json");

    /** Holds the bulk read of one table until released, and says when the read was reached. */
    static final class HeldRead extends ForwardingSource {
        final TableId held;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        HeldRead(Source delegate, TableId held) {
            super(delegate);
            this.held = held;
        }

        @Override
        public BulkReader openBulkReader(TableSchema table, KeyRange range) {
            BulkReader reader = delegate.openBulkReader(table, range);
            if (!table.id().equals(held)) {
                return reader;
            }
            return new BulkReader() {
                @Override
                public long read(RowSink sink) throws InterruptedException {
                    reached.countDown();
                    if (!release.await(2, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("the test never released the read of " + held);
                    }
                    return reader.read(sink);
                }

                @Override
                public void close() {
                    reader.close();
                }
            };
        }
    }

    @Test
    @DisplayName("when a table with rows and live writes is added to a task in CDC, then resuming loads it, it follows CDC, "
            + "the other tables are replicated throughout, and every table ends equal")
    void tableAddedWhileStoppedIsLoadedAndFollowsCdc() throws Exception {
        long started = System.nanoTime();
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            // logs has no key (REPLICA IDENTITY FULL): a replayed overlap would show as duplicate rows
            Workload.createSchema(c, 20_000, 10_000, 5_000);
        }
        TaskStatus resumed;
        try (Workload workload = new Workload(() -> connect(src), 2, 11).start()) {
            try (FerryTask first = Ferry.task("grow").source(server.sourceEndpoint(src, 200)).target(server.endpoint(dst))
                    .tableMappings(ACCOUNTS_AND_EVENTS).build()) {
                first.start();
                assertThat(first.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                waitFor(first, () -> first.status().appliedChanges() > 200, "CDC applies the writers' changes");
            }
            long before = workload.transactions();
            waitFor(null, () -> workload.transactions() > before + 50, "the writers go on while the task is stopped");

            try (Source source = Endpoints.source(server.sourceEndpoint(src, 200))) {
                HeldRead held = new HeldRead(source, new TableId("public", "logs"));
                try (FerryTask second = Ferry.task("grow").source(held).target(server.endpoint(dst)).tableMappings(ALL_THREE)
                        .build()) {
                    second.start();
                    waitFor(second, () -> held.reached.getCount() == 0, "the added table's load starts");
                    assertThat(state(second.status(), "logs")).isEqualTo(TableState.FULL_LOAD);

                    // while logs is being loaded, a change to an old table reaches the target
                    try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                        Tables.exec(s, "INSERT INTO accounts (id, owner) VALUES (-1, 'written while logs loads')");
                        waitFor(second, () -> count(t, "accounts WHERE id = -1") == 1, "the old table is replicated during the load");
                    }
                    assertThat(state(second.status(), "logs")).as("logs is still loading").isEqualTo(TableState.FULL_LOAD);
                    assertThat(second.awaitFullLoad(Duration.ZERO)).isFalse();
                    held.release.countDown();

                    assertThat(second.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                    // after its load, logs follows CDC like the others
                    waitFor(second, () -> applied(second.status(), "logs") > 20, "the added table's changes are applied");
                    long now = workload.transactions();
                    waitFor(second, () -> workload.transactions() > now + 50, "the writers go on after the load");
                    workload.close();
                    assertThat(second.awaitInSync(Duration.ofMinutes(1))).isTrue();
                    resumed = second.status();
                }
            }
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : Workload.TABLES) {
                Tables.assertSameRows(s, t, table);
            }
            assertThat(Tables.rows(t, "(SELECT loaded_tables FROM ferry.ferry_checkpoint WHERE task_name = 'grow')"))
                    .singleElement().asString().contains("accounts").contains("events").contains("logs");
        }
        assertThat(resumed.tables()).extracting(TableStats::state).containsOnly(TableState.TABLE_COMPLETED);
        assertThat(stats(resumed, "logs").fullLoadRows()).as("logs was loaded").isGreaterThan(4_000);
        assertThat(stats(resumed, "accounts").fullLoadRows()).as("accounts was not loaded again").isZero();
        assertThat(stats(resumed, "events").fullLoadRows()).as("events was not loaded again").isZero();
        System.out.printf("AddedTablesIT.tableAddedWhileStoppedIsLoadedAndFollowsCdc took %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Test
    @DisplayName("when a table is removed from the mappings, then its changes stop being applied, and adding it back loads it again")
    void tableRemovedStopsAndComesBackWithALoad() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Workload.createSchema(c, 5_000, 5_000, 2_000);
        }
        List<String> logsWhenRemoved;
        try (Workload workload = new Workload(() -> connect(src), 2, 23).start()) {
            try (FerryTask all = Ferry.task("shrink").source(server.sourceEndpoint(src, 200)).target(server.endpoint(dst))
                    .tableMappings(ALL_THREE).build()) {
                all.start();
                assertThat(all.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                waitFor(all, () -> applied(all.status(), "logs") > 20, "CDC applies changes to logs");
            }
            try (Connection t = server.connect(dst)) {
                logsWhenRemoved = Tables.rows(t, "public.logs");
            }
            try (FerryTask two = Ferry.task("shrink").source(server.sourceEndpoint(src, 200)).target(server.endpoint(dst))
                    .tableMappings(ACCOUNTS_AND_EVENTS).build()) {
                two.start();
                long now = workload.transactions();
                waitFor(two, () -> workload.transactions() > now + 100, "the writers change logs while it is not selected");
                assertThat(two.awaitInSync(Duration.ofMinutes(1))).isTrue();
                assertThat(two.status().tables()).extracting(t -> t.table().name()).containsExactlyInAnyOrder("accounts", "events");
            }
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                assertThat(Tables.rows(t, "public.logs")).as("logs is no longer applied").isEqualTo(logsWhenRemoved)
                        .isNotEqualTo(Tables.rows(s, "public.logs"));
                assertThat(Tables.rows(t, "(SELECT loaded_tables FROM ferry.ferry_checkpoint WHERE task_name = 'shrink')"))
                        .singleElement().asString().contains("accounts").doesNotContain("logs");
            }
            try (FerryTask again = Ferry.task("shrink").source(server.sourceEndpoint(src, 200)).target(server.endpoint(dst))
                    .tableMappings(ALL_THREE).build()) {
                again.start();
                assertThat(again.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                assertThat(stats(again.status(), "logs").fullLoadRows()).as("logs is loaded again").isPositive();
                assertThat(stats(again.status(), "accounts").fullLoadRows()).isZero();
                long now = workload.transactions();
                waitFor(again, () -> workload.transactions() > now + 50, "the writers go on after the reload");
                workload.close();
                assertThat(again.awaitInSync(Duration.ofMinutes(1))).isTrue();
            }
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : Workload.TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }

    @Test
    @DisplayName("when a transaction wrote the added table before it joined the publication and commits only after, "
            + "then its row reaches the target all the same")
    void writeInFlightWhileTheTableJoinsThePublication() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE a (id int PRIMARY KEY, v text)", "CREATE TABLE logs (line int, message text)",
                    "ALTER TABLE logs REPLICA IDENTITY FULL", "INSERT INTO a SELECT g, 'a' FROM generate_series(1, 100) g",
                    "INSERT INTO logs SELECT g % 10, 'before' FROM generate_series(1, 100) g");
        }
        TableMappings onlyA = TableMappings.parse("""
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
                  "object-locator": {"schema-name": "public", "table-name": "a"}}]}""", "a.json");
        try (FerryTask first = Ferry.task("inflight").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(onlyA).build()) {
            first.start();
            assertThat(first.awaitInSync(Duration.ofMinutes(1))).isTrue();
        }
        try (Connection writer = server.connect(src); Connection watcher = server.connect(src);
             Source source = Endpoints.source(server.endpoint(src))) {
            // written before the table joins the publication, committed after: decoding never publishes it
            writer.setAutoCommit(false);
            Tables.exec(writer, "INSERT INTO logs VALUES (1000, 'in flight')", "UPDATE a SET v = 'in flight' WHERE id = 1");
            HeldRead held = new HeldRead(source, new TableId("public", "logs"));
            try (FerryTask second = Ferry.task("inflight").source(held).target(server.endpoint(dst)).tableMappings(ALL_THREE)
                    .build()) {
                second.start();
                waitFor(second, () -> held.reached.getCount() == 0 || count(watcher,
                        "pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'") == 1,
                        "the task waits for the open write to logs, or reads logs");
                writer.commit();
                held.release.countDown();
                assertThat(second.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                assertThat(second.awaitInSync(Duration.ofMinutes(1))).isTrue();
            }
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.logs");
            Tables.assertSameRows(s, t, "public.a");
        }
    }

    @Test
    @DisplayName("when the task is killed while an added keyless table loads, then the next start loads it again "
            + "and no row is doubled by changes published since the first attempt")
    void killedDuringTheAddedLoad() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Workload.createSchema(c, 5_000, 5_000, 3_000);
        }
        try (Workload workload = new Workload(() -> connect(src), 2, 31).start()) {
            try (FerryTask first = Ferry.task("retry").source(server.sourceEndpoint(src, 200)).target(server.endpoint(dst))
                    .tableMappings(ACCOUNTS_AND_EVENTS).build()) {
                first.start();
                assertThat(first.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                waitFor(first, () -> first.status().appliedChanges() > 100, "CDC applies the writers' changes");
            }
            Source source = Endpoints.source(server.sourceEndpoint(src, 200));
            HeldRead held = new HeldRead(source, new TableId("public", "logs"));
            FerryTask killed = Ferry.task("retry").source(held).target(server.endpoint(dst)).tableMappings(ALL_THREE).build();
            killed.start();
            waitFor(killed, () -> held.reached.getCount() == 0, "the added table's load starts");
            long batches = killed.status().cdcBatches();
            waitFor(killed, () -> killed.status().cdcBatches() > batches + 2, "the old tables' CDC commits past the mark");
            killed.abort();
            source.close();
            // logs is in the publication since the killed attempt: this row is published, and in the next load too
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "INSERT INTO logs VALUES (-1, 'after the kill', 0)");
            }
            try (FerryTask again = Ferry.task("retry").source(server.sourceEndpoint(src, 200)).target(server.endpoint(dst))
                    .tableMappings(ALL_THREE).build()) {
                again.start();
                assertThat(again.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                assertThat(stats(again.status(), "logs").fullLoadRows()).as("logs is loaded again").isPositive();
                long now = workload.transactions();
                waitFor(again, () -> workload.transactions() > now + 50, "the writers go on after the load");
                workload.close();
                assertThat(again.awaitInSync(Duration.ofMinutes(1))).isTrue();
            }
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : Workload.TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }

    @Test
    @DisplayName("when the added keyless table is in the publication already, then a write made right after the mark, "
            + "the next record in the WAL, is applied after its load")
    void writeRightAfterTheMarkOfATablePublishedAlready() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Workload.createSchema(c, 500, 500, 300);
        }
        try (FerryTask first = Ferry.task("next").source(server.sourceEndpoint(src, 200)).target(server.endpoint(dst))
                .tableMappings(ACCOUNTS_AND_EVENTS).build()) {
            first.start();
            assertThat(first.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
        }
        try (Connection c = server.connect(src)) {
            // as an attempt killed during the load of logs leaves it: the marking transaction then writes no WAL,
            // so the mark is where the next record goes, and the INSERT below is that record
            Tables.exec(c, "ALTER PUBLICATION ferry_next ADD TABLE logs");
        }
        try (Source source = Endpoints.source(server.sourceEndpoint(src, 200))) {
            Source writeAfterMark = new ForwardingSource(source) {
                @Override
                public CdcMark markAddedTables(String taskName, List<TableSchema> added) {
                    CdcMark mark = delegate.markAddedTables(taskName, added);
                    try (Connection c = server.connect(src)) {
                        Tables.exec(c, "INSERT INTO logs VALUES (-1, 'right after the mark', 0)");
                    } catch (java.sql.SQLException e) {
                        mark.close();
                        throw new IllegalStateException(e);
                    }
                    return mark;
                }
            };
            try (FerryTask second = Ferry.task("next").source(writeAfterMark).target(server.endpoint(dst))
                    .tableMappings(ALL_THREE).build()) {
                second.start();
                assertThat(second.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                assertThat(second.awaitInSync(Duration.ofMinutes(1))).isTrue();
            }
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            assertThat(count(t, "logs WHERE line = -1")).as("the write right after the mark").isEqualTo(1);
            Tables.assertSameRows(s, t, "public.logs");
        }
    }

    private static TableStats stats(TaskStatus status, String table) {
        return status.tables().stream().filter(t -> t.table().name().equals(table)).findFirst()
                .orElseThrow(() -> new AssertionError("no statistics for " + table + " in " + status.tables()));
    }

    private static TableState state(TaskStatus status, String table) {
        return stats(status, table).state();
    }

    private static long applied(TaskStatus status, String table) {
        return stats(status, table).appliedChanges();
    }

    private static long count(Connection c, String tableAndCondition) {
        try {
            return Tables.count(c, tableAndCondition);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} until it holds; fails at once when the task failed, naming its error. */
    private static void waitFor(FerryTask task, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            if (task != null && task.status().state() == TaskState.FAILED) {
                fail("waiting until " + what + ": the task failed: " + task.status().error());
            }
            if (System.nanoTime() > deadline) {
                fail("waiting until " + what + ": timed out");
            }
            Thread.sleep(10);
        }
    }
}
