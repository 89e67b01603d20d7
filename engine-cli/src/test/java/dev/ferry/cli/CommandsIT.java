package dev.ferry.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands end to end, small: run with a task file, mappings and settings; demo; both
 * benchmarks. (Their throughput is measured by running them, never here.)
 */
class CommandsIT {

    @TempDir
    Path dir;

    static {
        FerryCli.configureLogging(false);
    }

    @Test
    void runsATaskFileWithMappingsAndSettings() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE src");
                st.execute("CREATE DATABASE dst");
            }
            try (Connection c = EmbeddedServers.connect(pg, "src"); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA sales");
                st.execute("CREATE TABLE sales.orders (id int PRIMARY KEY, total numeric(10,2))");
                st.execute("CREATE TABLE sales.tmp_scratch (id int PRIMARY KEY)");
                st.execute("INSERT INTO sales.orders SELECT g, g / 4.0 FROM generate_series(1, 5000) g");
            }
            Files.writeString(dir.resolve("mappings.json"), """
                    {"rules": [
                      {"rule-type": "selection", "rule-id": "1", "rule-name": "sales", "rule-action": "include",
                       "object-locator": {"schema-name": "sales", "table-name": "%"}},
                      {"rule-type": "selection", "rule-id": "2", "rule-name": "no-tmp", "rule-action": "exclude",
                       "object-locator": {"schema-name": "sales", "table-name": "tmp%"}}]}""");
            Files.writeString(dir.resolve("settings.json"), """
                    {"FullLoadSettings": {"TargetTablePrepMode": "TRUNCATE_BEFORE_LOAD", "MaxFullLoadSubTasks": 2},
                     "Logging": {"EnableLogging": true}}""");
            Path pw = dir.resolve("pw");
            Files.writeString(pw, "unused-by-trust\n");
            Path task = dir.resolve("orders.yaml");
            Files.writeString(task, "migrationType: full-load\n"
                    + "source:\n  type: postgres\n  url: " + EmbeddedServers.url(pg, "src") + "\n  user: postgres\n  passwordFile: " + pw + "\n"
                    + "target:\n  type: postgres\n  host: localhost\n  port: " + pg.getPort() + "\n  database: dst\n  user: postgres\n"
                    + "tableMappings: mappings.json\ntaskSettings: settings.json\n");
            CliRun r = CliRun.of("run", task.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("task orders (full-load)").contains("sales.orders").contains("Table completed")
                    .contains("5000").doesNotContain("tmp_scratch").contains("ferry: task orders load complete");
            try (Connection c = EmbeddedServers.connect(pg, "dst"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), sum(total) FROM sales.orders")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(5000);
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("3125625.00");
            }
        }
    }

    @Test
    void demoVerifiesItsOwnResult() {
        CliRun r = CliRun.of("demo", "--orders", "20000", "--seconds", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("source and target match on all 4 tables").contains("shop.orders").contains("Table completed");
    }

    @Test
    void benchmarksRun() {
        CliRun full = CliRun.of("bench", "full-load", "--rows", "20000", "--runs", "1");
        assertThat(full.exit()).as(full.err()).isZero();
        assertThat(full.out()).containsPattern("ferry loads at \\d+\\.\\d\\d x the COPY pipe ceiling");
        CliRun cdc = CliRun.of("bench", "cdc", "--changes", "10000", "--rows", "20000", "--batch", "2000");
        assertThat(cdc.exit()).as(cdc.err()).isZero();
        assertThat(cdc.out()).contains("end to end").contains("target apply alone").contains("all equal");
    }
}
