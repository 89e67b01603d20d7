package dev.ferry.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ferry run} with a bad task file or mapping: the problems are printed one line each (path,
 * rule-id, rule-name), the exit is non-zero, and the target is not touched.
 */
class RunCommandMappingErrorsTest {
    static EmbeddedPostgres pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        FerryCli.configureLogging(false);
        pg = EmbeddedPostgres.builder().start();
        EmbeddedServers.createDatabase(pg, "src");
        try (Connection c = EmbeddedServers.connect(pg, "src"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.orders (id int PRIMARY KEY, qty int)");
            st.execute("INSERT INTO public.orders SELECT g, g % 10 FROM generate_series(1, 100) g");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private Path task(String target, String mappings) throws Exception {
        EmbeddedServers.createDatabase(pg, target);
        Files.writeString(dir.resolve("mappings.json"), mappings);
        Path file = dir.resolve("task.yaml");
        Files.writeString(file, "migrationType: full-load\n"
                + "source:\n  type: postgres\n  url: " + EmbeddedServers.url(pg, "src") + "\n  user: postgres\n"
                + "target:\n  type: postgres\n  url: " + EmbeddedServers.url(pg, target) + "\n  user: postgres\n"
                + "tableMappings: mappings.json\n");
        return file;
    }

    /** Tables and schemas the target has beyond a new database's. */
    private static long targetObjects(String database) throws Exception {
        try (Connection c = EmbeddedServers.connect(pg, database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')) "
                     + "+ (SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname NOT IN ('public', 'information_schema'))")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertCleanFailure(CliRun r) {
        assertThat(r.exit()).as(r.all()).isNotZero();
        assertThat(r.all()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    @DisplayName("when the mapping has several faults, then each is one line with path, rule-id and rule-name, and nothing moves")
    void parseErrors() throws Exception {
        Path file = task("dst1", """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "orders"}, "load-order": "first",
                   "filters": [{"filter-type": "source", "column-name": "qty",
                                "filter-conditions": [{"filter-operator": "gt", "value": "1"}]}]},
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "again", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "%"}},
                  {"rule-type": "selection", "rule-id": "3", "rule-name": "typo", "rule-action": "inculde",
                   "object-locator": {"schema-name": "public", "table-name": "%"}}
                ]}""");
        CliRun r = CliRun.of("run", file.toString());
        assertCleanFailure(r);
        assertThat(r.err().strip().lines()).containsExactly(
                "ferry: task file " + file + ": 4 problems:",
                "  - tableMappings mappings.json: $.rules[0].load-order (rule 1 'orders'): must be a whole number from 0 to "
                        + "2147483647, was \"first\"",
                "  - tableMappings mappings.json: $.rules[0].filters[0].filter-conditions[0].filter-operator (rule 1 'orders'): "
                        + "unknown filter-operator 'gt' (known: ste, lte, gte, eq, noteq, between, notbetween, null, notnull)",
                "  - tableMappings mappings.json: $.rules[1].rule-id (rule 1 'again'): rule-id 1 is also the rule-id of "
                        + "$.rules[0]; every rule needs its own rule-id",
                "  - tableMappings mappings.json: $.rules[2] (rule 3 'typo'): unknown rule-action 'inculde' (known: include, "
                        + "exclude, explicit)");
        assertThat(targetObjects("dst1")).isZero();
    }

    @Test
    @DisplayName("when a filter names a missing column or a value of the wrong type, then the run fails before any data moves")
    void planErrors() throws Exception {
        Path file = task("dst2", """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "orders"},
                   "filters": [{"filter-type": "source", "column-name": "quantity",
                                "filter-conditions": [{"filter-operator": "eq", "value": "1"}]},
                               {"filter-type": "source", "column-name": "qty",
                                "filter-conditions": [{"filter-operator": "eq", "value": "one"}]}]}
                ]}""");
        CliRun r = CliRun.of("run", file.toString());
        assertCleanFailure(r);
        assertThat(r.err()).contains(
                "$.rules[0].filters[0].column-name (rule 1 'orders'): table public.orders has no column 'quantity' "
                        + "(its columns: id, qty; names are case-sensitive)",
                "$.rules[0].filters[1].filter-conditions[0].value (rule 1 'orders'): table public.orders, column qty (INT32): "
                        + "'one' is not a INT32 value (expected a whole number in the column's range)");
        // the task's control tables exist by then (the target is reached first); no table of the mapping does
        try (Connection c = EmbeddedServers.connect(pg, "dst2"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('public.orders') IS NULL")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    @Test
    @DisplayName("when a task file is indented with a tab, then one line names the file, line and column and says to use spaces")
    void tabIndentedTaskFile() throws Exception {
        Path file = dir.resolve("tabs.yaml");
        Files.writeString(file, "migrationType: full-load\nsource:\n\ttype: postgres\n");
        CliRun r = CliRun.of("run", file.toString());
        assertCleanFailure(r);
        assertThat(r.err().strip().lines()).containsExactly(
                "ferry: task file " + file + ": line 3, column 1: tabs cannot indent YAML; use spaces");
    }

    @Test
    @DisplayName("when a task file has another YAML error, then it is one line with one position")
    void otherYamlError() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "migrationType: full-load\nsource: [postgres\ntarget: x\n");
        CliRun r = CliRun.of("run", file.toString());
        assertCleanFailure(r);
        assertThat(r.err().strip().lines()).singleElement().asString()
                .startsWith("ferry: task file " + file + ": line ")
                .matches(".*: line \\d+, column \\d+: [^\\n]+");
    }
}
