package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.ForwardingSource;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.Target;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot the full load reads is exported by a connection that then sits idle in its
 * transaction until the last table has started reading. A source database (or role) with
 * {@code idle_in_transaction_session_timeout}, or PostgreSQL 17's {@code transaction_timeout},
 * would end that connection and with it the snapshot: every table still waiting for a load slot
 * would then fail with {@code snapshot "..." does not exist}.
 */
class SnapshotTimeoutIT extends EmbeddedPostgresTest {

    private static final List<String> TABLES = List.of("a", "b", "c", "d");

    /** Holds the read of one table until released, so that the others wait for the single load slot. */
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

    private static void createTables(Connection c) throws SQLException {
        for (String t : TABLES) {
            Tables.exec(c, "CREATE TABLE " + t + " (id int PRIMARY KEY, v text)",
                    "CREATE TABLE " + t + "_keyless (id int, v text)",
                    "ALTER TABLE " + t + "_keyless REPLICA IDENTITY FULL",
                    "INSERT INTO " + t + " SELECT g, '" + t + "' || g FROM generate_series(1, 1000) g",
                    "INSERT INTO " + t + "_keyless SELECT g, '" + t + "' || g FROM generate_series(1, 1000) g");
        }
    }

    /**
     * Waits until a connection of {@code db} has sat idle in its transaction for twice the timeout
     * (the snapshot's holder outlived it), or a while has passed (it did not: the load shows why).
     */
    private static void awaitIdleInTransactionPastTimeout(String db) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db
                        + "' AND state = 'idle in transaction' AND now() - state_change > interval '2 seconds'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(100); // polling interval of the awaited condition
            }
        }
    }

    private static void assertAllTablesSame(String src, String dst) throws SQLException {
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : TABLES) {
                Tables.assertSameRows(s, t, "public." + table);
                Tables.assertSameRows(s, t, "public." + table + "_keyless");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"idle_in_transaction_session_timeout", "transaction_timeout"})
    @DisplayName("when the source database ends idle or long transactions after 1 s and tables wait longer than that for a "
            + "load slot, then the full load still reads them all in the slot's snapshot")
    void fullLoadOutlivesTheTimeout(String setting) throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            createTables(c);
            Tables.exec(c, "ALTER DATABASE " + src + " SET " + setting + " = '1s'");
        }
        HeldRead source = new HeldRead(Endpoints.source(server.endpoint(src)), new TableId("public", "a"));
        try (source; Target target = Endpoints.target(server.endpoint(dst));
             FerryTask task = Ferry.task("idle").source(source).target(target).maxParallelTables(1).build()) {
            task.start();
            assertThat(source.reached.await(60, TimeUnit.SECONDS)).as(String.valueOf(task.status().error())).isTrue();
            awaitIdleInTransactionPastTimeout(src);
            source.release.countDown();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).as(String.valueOf(task.status().error())).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE a SET v = 'changed' WHERE id = 1", "DELETE FROM d_keyless WHERE id = 2",
                        "INSERT INTO c_keyless VALUES (5000, 'new')");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(task.status().error())).isTrue();
            assertAllTablesSame(src, dst);
        }
    }

    private static final TableMappings ONLY_A = TableMappings.parse("""
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
              "object-locator": {"schema-name": "public", "table-name": "a"}}]}""", "a.json");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"idle_in_transaction_session_timeout", "transaction_timeout"})
    @DisplayName("when tables are selected after the start and wait longer than the source's transaction timeout for a "
            + "load slot, then they still load in the snapshot that meets their changes")
    void addedTablesOutliveTheTimeout(String setting) throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            createTables(c);
        }
        try (FerryTask task = Ferry.task("idleadd").source(server.endpoint(src)).target(server.endpoint(dst)).tableMappings(ONLY_A)
                .build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(task.status().error())).isTrue();
        }
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "ALTER DATABASE " + src + " SET " + setting + " = '1s'");
        }
        HeldRead source = new HeldRead(Endpoints.source(server.endpoint(src)), new TableId("public", "b"));
        try (source; Target target = Endpoints.target(server.endpoint(dst));
             FerryTask task = Ferry.task("idleadd").source(source).target(target).maxParallelTables(1).build()) {
            task.start();
            assertThat(source.reached.await(60, TimeUnit.SECONDS)).as(String.valueOf(task.status().error())).isTrue();
            awaitIdleInTransactionPastTimeout(src);
            source.release.countDown();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE b SET v = 'changed' WHERE id = 1", "DELETE FROM d_keyless WHERE id = 2",
                        "INSERT INTO c_keyless VALUES (5000, 'new')", "UPDATE a SET v = 'changed' WHERE id = 3");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(90))).as(String.valueOf(task.status().error())).isTrue();
            assertAllTablesSame(src, dst);
        }
    }
}
