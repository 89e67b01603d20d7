package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partitioned table is replicated as one table: the catalog offers the parent (never its
 * partitions), the full load reads it whole, and the publication publishes its partitions'
 * changes under its name ({@code publish_via_partition_root}), so a row that moves between
 * partitions is a delete and an insert of the parent's row.
 */
class PartitionedTableIT extends EmbeddedPostgresTest {

    private static void createTables(String src) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE m (id int, k date NOT NULL, v text, PRIMARY KEY (id, k)) PARTITION BY RANGE (k)",
                    "CREATE TABLE m_01 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')",
                    "CREATE TABLE m_02 PARTITION OF m FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')",
                    "CREATE TABLE m_03 PARTITION OF m FOR VALUES FROM ('2024-03-01') TO ('2024-04-01')",
                    "INSERT INTO m SELECT g, date '2024-01-01' + (g % 90), 'v' || g FROM generate_series(1, 300) g",
                    // a keyless one: every partition needs REPLICA IDENTITY FULL (the parent's own does not reach them)
                    "CREATE TABLE kl (at int NOT NULL, what text) PARTITION BY RANGE (at)",
                    "CREATE TABLE kl_0 PARTITION OF kl FOR VALUES FROM (0) TO (100)",
                    "CREATE TABLE kl_1 PARTITION OF kl FOR VALUES FROM (100) TO (200)",
                    "ALTER TABLE kl_0 REPLICA IDENTITY FULL", "ALTER TABLE kl_1 REPLICA IDENTITY FULL",
                    "INSERT INTO kl SELECT g % 200, 'w' || (g % 7) FROM generate_series(1, 300) g");
        }
    }

    private static void assertSame(String src, String dst) throws Exception {
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.m");
            Tables.assertSameRows(s, t, "public.kl");
            assertThat(Tables.count(t, "information_schema.tables WHERE table_schema = 'public'"))
                    .as("the partitions are not replicated as tables of their own").isEqualTo(2);
        }
    }

    @Test
    @DisplayName("when rows of a partitioned table are inserted, updated, moved between partitions and deleted after the "
            + "full load, then the parent converges as one table, and again after a stop and a restart")
    void partitionedTableConverges() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        try (FerryTask task = Ferry.task("parts").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "INSERT INTO m SELECT g, date '2024-01-01' + (g % 90), 'new' FROM generate_series(301, 360) g",
                        "UPDATE m SET k = k + 31 WHERE id % 3 = 0 AND k < '2024-02-28'", // into the next partition
                        "UPDATE m SET v = 'upd' WHERE id % 3 = 1",
                        "UPDATE m SET id = id + 1000, k = date '2024-01-15' WHERE id % 11 = 0", // key and partition
                        "DELETE FROM m WHERE id % 5 = 0",
                        "INSERT INTO kl SELECT g, 'new' FROM generate_series(0, 199, 9) g",
                        "UPDATE kl SET at = at + 100 WHERE at < 30", // into the other partition
                        "UPDATE kl SET what = 'upd' WHERE at BETWEEN 150 AND 160",
                        "DELETE FROM kl WHERE what = 'w3'");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            assertSame(src, dst);
            task.stop();
        }
        try (Connection c = server.connect(src)) {
            // while the task is stopped; the new partition is in the publication through its parent
            Tables.exec(c, "CREATE TABLE m_04 PARTITION OF m FOR VALUES FROM ('2024-04-01') TO ('2024-05-01')",
                    "UPDATE m SET k = k + 31 WHERE k >= '2024-03-01'", "DELETE FROM m WHERE id % 7 = 0",
                    "UPDATE kl SET at = at - 100 WHERE at >= 190");
        }
        try (FerryTask task = Ferry.task("parts").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "INSERT INTO m SELECT g, date '2024-04-10', 'april' FROM generate_series(2001, 2020) g",
                        "UPDATE m SET k = date '2024-01-20' WHERE id BETWEEN 2001 AND 2005", "TRUNCATE kl",
                        "INSERT INTO kl VALUES (1, 'after truncate'), (101, 'after truncate')");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        assertSame(src, dst);
    }

    private static final TableMappings ONLY_A = TableMappings.parse("""
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
              "object-locator": {"schema-name": "public", "table-name": "a"}}]}""", "a.json");

    @Test
    @DisplayName("when a partitioned table is selected after the start, on a publication made without "
            + "publish_via_partition_root, then it is loaded on resume and its changes follow")
    void partitionedTableAddedLater() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE a (id int PRIMARY KEY)");
        }
        try (FerryTask task = Ferry.task("partslater").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(ONLY_A).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection c = server.connect(src)) {
            // as an earlier version created it
            Tables.exec(c, "ALTER PUBLICATION ferry_partslater SET (publish_via_partition_root = false)", "INSERT INTO a VALUES (1)");
        }
        try (FerryTask task = Ferry.task("partslater").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE m SET k = k + 31 WHERE id % 3 = 0 AND k < '2024-02-28'", "DELETE FROM m WHERE id % 5 = 0",
                        "UPDATE kl SET at = at + 100 WHERE at < 30", "INSERT INTO a VALUES (2)");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.a");
            Tables.assertSameRows(s, t, "public.m");
            Tables.assertSameRows(s, t, "public.kl");
        }
    }

    @Test
    @DisplayName("when a partition of a keyless partitioned table lacks REPLICA IDENTITY FULL, then CDC refuses to start "
            + "naming the partition and the fix, even if the parent has it, and the partition is one level down")
    void keylessPartitionWithoutFullIdentity() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE kl (at int NOT NULL, what text) PARTITION BY RANGE (at)",
                    "CREATE TABLE kl_0 PARTITION OF kl FOR VALUES FROM (0) TO (100)",
                    "CREATE TABLE kl_1 PARTITION OF kl FOR VALUES FROM (100) TO (200) PARTITION BY RANGE (at)",
                    "CREATE TABLE kl_1a PARTITION OF kl_1 FOR VALUES FROM (100) TO (150)",
                    "CREATE TABLE kl_1b PARTITION OF kl_1 FOR VALUES FROM (150) TO (200)",
                    "ALTER TABLE kl REPLICA IDENTITY FULL", "ALTER TABLE kl_0 REPLICA IDENTITY FULL",
                    "ALTER TABLE kl_1 REPLICA IDENTITY FULL", "ALTER TABLE kl_1a REPLICA IDENTITY FULL",
                    "INSERT INTO kl VALUES (1, 'a'), (101, 'b'), (151, 'c')");
        }
        ReplicaIdentityIT.assertRefused(src, dst, "keylessparts", "public.kl: partition public.kl_1b: no primary key and no "
                + "REPLICA IDENTITY FULL: in a publication, PostgreSQL refuses UPDATE and DELETE on it, which would break the "
                + "application; fix: ALTER TABLE public.kl_1b REPLICA IDENTITY FULL (every partition needs it, those added "
                + "later too), or exclude the table from the table mappings");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "UPDATE kl SET what = 'd' WHERE at = 151");
        }
    }
}
