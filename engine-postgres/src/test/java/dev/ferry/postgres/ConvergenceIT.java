package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TableStats;
import dev.ferry.core.task.TaskStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Full load and CDC under concurrent writes converge: every row of every table compared. */
class ConvergenceIT extends EmbeddedPostgresTest {
    @Test
    @DisplayName("when writers change every table during the full load and during CDC, then the target ends equal to the source")
    void convergesUnderConcurrentWrites() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Workload.createSchema(c, 60_000, 30_000, 5_000);
        }
        TaskStatus status;
        long transactions;
        try (FerryTask task = Ferry.task("converge").source(server.sourceEndpoint(src, 500)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD_AND_CDC).maxParallelTables(2).build()) {
            try (Workload workload = new Workload(() -> connect(src), 2, 42).start()) {
                Thread.sleep(300); // writes before the task starts belong to the full load
                task.start();
                assertThat(task.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
                Thread.sleep(4_000); // and writes keep coming during CDC
                transactions = workload.transactions();
            }
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).isTrue();
            status = task.status();
        }
        assertThat(transactions).isGreaterThan(50);
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : Workload.TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
        assertThat(status.tables()).extracting(TableStats::state).containsOnly(TableState.TABLE_COMPLETED);
        assertThat(status.fullLoadRows()).isGreaterThanOrEqualTo(95_000);
        assertThat(status.tables()).allSatisfy(t -> assertThat(t.inserts() + t.updates() + t.deletes()).isPositive());
    }
}
