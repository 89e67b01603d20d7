package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.Target;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code abort()} of a task whose endpoints the caller passed in: the task stops as a crash would
 * (its connections dropped, its replication stream ended), and the caller's source and target stay
 * open for the next task.
 */
class AbortIT extends EmbeddedPostgresTest {

    private static FerryTask task(Source source, Target target) {
        return Ferry.task("owned").source(source).target(target).maxParallelTables(3).build();
    }

    @Test
    @DisplayName("when a task on caller-owned endpoints is aborted during the full load and during CDC, then the endpoints "
            + "stay open, the next task on them converges, and the aborted task left no connection of its own")
    void abortLeavesTheCallersEndpointsOpen() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Workload.createSchema(c, 200_000, 50_000, 5_000);
        }
        try (Source source = Endpoints.source(server.sourceEndpoint(src, 200));
             Target target = Endpoints.target(server.endpoint(dst))) {
            try (Workload workload = new Workload(() -> connect(src), 2, 11).start()) {
                // 1: aborted in the middle of the full load
                FerryTask first = task(source, target);
                first.start();
                await(() -> first.status().tables().stream().anyMatch(t -> t.state() == TableState.FULL_LOAD && t.fullLoadRows() > 0),
                        "the full load starts");
                first.abort();
                assertThat(first.status().state()).isEqualTo(TaskState.STOPPED);
                first.close();
                assertThat(source.discover()).as("the caller's source is open").isNotEmpty();

                // 2: aborted while CDC batches are applied
                FerryTask second = task(source, target);
                second.start();
                assertThat(second.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
                long batches = second.status().cdcBatches();
                await(() -> second.status().cdcBatches() >= batches + 3, "CDC batches are applied");
                second.abort();
                assertThat(second.status().state()).as(String.valueOf(second.status().error())).isEqualTo(TaskState.STOPPED);
                second.close();
                try (Connection c = server.connect(src)) {
                    await(() -> !slotActive(c), "the aborted task's replication stream ends");
                }
            }
            // 3: a third task on the same endpoint objects catches up with everything
            try (FerryTask last = task(source, target)) {
                last.start();
                assertThat(last.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
                assertThat(last.awaitInSync(Duration.ofMinutes(2))).isTrue();
                assertThat(last.status().fullLoadRows()).as("the last start resumes CDC").isZero();
            }
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : Workload.TABLES) {
                Tables.assertSameRows(s, t, table);
            }
        }
    }

    private static boolean slotActive(Connection c) {
        try {
            return Tables.rows(c, "(SELECT active FROM pg_replication_slots WHERE slot_name = 'ferry_owned')").contains("(t)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
