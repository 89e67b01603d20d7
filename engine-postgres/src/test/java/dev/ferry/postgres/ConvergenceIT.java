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

    @Test
    @DisplayName("when two tasks replicate two sources into one target at once, then each converges on its own")
    void twoTasksInOneJvm() throws Exception {
        String a = server.newDatabase("src_a");
        String b = server.newDatabase("src_b");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(a)) {
            Tables.exec(c, "CREATE SCHEMA a", "CREATE TABLE a.items (id int PRIMARY KEY, v text)",
                    "INSERT INTO a.items SELECT g, 'a' FROM generate_series(1, 20000) g");
        }
        try (Connection c = server.connect(b)) {
            Tables.exec(c, "CREATE SCHEMA b", "CREATE TABLE b.items (id int PRIMARY KEY, v text)",
                    "INSERT INTO b.items SELECT g, 'b' FROM generate_series(1, 30000) g");
        }
        try (FerryTask ta = Ferry.task("task-a").source(server.endpoint(a)).target(server.endpoint(dst)).build();
             FerryTask tb = Ferry.task("task-b").source(server.endpoint(b)).target(server.endpoint(dst)).build()) {
            ta.start();
            tb.start();
            assertThat(ta.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            assertThat(tb.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection ca = server.connect(a); Connection cb = server.connect(b)) {
                Tables.exec(ca, "UPDATE a.items SET v = 'a2' WHERE id % 2 = 0", "DELETE FROM a.items WHERE id % 5 = 0");
                Tables.exec(cb, "UPDATE b.items SET v = 'b2' WHERE id % 3 = 0", "INSERT INTO b.items VALUES (0, 'zero')");
            }
            assertThat(ta.awaitInSync(Duration.ofMinutes(1))).isTrue();
            assertThat(tb.awaitInSync(Duration.ofMinutes(1))).isTrue();
        }
        try (Connection sa = server.connect(a); Connection sb = server.connect(b); Connection t = server.connect(dst)) {
            Tables.assertSameRows(sa, t, "a.items");
            Tables.assertSameRows(sb, t, "b.items");
            assertThat(Tables.rows(t, "(SELECT task_name, phase FROM ferry.ferry_checkpoint)"))
                    .containsExactly("(task-a,CDC)", "(task-b,CDC)");
        }
    }
}
