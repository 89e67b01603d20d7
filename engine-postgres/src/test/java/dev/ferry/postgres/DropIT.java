package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.FerryException;
import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.ForwardingSource;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.Target;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a task leaves on its source, and {@code Ferry.drop} ({@code ferry drop}) that removes it:
 * the replication slot (which keeps WAL), the publication, and the checkpoint on the target.
 */
class DropIT extends EmbeddedPostgresTest {

    /** Rows of {@code relation} in database {@code db}; slots are counted for that database only. */
    private static long count(String db, String relation) throws Exception {
        try (Connection c = server.connect(db)) {
            return Tables.count(c, relation.equals("pg_replication_slots")
                    ? "pg_replication_slots WHERE database = current_database()" : relation);
        }
    }

    private static void createTable(String src) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'x' FROM generate_series(1, 100) g");
        }
    }

    @Test
    @DisplayName("when a full-load-only task finishes, then the source has no slot and no publication; and when a task "
            + "that ran with CDC runs again as full-load only, then it removes the slot and publication of its CDC")
    void fullLoadOnlyLeavesNoCapture() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTable(src);
        try (FerryTask task = Ferry.task("once").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.LOAD_COMPLETE);
        }
        assertThat(count(src, "pg_replication_slots")).isZero();
        assertThat(count(src, "pg_publication")).isZero();

        try (FerryTask task = Ferry.task("switch").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(count(src, "pg_replication_slots")).isOne();
        try (FerryTask task = Ferry.task("switch").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).as(String.valueOf(task.status().error())).isEqualTo(TaskState.LOAD_COMPLETE);
        }
        assertThat(count(src, "pg_replication_slots")).as("the slot of its CDC, which nothing would resume").isZero();
        assertThat(count(src, "pg_publication")).isZero();
    }

    @Test
    @DisplayName("when a stopped CDC task is dropped, then its slot, publication and checkpoint are gone, the drop says so, "
            + "the target's rows stay, and the next start is a full load")
    void dropRemovesSlotPublicationAndCheckpoint() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTable(src);
        try (FerryTask task = Ferry.task("gone").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        Ferry.Dropped dropped = Ferry.drop("gone", server.endpoint(src), server.endpoint(dst), TaskSettings.defaults());
        assertThat(dropped.source()).hasSize(2);
        assertThat(dropped.source().get(0)).startsWith("replication slot ferry_gone (it kept ").endsWith(" of WAL)");
        assertThat(dropped.source().get(1)).isEqualTo("publication ferry_gone (1 table)");
        assertThat(dropped.target()).singleElement().asString()
                .startsWith("checkpoint in \"ferry\".\"ferry_checkpoint\" (phase CDC, written ");
        assertThat(count(src, "pg_replication_slots")).isZero();
        assertThat(count(src, "pg_publication")).isZero();
        assertThat(count(dst, "ferry.ferry_checkpoint")).isZero();
        assertThat(count(dst, "public.t")).as("the target's rows stay").isEqualTo(100);

        assertThat(Ferry.drop("gone", server.endpoint(src), server.endpoint(dst), TaskSettings.defaults()).nothing())
                .as("a second drop finds nothing").isTrue();
        try (FerryTask task = Ferry.task("gone").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().fullLoadRows()).as("a fresh start loads").isEqualTo(100);
        }
    }

    @Test
    @DisplayName("when the task runs, in CDC or in its full load, then drop refuses, names the process and the fix, and "
            + "removes nothing")
    void runningTaskIsRefused() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTable(src);
        try (FerryTask task = Ferry.task("busy").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            assertThatThrownBy(() -> Ferry.drop("busy", server.endpoint(src), server.endpoint(dst), TaskSettings.defaults()))
                    .isInstanceOf(SourceException.class)
                    .hasMessageMatching("task busy is running: its replication slot ferry_busy is in use by process \\d+, which "
                            + "streams its changes\\. Nothing was dropped; stop the task \\(Ctrl-C on ferry run, or "
                            + "FerryTask\\.stop\\(\\)\\), then drop it again");
            assertThat(count(dst, "ferry.ferry_checkpoint")).isOne();
            assertThat(count(src, "pg_publication")).isOne();
        }

        // during its full load the slot is not active: the replication connection that made it holds the load's snapshot
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Source source = new ForwardingSource(Endpoints.source(server.endpoint(src))) {
                @Override
                public BulkReader openBulkReader(TableSchema table, KeyRange range) {
                    reading.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return super.openBulkReader(table, range);
                }
            };
             Target target = Endpoints.target(server.endpoint(dst));
             FerryTask task = Ferry.task("busy").source(source).target(target).reload(true).build()) {
            task.start();
            assertThat(reading.await(60, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> Ferry.drop("busy", server.endpoint(src), server.endpoint(dst), TaskSettings.defaults()))
                    .isInstanceOf(SourceException.class)
                    .hasMessageMatching("task busy is running: process \\d+ holds the snapshot its replication slot ferry_busy "
                            + "exported for its full load\\. Nothing was dropped; .*");
            release.countDown();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.t");
        }
    }

    @Test
    @DisplayName("when the full load of a full-load-and-cdc task fails, then the slot and publication stay for a resume, and "
            + "the task's error names them and ferry drop")
    void failedFullLoadNamesWhatStaysAndTheDrop() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTable(src);
        try (Source source = new ForwardingSource(Endpoints.source(server.endpoint(src))) {
                @Override
                public BulkReader openBulkReader(TableSchema table, KeyRange range) {
                    throw new SourceException("reading " + table.id() + " failed (the test)");
                }
            };
             Target target = Endpoints.target(server.endpoint(dst));
             FerryTask task = Ferry.task("broken").source(source).target(target).build()) {
            task.start();
            assertThatThrownBy(() -> task.awaitFullLoad(Duration.ofSeconds(60))).isInstanceOf(FerryException.class);
            assertThat(task.status().tables()).extracting(s -> s.state()).containsOnly(TableState.TABLE_ERROR);
            assertThat(task.status().error()).isEqualTo("full load failed for 1 table(s): public.t: reading public.t failed "
                    + "(the test). The source keeps this task's replication slot ferry_broken, which keeps WAL from being "
                    + "removed, and publication ferry_broken until the task runs again; if it will not, remove them with "
                    + "ferry drop TASK.yaml (Ferry.drop in the API)");
        }
        assertThat(count(src, "pg_replication_slots")).isOne();
        assertThat(Ferry.drop("broken", server.endpoint(src), server.endpoint(dst), TaskSettings.defaults()).source()).hasSize(2);
        assertThat(count(src, "pg_replication_slots")).isZero();
    }
}
