package dev.ferry.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: the DMS task of docs/import-dms.md (docs/examples/import-dms, its endpoints pointed at
 * an embedded PostgreSQL) is imported with {@code ferry import-dms}, then run with {@code ferry run}
 * in a JVM of its own, whose environment holds the password variables the import named, as a user's
 * shell would. The target then holds exactly the selected tables' rows.
 */
class ImportDmsIT {
    static {
        FerryCli.configureLogging(false);
    }

    @TempDir
    Path dir;

    @Test
    @DisplayName("when the documented DMS task is imported and run then the target holds the selected tables, row for row")
    void importedTaskRuns() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE shop");
                st.execute("CREATE DATABASE warehouse");
            }
            try (Connection c = EmbeddedServers.connect(pg, "shop"); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA sales");
                st.execute("CREATE TABLE sales.customers (id int PRIMARY KEY, name text NOT NULL, since date)");
                st.execute("CREATE TABLE sales.orders (id bigint PRIMARY KEY, customer int, total numeric(10,2), note text)");
                st.execute("CREATE TABLE sales.tmp_scratch (id int PRIMARY KEY)");
                st.execute("INSERT INTO sales.customers SELECT g, 'customer ' || g, DATE '2020-01-01' + g FROM generate_series(1, 300) g");
                st.execute("INSERT INTO sales.orders SELECT g, g % 300 + 1, g / 7.0, CASE WHEN g % 5 = 0 THEN NULL ELSE 'n' || g END "
                        + "FROM generate_series(1, 4000) g");
                st.execute("INSERT INTO sales.tmp_scratch VALUES (1)");
            }
            Path example = DocsExamplesTest.ROOT.resolve("docs/examples/import-dms");
            Path tasks = dir.resolve("tasks.json");
            Path endpoints = dir.resolve("endpoints.json");
            Files.copy(example.resolve("tasks.json"), tasks);
            Files.writeString(endpoints, Files.readString(example.resolve("endpoints.json"))
                    .replace("\"Port\": 5432", "\"Port\": " + pg.getPort()));
            Path out = dir.resolve("ferry");

            CliRun imported = CliRun.of("import-dms", tasks.toString(), "--endpoints", endpoints.toString(), "--out", out.toString());
            assertThat(imported.exit()).as(imported.all()).isZero();
            assertThat(imported.out()).contains("SHOP_SOURCE_PASSWORD").contains("WAREHOUSE_TARGET_PASSWORD")
                    .contains("ferry: ready: ferry run " + out.resolve("shop-to-warehouse.yaml"));

            // ferry run, as the user runs it: its own JVM, the password variables in its environment
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath, FerryCli.class.getName(), "run",
                    out.resolve("shop-to-warehouse.yaml").toString(), "--progress-seconds", "60")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile());
            // embedded PostgreSQL trusts local connections: any password logs in
            pb.environment().putAll(Map.of("SHOP_SOURCE_PASSWORD", "unused", "WAREHOUSE_TARGET_PASSWORD", "unused"));
            Process run = pb.start();
            boolean ended = run.waitFor(3, TimeUnit.MINUTES);
            if (!ended) {
                run.destroyForcibly();
            }
            String log = Files.readString(dir.resolve("run.log"));
            assertThat(ended).as(log).isTrue();
            assertThat(run.exitValue()).as(log).isZero();
            assertThat(log).contains("ferry: task shop-to-warehouse (full-load)").contains("ferry: task shop-to-warehouse load complete");

            for (String table : List.of("sales.customers", "sales.orders")) {
                assertThat(rows(pg, "warehouse", table)).as(table).hasSize(table.endsWith("orders") ? 4000 : 300)
                        .containsExactlyElementsOf(rows(pg, "shop", table));
            }
            try (Connection c = EmbeddedServers.connect(pg, "warehouse"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'tmp_scratch'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("excluded by rule 2").isZero();
            }
        }
    }

    private static List<String> rows(EmbeddedPostgres pg, String database, String table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = EmbeddedServers.connect(pg, database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(md.getColumnName(i)).append('=').append(rs.getString(i)).append(File.pathSeparatorChar);
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
