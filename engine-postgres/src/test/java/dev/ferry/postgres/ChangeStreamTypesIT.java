package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.FerryException;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Types Ferry carries as their text (the target column is {@code text}) must reach the target on the
 * CDC path as the text the full load wrote. Debezium's PostgreSQL connector delivers some of them
 * its own way before any converter of Ferry's sees them: those are refused when a task that captures
 * changes starts, naming the column and the fix, and {@code ferry assess} says the same; a
 * full-load-only task loads them.
 */
class ChangeStreamTypesIT extends EmbeddedPostgresTest {

    @Test
    @DisplayName("when a table has money, point, box or a domain over hstore, then CDC refuses to start naming each "
            + "column and the fix, assess says the same, and a full-load-only task loads them")
    void typesOfTheirOwnAreRefused() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE EXTENSION hstore", "CREATE DOMAIN tags AS hstore", "CREATE DOMAIN price AS money",
                    "CREATE TABLE shape (id int PRIMARY KEY, at point, area box, attrs tags, cost price, ok text)",
                    "CREATE TABLE pay (id int PRIMARY KEY, amount money)",
                    "INSERT INTO shape VALUES (1, '(1,2)', '(1,2),(0,0)', 'a=>1', 2.5, 'x')", "INSERT INTO pay VALUES (1, 12.34)");
        }
        String expected = "public.pay.amount: money: the change stream sends it as a bare number, without the currency format "
                + "PostgreSQL prints ($1,234.50 arrives as 1234.50), not as the text PostgreSQL prints, which the full load "
                + "writes, so changes could not be written as the full load wrote the rows; fix: change the column's type on "
                + "the source (ALTER TABLE public.pay ALTER COLUMN amount TYPE numeric), or exclude the table from the table "
                + "mappings (a selection rule with rule-action exclude) and load it with a full-load task; "
                + "public.shape.at: point: the change stream sends it as a struct of its coordinates, not as the text "
                + "PostgreSQL prints, which the full load writes, so changes could not be written as the full load wrote the "
                + "rows; fix: change the column's type on the source, or exclude the table from the table mappings (a "
                + "selection rule with rule-action exclude) and load it with a full-load task; "
                + "public.shape.area: box: the change stream sends it printed again by the JDBC driver, with Java's number "
                + "format ((1,2) arrives as (1.0,2.0)), not as the text PostgreSQL prints, which the full load writes, so "
                + "changes could not be written as the full load wrote the rows; fix: change the column's type on the "
                + "source, or exclude the table from the table mappings (a selection rule with rule-action exclude) and load "
                + "it with a full-load task; "
                + "public.shape.attrs: tags (a domain over hstore): the change stream sends it as JSON ({\"a\":\"1\"} for "
                + "\"a\"=>\"1\"), not as the text PostgreSQL prints, which the full load writes, so changes could not be "
                + "written as the full load wrote the rows; fix: change the column's type on the source (ALTER TABLE "
                + "public.shape ALTER COLUMN attrs TYPE hstore), or exclude the table from the table mappings (a selection "
                + "rule with rule-action exclude) and load it with a full-load task; "
                + "public.shape.cost: price (a domain over money): the change stream sends it as a bare number, without the "
                + "currency format PostgreSQL prints ($1,234.50 arrives as 1234.50), not as the text PostgreSQL prints, which "
                + "the full load writes, so changes could not be written as the full load wrote the rows; fix: change the "
                + "column's type on the source (ALTER TABLE public.shape ALTER COLUMN cost TYPE numeric), or exclude the "
                + "table from the table mappings (a selection rule with rule-action exclude) and load it with a full-load task";
        try (FerryTask task = Ferry.task("owntypes").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            FerryException refused = catchThrowableOfType(() -> task.awaitFullLoad(Duration.ofSeconds(60)), FerryException.class);
            assertThat(refused).as("the task refused to start").isNotNull();
            assertThat(refused.getMessage()).isEqualTo("task owntypes failed: " + expected);
        }
        Assessment assessed = Ferry.assess(server.endpoint(src), TableMappings.includeAll(), MigrationType.FULL_LOAD_AND_CDC);
        assertThat(assessed.failureMessage()).isEqualTo(expected);
        assertThat(Ferry.assess(server.endpoint(src), TableMappings.includeAll(), MigrationType.FULL_LOAD).failureMessage()).isNull();
        try (Connection c = server.connect(src)) {
            assertThat(Tables.count(c, "pg_publication")).as("no publication is left on the source").isZero();
        }
        try (FerryTask task = Ferry.task("owntypesload").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.shape");
            Tables.assertSameRows(s, t, "public.pay");
        }
        // the fix the refusal names, and the task runs
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "ALTER TABLE public.pay ALTER COLUMN amount TYPE numeric", "DROP TABLE shape");
        }
        try (FerryTask task = Ferry.task("owntypes").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.exec(s, "UPDATE pay SET amount = 56.78 WHERE id = 1", "INSERT INTO pay VALUES (2, 1234.5)");
                assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
                Tables.assertSameRows(s, t, "public.pay");
            }
        }
    }

    /**
     * pgvector and PostGIS are not installed here: their types are stood in for by base types of the
     * same names made with text's input and output functions. The connector picks its conversion by
     * the type's name (TypeRegistry), so it treats them as it treats the real ones; their text is
     * what either path prints, through the type's output function.
     */
    private static final String[] STAND_INS = standIns("vector", "halfvec", "sparsevec", "geometry", "geography");

    private static String[] standIns(String... names) {
        java.util.List<String> sql = new java.util.ArrayList<>();
        for (String n : names) {
            sql.add("CREATE TYPE " + n);
            sql.add("CREATE FUNCTION " + n + "_in(cstring) RETURNS " + n + " LANGUAGE internal IMMUTABLE STRICT AS 'textin'");
            sql.add("CREATE FUNCTION " + n + "_out(" + n + ") RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout'");
            sql.add("CREATE TYPE " + n + " (INPUT = " + n + "_in, OUTPUT = " + n + "_out, LIKE = text)");
        }
        return sql.toArray(String[]::new);
    }

    @Test
    @DisplayName("when hstore, pgvector or PostGIS values change after the full load, then the target holds their "
            + "PostgreSQL text, as the full load wrote it, in keyed and keyless tables")
    void extensionTypesArriveAsTheirText() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE EXTENSION hstore");
            Tables.exec(c, STAND_INS);
            Tables.exec(c, "CREATE TABLE ext (id int PRIMARY KEY, h hstore, hs hstore[], v vector, hv halfvec, sv sparsevec, "
                            + "g geometry, gg geography, pts point[])",
                    "INSERT INTO ext VALUES (1, 'a=>1, \"b c\"=>NULL', ARRAY['x=>y'::hstore], '[1,2.5,3]', '[1,2]', '{1:1.5,3:2}/5', "
                            + "'0101000000000000000000F03F0000000000000040', '0101000020E6100000000000000000F03F0000000000000040', "
                            + "'{\"(1,2)\",\"(1.5,-2e+20)\"}')",
                    "CREATE TABLE ext_keyless (LIKE ext)", "ALTER TABLE ext_keyless REPLICA IDENTITY FULL",
                    "INSERT INTO ext_keyless SELECT * FROM ext");
        }
        try (FerryTask task = Ferry.task("exttext").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.assertSameRows(s, t, "public.ext");
                Tables.exec(s, "INSERT INTO ext SELECT id + 10, h, hs, v, hv, sv, g, gg, pts FROM ext",
                        "UPDATE ext SET h = h || 'd=>\"e,f\"'::hstore, v = '[0.1,-1e-07]', g = '01010000000000000000000000000000000000F03F' "
                                + "WHERE id = 1",
                        "INSERT INTO ext_keyless SELECT * FROM ext WHERE id = 11",
                        "UPDATE ext_keyless SET sv = '{2:3}/5' WHERE id = 1",
                        "DELETE FROM ext_keyless WHERE id = 11");
                assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
                Tables.assertSameRows(s, t, "public.ext");
                Tables.assertSameRows(s, t, "public.ext_keyless");
            }
        }
        assertThat(Ferry.assess(server.endpoint(src), TableMappings.includeAll(), MigrationType.FULL_LOAD_AND_CDC).failureMessage())
                .isNull();
    }
}
