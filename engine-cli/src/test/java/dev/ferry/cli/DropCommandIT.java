package dev.ferry.cli;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ferry drop TASK.yaml} on two embedded PostgreSQL servers. */
class DropCommandIT {

    @TempDir
    Path dir;

    static {
        FerryCli.configureLogging(false);
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @DisplayName("when ferry drop runs on a task stopped in CDC, then it removes the slot, the publication and the checkpoint "
            + "and lists them, keeps the target's rows, and a second drop says there is nothing left")
    void dropsWhatTheTaskKept() throws Exception {
        try (EmbeddedServers servers = new EmbeddedServers("shop")) {
            try (Connection c = servers.connect(servers.source); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2))");
                st.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 50) g");
            }
            try (FerryTask task = Ferry.task("orders").source(servers.endpoint(servers.source))
                    .target(servers.endpoint(servers.target)).build()) {
                task.start();
                assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            }
            Path file = dir.resolve("orders.yaml");
            Files.writeString(file, "source:\n  type: postgres\n  url: " + servers.url(servers.source) + "\n  user: postgres\n"
                    + "target:\n  type: postgres\n  url: " + servers.url(servers.target) + "\n  user: postgres\n");

            CliRun r = CliRun.of("drop", file.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("ferry: dropped task orders")
                    .containsPattern("  postgres jdbc:postgresql://localhost:\\d+/shop: replication slot ferry_orders \\(it kept "
                            + "\\d+ kB of WAL\\), publication ferry_orders \\(1 table\\)")
                    .contains(": checkpoint in \"ferry\".\"ferry_checkpoint\" (phase CDC, written ")
                    .contains("the target's tables and their rows are left as they are; the next 'ferry run' of this task "
                            + "starts with a full load");
            try (Connection s = servers.connect(servers.source); Connection t = servers.connect(servers.target)) {
                assertThat(count(s, "SELECT count(*) FROM pg_replication_slots")).isZero();
                assertThat(count(s, "SELECT count(*) FROM pg_publication")).isZero();
                assertThat(count(t, "SELECT count(*) FROM ferry.ferry_checkpoint")).isZero();
                assertThat(count(t, "SELECT count(*) FROM orders")).isEqualTo(50);
            }

            CliRun again = CliRun.of("drop", file.toString());
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out()).contains("ferry: task orders kept nothing to drop on postgres jdbc:postgresql://");
        }
    }

    @Test
    void helpListsDrop() {
        CliRun r = CliRun.of("--help");
        assertThat(r.out()).containsPattern("drop\\s+Remove a task for good");
    }
}
