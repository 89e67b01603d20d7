package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Reserved words, mixed case, spaces and quotes in schema, table and column names replicate. */
class IdentifiersIT extends EmbeddedPostgresTest {
    @Test
    @DisplayName("when names need quoting, then full load and CDC still replicate every table")
    void awkwardNamesReplicate() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c,
                    "CREATE TABLE public.\"order\" (\"select\" int PRIMARY KEY, \"from\" text, \"Mixed Col\" int)",
                    "CREATE SCHEMA \"Mixed Case\"",
                    "CREATE TABLE \"Mixed Case\".\"Table With Spaces\" (\"Id\" int, \"a\"\"b\" text, \"ünï\" text, "
                            + "PRIMARY KEY (\"Id\", \"a\"\"b\"))",
                    "CREATE TABLE public.\"a\"\"b\" (\"x'y\" int PRIMARY KEY, \"%\" text)",
                    "INSERT INTO public.\"order\" SELECT g, 'f' || g, g FROM generate_series(1, 100) g",
                    "INSERT INTO \"Mixed Case\".\"Table With Spaces\" SELECT g, 'k' || g, 'ü' || g FROM generate_series(1, 100) g",
                    "INSERT INTO public.\"a\"\"b\" SELECT g, '%' || g FROM generate_series(1, 100) g");
        }
        TableMappings mappings = TableMappings.parse("""
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "public", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "%"}},
                  {"rule-type": "selection", "rule-id": "2", "rule-name": "mixed", "rule-action": "include",
                   "object-locator": {"schema-name": "Mixed Case", "table-name": "Table With Spaces"}}
                ]}""", "test");
        try (FerryTask task = Ferry.task("names").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(mappings).migrationType(MigrationType.FULL_LOAD_AND_CDC).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c,
                        "UPDATE public.\"order\" SET \"from\" = 'changed', \"select\" = \"select\" + 1000 WHERE \"select\" <= 10",
                        "DELETE FROM \"Mixed Case\".\"Table With Spaces\" WHERE \"Id\" % 3 = 0",
                        "UPDATE \"Mixed Case\".\"Table With Spaces\" SET \"ünï\" = 'changed' WHERE \"Id\" % 3 = 1",
                        "INSERT INTO public.\"a\"\"b\" VALUES (1000, 'new')",
                        "TRUNCATE public.\"a\"\"b\"",
                        "INSERT INTO public.\"a\"\"b\" VALUES (2000, 'after truncate')");
            }
            assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : new String[]{"public.\"order\"", "\"Mixed Case\".\"Table With Spaces\"", "public.\"a\"\"b\""}) {
                Tables.assertSameRows(s, t, table);
            }
            assertThat(Tables.count(t, "public.\"a\"\"b\"")).isEqualTo(1);
        }
    }
}
