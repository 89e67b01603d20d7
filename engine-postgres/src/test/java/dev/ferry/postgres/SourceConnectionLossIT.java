package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The source's replication connection is killed during CDC: capture reconnects and nothing is lost. */
class SourceConnectionLossIT extends EmbeddedPostgresTest {

    @Test
    @DisplayName("when the source terminates the replication connection mid-CDC, then capture resumes and the target converges")
    void survivesKilledReplicationConnection() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Workload.createSchema(c, 10_000, 5_000, 1_000);
        }
        int killed = 0;
        try (FerryTask task = Ferry.task("srcloss").source(server.sourceEndpoint(src, 300)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Workload workload = new Workload(() -> connect(src), 1, 5).start();
                 Connection admin = server.connect("postgres"); Statement st = admin.createStatement()) {
                for (int i = 0; i < 2; i++) {
                    Thread.sleep(1500);
                    try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            + "WHERE datname = '" + src + "' AND backend_type = 'walsender'")) {
                        rs.next();
                        killed += rs.getInt(1);
                    }
                }
                Thread.sleep(1000);
            }
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).as(String.valueOf(task.status().error())).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.RUNNING);
        }
        assertThat(killed).isPositive();
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : Workload.TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }
}
