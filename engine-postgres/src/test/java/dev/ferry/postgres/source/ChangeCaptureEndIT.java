package dev.ferry.postgres.source;

import dev.ferry.core.Ferry;
import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BatchLimits;
import dev.ferry.core.spi.CdcMark;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TaskState;
import dev.ferry.postgres.PgEndpoint;
import dev.ferry.postgres.PgTestServer;
import dev.ferry.postgres.Tables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Debezium's engine ends under a running change stream: the task must fail at once with a clear
 * error, never wait for changes that will not come.
 */
class ChangeCaptureEndIT {

    static PgTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new PgTestServer();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    @DisplayName("when the engine ends without an error while the task reads it, then poll fails at once saying so")
    void engineEndingWithoutErrorFailsPoll() throws Exception {
        String src = server.newDatabase("src");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)");
        }
        try (PostgresSource source = new PostgresSource(PgEndpoint.of(server.endpoint(src)), null, null, 100, 200)) {
            List<TableSchema> tables = source.discover();
            PgPosition from;
            try (CdcMark mark = source.markCdcStart("ends", tables)) {
                from = (PgPosition) mark.position();
            }
            try (ChangeStream stream = source.openChangeStream("ends", tables, from, new BatchLimits(100, Duration.ofMillis(200)))) {
                try (Connection c = server.connect(src)) {
                    Tables.exec(c, "INSERT INTO t VALUES (1, 'x')");
                }
                // the engine runs: the insert arrives
                ChangeChunk chunk = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while ((chunk == null || chunk.events().isEmpty()) && System.nanoTime() < deadline) {
                    chunk = stream.poll(200, TimeUnit.MILLISECONDS);
                    if (chunk != null) {
                        stream.committed(chunk);
                    }
                }
                assertThat(chunk).isNotNull();
                assertThat(chunk.events()).hasSize(1);
                // The embedded engine ends "successfully", without calling its completion callback with an error,
                // when its thread is interrupted while the connector polls (AsyncEmbeddedEngine.runTasksPolling).
                Thread engine = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("ferry-ends-cdc-capture")).findFirst().orElseThrow();
                engine.interrupt();
                long started = System.nanoTime();
                try {
                    while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
                        ChangeChunk c = stream.poll(200, TimeUnit.MILLISECONDS);
                        if (c != null) {
                            stream.committed(c);
                        }
                    }
                    fail("poll kept waiting for 30 s after the engine had ended");
                } catch (SourceException e) {
                    assertThat(e).hasMessageStartingWith("PostgreSQL change capture ended by itself (")
                            .hasMessageEndingWith("), so no further change would be captured; the task stops, and resumes from "
                                    + "its last checkpoint when started again");
                    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(15));
                }
            }
            source.dropCapture("ends");
        }
    }

    @Test
    @DisplayName("when the slot is dropped under a running task, then the task fails with an error naming it, and does not hang")
    void slotDroppedUnderTheTask() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'x')");
        }
        try (FerryTask task = Ferry.task("dropped").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(task.status().error())).isTrue();
            try (Connection admin = server.connect("postgres"); Statement st = admin.createStatement()) {
                boolean dropped = false;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!dropped && System.nanoTime() < deadline) {
                    st.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                            + "WHERE slot_name = 'ferry_dropped' AND active_pid IS NOT NULL");
                    try (ResultSet rs = st.executeQuery("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                            + "WHERE slot_name = 'ferry_dropped' AND NOT active")) {
                        dropped = rs.next();
                    }
                }
                assertThat(dropped).as("slot ferry_dropped dropped").isTrue();
            }
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "INSERT INTO t VALUES (2, 'after the slot was dropped')");
            }
            assertThat(task.awaitFinished(Duration.ofSeconds(90))).as("the task ended").isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).contains("replication slot ferry_dropped of task dropped no longer exists (dropped "
                    + "while the task ran?), so the changes since the task's checkpoint cannot be read; start the task again with "
                    + "a full load (ferry run --reload)");
        }
    }
}
