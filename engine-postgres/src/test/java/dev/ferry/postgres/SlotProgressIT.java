package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slot of a task whose tables are quiet while other tables of the source database are busy:
 * pgoutput sends nothing for the busy tables (PostgreSQL 15+ does not even send their empty
 * transactions), so without heartbeats that write to the WAL the connector never sees a newer
 * position, the slot's confirmed_flush_lsn stays put, and the server keeps all the WAL the busy
 * tables write until its disk fills.
 */
class SlotProgressIT extends EmbeddedPostgresTest {

    private static final TableMappings ONLY_QUIET = TableMappings.parse("""
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
              "object-locator": {"schema-name": "public", "table-name": "quiet"}}]}""", "quiet.json");

    @Test
    @DisplayName("when only unselected tables are written, then the slot's confirmed position still advances past them, "
            + "and a later change of the selected table converges, also after a restart")
    void slotAdvancesWhileSelectedTablesAreQuiet() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            // the least a source login needs (docs/postgres.md): REPLICATION, and owning the tables it publishes
            Tables.exec(c, "DO $$ BEGIN CREATE ROLE ferry_replicator LOGIN REPLICATION; EXCEPTION WHEN duplicate_object THEN "
                            + "NULL; END $$",
                    "GRANT CREATE ON DATABASE " + src + " TO ferry_replicator",
                    "CREATE TABLE quiet (id int PRIMARY KEY, v text)",
                    "CREATE TABLE busy (id bigserial PRIMARY KEY, payload text)",
                    "ALTER TABLE quiet OWNER TO ferry_replicator",
                    "INSERT INTO quiet SELECT g, 'v' || g FROM generate_series(1, 100) g");
        }
        try (FerryTask task = Ferry.task("quiet").source(source(src)).target(server.endpoint(dst))
                .tableMappings(ONLY_QUIET).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(task.status().error())).isTrue();
            try (Connection c = server.connect(src)) {
                long burstStart = walInsertPosition(c);
                long flushedBefore = confirmedFlush(c, "ferry_quiet");
                assertThat(flushedBefore).isLessThan(burstStart);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong written = new AtomicLong();
                AtomicReference<Throwable> writerFailure = new AtomicReference<>();
                Thread writer = new Thread(() -> {
                    try (Connection w = connect(src); Statement st = w.createStatement()) {
                        while (!stop.get()) {
                            st.execute("INSERT INTO busy (payload) SELECT repeat('x', 100) FROM generate_series(1, 1000)");
                            written.addAndGet(1000);
                            Thread.sleep(5); // a throttle (a few MB of WAL a second), not a synchronisation
                        }
                    } catch (SQLException | RuntimeException e) {
                        writerFailure.set(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "busy-writer");
                writer.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                long flushed = flushedBefore;
                try {
                    while (flushed <= burstStart && System.nanoTime() < deadline && writerFailure.get() == null) {
                        Thread.sleep(200); // polling interval of the awaited condition
                        flushed = confirmedFlush(c, "ferry_quiet");
                    }
                } finally {
                    stop.set(true);
                    writer.join();
                }
                assertThat(writerFailure.get()).isNull();
                assertThat(written.get()).isPositive();
                assertThat(flushed)
                        .as("confirmed_flush_lsn of slot ferry_quiet (was %s before the burst, which started at %s, %d rows "
                                + "written to the unselected table)", lsn(flushedBefore), lsn(burstStart), written.get())
                        .isGreaterThan(burstStart);
                assertThat(task.status().state().name()).isEqualTo("RUNNING");
                Tables.exec(c, "UPDATE quiet SET v = 'after the burst' WHERE id = 7", "INSERT INTO quiet VALUES (1000, 'new')");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(task.status().error())).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.assertSameRows(s, t, "public.quiet");
            }
        }
        // the checkpoint now holds a position that only a heartbeat reached: the task resumes from it
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "INSERT INTO busy (payload) VALUES ('while stopped')", "DELETE FROM quiet WHERE id = 8",
                    "INSERT INTO quiet VALUES (1001, 'while stopped')");
        }
        try (FerryTask task = Ferry.task("quiet").source(source(src)).target(server.endpoint(dst))
                .tableMappings(ONLY_QUIET).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(task.status().error())).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.assertSameRows(s, t, "public.quiet");
            }
        }
    }

    private static EndpointConfig source(String db) {
        return new EndpointConfig("postgres", Map.of("url", server.url(db), "user", "ferry_replicator", "cdcBatchSize", "500",
                "cdcPollMillis", "200"));
    }

    static long walInsertPosition(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long confirmedFlush(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("slot " + slot + " exists").isTrue();
                return rs.getLong(1);
            }
        }
    }

    private static String lsn(long v) {
        return org.postgresql.replication.LogSequenceNumber.valueOf(v).asString();
    }
}
