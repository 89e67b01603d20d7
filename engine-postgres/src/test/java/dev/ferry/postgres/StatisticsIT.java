package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TableStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Table statistics and the lag, as DMS reports them, from real changes. */
class StatisticsIT extends EmbeddedPostgresTest {

    private static TableStats stats(FerryTask task, String table) {
        return task.status().tables().stream().filter(t -> t.table().name().equals(table)).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("when a row's key changes on the source, then the table's statistics count one update (as DMS does), "
            + "not a delete and an insert, and the target matches")
    void keyChangeCountsAsOneUpdate() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        }
        try (FerryTask task = Ferry.task("keys").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE t SET id = 10 WHERE id = 1", "UPDATE t SET v = 'B' WHERE id = 2",
                        "INSERT INTO t VALUES (4, 'd')", "DELETE FROM t WHERE id = 3");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            TableStats t = stats(task, "t");
            assertThat(new long[]{t.inserts(), t.updates(), t.deletes()}).as("inserts, updates, deletes")
                    .containsExactly(1, 2, 1);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.t");
        }
    }

    @Test
    @DisplayName("when the source goes quiet after a change applied seconds late, then the lag drops to about nothing "
            + "instead of staying at that change's")
    void quietSourceHasNoLag() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)");
        }
        try (FerryTask task = Ferry.task("lag").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "INSERT INTO t VALUES (1, 'made while the task was stopped')");
        }
        Thread.sleep(3_000); // not a wait for anything: the change must be old when the next start applies it
        java.util.List<Long> lags = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FerryTask task = Ferry.task("lag").source(server.endpoint(src)).target(server.endpoint(dst))
                .listener(status -> lags.add(status.lagMillis())).build()) {
            task.start();
            // no awaitInSync here: its sync point would be a change of its own; only heartbeats follow the late change
            long late = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (lags.stream().noneMatch(l -> l >= 3_000)) {
                assertThat(System.nanoTime()).as("the late change is applied").isLessThan(late);
                Thread.sleep(20);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (task.status().lagMillis() >= 1_000) {
                assertThat(System.nanoTime()).as("the lag drops while the source is quiet (it is %d ms)",
                        task.status().lagMillis()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }
}
