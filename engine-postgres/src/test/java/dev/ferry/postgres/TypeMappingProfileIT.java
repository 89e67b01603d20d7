package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.settings.TypeMappingProfile;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL source with a column of every type of docs/type-mapping.md's "PostgreSQL source"
 * table, loaded and then changed under each type-mapping profile: the target's column types are
 * the table's, and every row arrives, by the full load (COPY) and by CDC.
 */
class TypeMappingProfileIT extends EmbeddedPostgresTest {

    private static final Path DOC = Path.of("..", "docs", "type-mapping.md");

    /** A value of each source type, as SQL literals: one for the load, one for CDC. */
    private static final Map<String, String[]> SAMPLES = Map.ofEntries(
            Map.entry("integer", new String[] {"1", "-2"}),
            Map.entry("smallint", new String[] {"2", "32767"}),
            Map.entry("bigint", new String[] {"3", "9223372036854775807"}),
            Map.entry("numeric(10,2)", new String[] {"12.34", "-99999999.99"}),
            Map.entry("real", new String[] {"1.5", "-0.25"}),
            Map.entry("double precision", new String[] {"2.25", "1e300"}),
            Map.entry("character(5)", new String[] {"'ab'", "'abcde'"}),
            Map.entry("character varying(20)", new String[] {"'hello'", "'ünïcödé'"}),
            Map.entry("text", new String[] {"'long text'", "''"}),
            Map.entry("bytea", new String[] {"'\\xdeadbeef'", "'\\x00'"}),
            Map.entry("timestamp(3) without time zone", new String[] {"'2018-02-09 12:12:12.123'", "'1999-12-31 23:59:59'"}),
            Map.entry("timestamp with time zone", new String[] {"'2018-02-09 12:12:12.123456+00'", "'2020-06-01 00:00:00+05:30'"}),
            Map.entry("date", new String[] {"'2018-02-09'", "'0044-03-15 BC'"}),
            Map.entry("time without time zone", new String[] {"'12:12:12.5'", "'23:59:59.999999'"}),
            Map.entry("time with time zone", new String[] {"'12:12:12+02'", "'00:00:01-08'"}),
            Map.entry("interval", new String[] {"'1 year 2 mons 3 days 04:05:06'", "'-5 days'"}),
            Map.entry("boolean", new String[] {"true", "false"}),
            Map.entry("uuid", new String[] {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000001'"}),
            Map.entry("json", new String[] {"'{\"a\": 1,  \"a\": 2}'", "'[]'"}),
            Map.entry("jsonb", new String[] {"'{\"b\": [1, 2]}'", "'{\"c\": null}'"}),
            Map.entry("xml", new String[] {"'<a>1</a>'", "'<b/>'"}),
            Map.entry("mood", new String[] {"'happy'", "'sad'"}),
            Map.entry("posint", new String[] {"7", "9"}),
            Map.entry("inet", new String[] {"'10.0.0.1'", "'::1'"}),
            Map.entry("integer[]", new String[] {"'{1,2,3}'", "'{}'"}));

    /** The doc's rows: source type → {native, dms}. */
    private static Map<String, String[]> doc() throws Exception {
        Map<String, String[]> rows = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## PostgreSQL source");
                continue;
            }
            if (inSection && line.startsWith("| ") && !line.startsWith("| PostgreSQL type") && !line.startsWith("| ---")) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|");
                rows.put(cells[0].strip(), new String[] {cells[2].strip(), cells[3].strip()});
            }
        }
        return rows;
    }

    @Test
    @DisplayName("when the profile is dms, then the target's types are DMS's for a PostgreSQL source (the same, user-defined ones "
            + "character varying) and the full load and CDC move every row")
    void dms() throws Exception {
        run(TypeMappingProfile.DMS, 1);
    }

    @Test
    @DisplayName("when the profile is native, then the target's types are Ferry's own and the full load and CDC move every row")
    void nativeProfile() throws Exception {
        run(TypeMappingProfile.NATIVE, 0);
    }

    private void run(TypeMappingProfile profile, int column) throws Exception {
        Map<String, String[]> doc = doc();
        assertThat(doc.keySet()).as("the doc's rows are the types this test has values for").isEqualTo(SAMPLES.keySet());
        List<String> types = new ArrayList<>(doc.keySet());
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        StringJoiner columns = new StringJoiner(", ");
        for (int i = 0; i < types.size(); i++) {
            columns.add("c" + i + " " + types.get(i));
        }
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)",
                    "CREATE TABLE t (id int PRIMARY KEY, " + columns + ")",
                    insert(types, 1, 0), insert(types, 2, 1), "INSERT INTO t (id) VALUES (3)");
        }
        TaskSettings settings = TaskSettings.defaults().withTypeMappingProfile(profile);
        try (FerryTask t = Ferry.task("types").source(server.endpoint(src)).target(server.endpoint(dst)).settings(settings).build()) {
            t.start();
            assertThat(t.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(t.status().error())).isTrue();
            try (Connection s = server.connect(src); Connection d = server.connect(dst)) {
                Tables.assertSameRows(s, d, comparable(types));
                Tables.exec(s, insert(types, 4, 1), insert(types, 5, 0), update(types, 1, 1), update(types, 3, 0),
                        "DELETE FROM t WHERE id = 2");
            }
            assertThat(t.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(t.status().error())).isTrue();
        }
        try (Connection s = server.connect(src); Connection d = server.connect(dst)) {
            Tables.assertSameRows(s, d, comparable(types));
            assertThat(Tables.count(d, "t")).isEqualTo(4);
            Map<String, String> actual = targetTypes(d);
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < types.size(); i++) {
                String expected = doc.get(types.get(i))[column];
                if (!expected.equals(actual.get("c" + i))) {
                    wrong.add(types.get(i) + ": " + actual.get("c" + i) + " (doc: " + expected + ")");
                }
            }
            assertThat(wrong).as(profile + " types").isEmpty();
        }
    }

    /**
     * The rows to compare: timetz by its instant, since CDC delivers it normalised to UTC (docs/postgres.md), whatever
     * the profile.
     */
    private static String comparable(List<String> types) {
        StringJoiner select = new StringJoiner(", ");
        select.add("id");
        for (int i = 0; i < types.size(); i++) {
            select.add(types.get(i).equals("time with time zone") ? "c" + i + " AT TIME ZONE 'UTC' AS c" + i : "c" + i);
        }
        return "(SELECT " + select + " FROM t)";
    }

    private static String insert(List<String> types, int id, int sample) {
        StringJoiner names = new StringJoiner(", ");
        StringJoiner values = new StringJoiner(", ");
        for (int i = 0; i < types.size(); i++) {
            names.add("c" + i);
            values.add(SAMPLES.get(types.get(i))[sample]);
        }
        return "INSERT INTO t (id, " + names + ") VALUES (" + id + ", " + values + ")";
    }

    private static String update(List<String> types, int id, int sample) {
        StringJoiner sets = new StringJoiner(", ");
        for (int i = 0; i < types.size(); i++) {
            sets.add("c" + i + " = " + SAMPLES.get(types.get(i))[sample]);
        }
        return "UPDATE t SET " + sets + " WHERE id = " + id;
    }

    private static Map<String, String> targetTypes(Connection c) throws Exception {
        Map<String, String> types = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT attname, format_type(atttypid, atttypmod) "
                + "FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attnum > 0 AND NOT attisdropped")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }
}
