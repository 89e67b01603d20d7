package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task killed abruptly (threads interrupted, connections dropped mid-batch, no graceful stop)
 * and started again converges: nothing lost, nothing applied twice (the keyless table would show
 * a duplicate).
 */
class RestartIT extends EmbeddedPostgresTest {
    private FerryTask task(String src, String dst) {
        return Ferry.task("restart").source(server.sourceEndpoint(src, 200)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD_AND_CDC).maxParallelTables(3).build();
    }

    @Test
    @DisplayName("when a task is killed during the full load and twice during CDC, then restarts converge with nothing lost or doubled")
    void killedTaskConvergesAfterRestart() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Workload.createSchema(c, 200_000, 50_000, 5_000);
        }
        try (Workload workload = new Workload(() -> connect(src), 2, 7).start()) {
            // 1: killed in the middle of the full load
            FerryTask first = task(src, dst);
            first.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (first.status().tables().stream().noneMatch(t -> t.state() == TableState.FULL_LOAD && t.fullLoadRows() > 0)) {
                assertThat(System.nanoTime()).as("the full load starts").isLessThan(deadline);
                Thread.sleep(5);
            }
            assertThat(first.awaitFullLoad(Duration.ZERO)).isFalse();
            first.abort();
            assertThat(first.status().state()).isEqualTo(TaskState.STOPPED);

            // 2 and 3: killed while CDC batches are being applied
            for (int round = 0; round < 2; round++) {
                FerryTask again = task(src, dst);
                again.start();
                assertThat(again.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
                waitForBatches(again, 3);
                again.abort();
                assertThat(again.status().state()).isEqualTo(TaskState.STOPPED);
            }
        }
        // 4: the last start catches up with everything and stops gracefully
        try (FerryTask last = task(src, dst)) {
            last.start();
            assertThat(last.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
            assertThat(last.awaitInSync(Duration.ofMinutes(2))).isTrue();
            assertThat(last.status().fullLoadRows()).as("the last start resumes CDC, it does not reload").isZero();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : Workload.TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }

    private static void waitForBatches(FerryTask task, int batches) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long start = task.status().cdcBatches();
        while (task.status().cdcBatches() < start + batches) {
            assertThat(System.nanoTime()).as("CDC batches are applied").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
