package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Migration types, table preparation modes and key-range reads on real databases. */
class TaskModesIT extends EmbeddedPostgresTest {

    private static FerryTask.Builder task(String name, String src, String dst) {
        return Ferry.task(name).source(server.endpoint(src)).target(server.endpoint(dst));
    }

    @Test
    @DisplayName("when the target table exists, then each TargetTablePrepMode treats it as DMS does")
    void prepModes() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g");
        }
        try (Connection c = server.connect(dst)) {
            // a wider key type and an extra column: kept by TRUNCATE_BEFORE_LOAD and DO_NOTHING
            Tables.exec(c, "CREATE TABLE t (id bigint PRIMARY KEY, v text, extra text DEFAULT 'target only')",
                    "INSERT INTO t VALUES (100, 'old', 'x')");
        }
        for (TargetTablePrepMode mode : List.of(TargetTablePrepMode.DO_NOTHING, TargetTablePrepMode.TRUNCATE_BEFORE_LOAD,
                TargetTablePrepMode.DROP_AND_CREATE)) {
            try (FerryTask t = task("prep", src, dst).migrationType(MigrationType.FULL_LOAD)
                    .settings(TaskSettings.defaults().withTargetTablePrepMode(mode)).build()) {
                t.start();
                assertThat(t.awaitFinished(Duration.ofSeconds(60))).isTrue();
                assertThat(t.status().state()).as(mode + ": " + t.status().error()).isEqualTo(TaskState.LOAD_COMPLETE);
            }
            try (Connection c = server.connect(dst)) {
                switch (mode) {
                    case DO_NOTHING -> {
                        assertThat(Tables.count(c, "t")).isEqualTo(11);
                        assertThat(Tables.rows(c, "(SELECT extra FROM t WHERE id = 1)")).containsExactly("(\"target only\")");
                    }
                    case TRUNCATE_BEFORE_LOAD -> {
                        assertThat(Tables.count(c, "t")).isEqualTo(10);
                        assertThat(Tables.rows(c, "(SELECT data_type FROM information_schema.columns WHERE table_name = 't' "
                                + "AND column_name = 'id')")).containsExactly("(bigint)");
                    }
                    case DROP_AND_CREATE -> {
                        assertThat(Tables.count(c, "t")).isEqualTo(10);
                        assertThat(Tables.rows(c, "(SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) "
                                + "FROM information_schema.columns WHERE table_name = 't')")).containsExactly("(\"id integer, v text\")");
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("when the migration type is cdc, then only changes after the start are applied to the existing tables")
    void cdcOnly() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'before' FROM generate_series(1, 5) g");
        }
        try (FerryTask t = task("cdconly", src, dst).migrationType(MigrationType.CDC).build()) {
            t.start();
            assertThat(t.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            assertThat(t.awaitInSync(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "INSERT INTO t VALUES (6, 'after')", "UPDATE t SET v = 'changed' WHERE id = 1");
            }
            assertThat(t.awaitInSync(Duration.ofSeconds(60))).isTrue();
            assertThat(t.status().fullLoadRows()).isZero();
        }
        try (Connection c = server.connect(dst)) {
            // the table was created empty; only the changes arrived (the update of a row it lacks is an upsert)
            assertThat(Tables.rows(c, "t")).containsExactly("(1,changed)", "(6,after)");
        }
    }

    @Test
    @DisplayName("when a key range is read, then exactly the rows of that range come back")
    void keyRangeReads() throws Exception {
        String src = server.newDatabase("src");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE big (id bigint PRIMARY KEY, v text)", "INSERT INTO big SELECT g, 'v' FROM generate_series(1, 1000) g");
        }
        try (Source source = Endpoints.source(server.endpoint(src))) {
            TableSchema big = source.discover().stream().filter(t -> t.id().name().equals("big")).findFirst().orElseThrow();
            List<Object> ids = new ArrayList<>();
            long total = 0;
            for (KeyRange range : List.of(new KeyRange("id", null, 300L), new KeyRange("id", 300L, 700L), new KeyRange("id", 700L, null))) {
                try (BulkReader reader = source.openBulkReader(big, range)) {
                    total += reader.read(row -> ids.add(row[0]));
                }
            }
            assertThat(total).isEqualTo(1000);
            assertThat(ids).doesNotHaveDuplicates().hasSize(1000).contains(1L, 299L, 300L, 699L, 700L, 1000L);
        }
    }
}
