package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Classic table inheritance ({@code CREATE TABLE child (...) INHERITS (par)}, not declarative
 * partitions): each table is replicated with its own rows only, as {@code SELECT * FROM ONLY t}
 * shows them. A plain {@code SELECT FROM par} and a plain {@code FOR TABLE par} in a publication
 * both take the children along, but the children's changes come under their own names, so the
 * parent's target would get their rows once (the full load) and never their changes.
 */
class InheritanceIT extends EmbeddedPostgresTest {

    /**
     * par with two children: c1 (keyed, a column of its own, a keyless grandchild c1a) and c2 (keyless, with
     * the default replica identity: in a publication, PostgreSQL would refuse UPDATE and DELETE on it).
     */
    private static void createTables(String src) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE par (id int PRIMARY KEY, v text)",
                    "CREATE TABLE c1 (extra int, PRIMARY KEY (id)) INHERITS (par)",
                    "CREATE TABLE c1a () INHERITS (c1)",
                    "CREATE TABLE c2 () INHERITS (par)",
                    "INSERT INTO par SELECT g, 'p' || g FROM generate_series(1, 50) g",
                    "INSERT INTO c1 SELECT g, 'c' || g, g * 10 FROM generate_series(101, 140) g",
                    "INSERT INTO c1a SELECT g, 'a' || g, g * 10 FROM generate_series(151, 160) g",
                    "INSERT INTO c2 SELECT g, 'k' || g FROM generate_series(201, 230) g");
        }
    }

    /** Changes to every table of the hierarchy, some through the parent (which reach the children's rows too). */
    private static void change(String src, int round) throws Exception {
        int base = 1000 * round;
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "INSERT INTO par SELECT g, 'new' FROM generate_series(" + (base + 1) + ", " + (base + 10) + ") g",
                    "INSERT INTO c1 SELECT g, 'new', 1 FROM generate_series(" + (base + 101) + ", " + (base + 110) + ") g",
                    "INSERT INTO c1a VALUES (" + (base + 151) + ", 'new', 2)",
                    "INSERT INTO c2 VALUES (" + (base + 201) + ", 'new')",
                    "UPDATE par SET v = v || '/par" + round + "' WHERE id % 3 = 0", // parent and children rows
                    "UPDATE c1 SET extra = extra + 1, v = v || '/c1' WHERE id % 4 = 0", // c1 and c1a rows
                    "UPDATE c2 SET v = v || '/c2' WHERE id % 2 = 0",
                    "UPDATE c1 SET id = id + 500 WHERE id % 11 = 0", // key changes
                    "DELETE FROM par WHERE id % 7 = 0", // parent and children rows
                    "DELETE FROM c1 WHERE id % 5 = 0",
                    "DELETE FROM c2 WHERE id % 9 = 0");
        }
    }

    private static TableMappings select(String... tables) {
        StringJoiner rules = new StringJoiner(",\n");
        for (int i = 0; i < tables.length; i++) {
            rules.add("{\"rule-type\": \"selection\", \"rule-id\": \"" + (i + 1) + "\", \"rule-action\": \"include\", "
                    + "\"object-locator\": {\"schema-name\": \"public\", \"table-name\": \"" + tables[i] + "\"}}");
        }
        return TableMappings.parse("{\"rules\": [" + rules + "]}", "inheritance.json");
    }

    /** Each table holds exactly its own rows ({@code ONLY}: no child's), on the source and on the target. */
    private static void assertOwnRows(String src, String dst, String... tables) throws Exception {
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            for (String table : tables) {
                Tables.assertSameRows(s, t, "ONLY public." + table);
            }
        }
    }

    private static List<String> published(String src, String task) throws Exception {
        try (Connection c = server.connect(src)) {
            return Tables.rows(c, "(SELECT tablename FROM pg_publication_tables WHERE pubname = 'ferry_" + task + "') ");
        }
    }

    @Test
    @DisplayName("when only the parent of an inheritance hierarchy is selected, then its target holds the parent's own rows "
            + "after the full load and after changes to the parent and to the children, and no child is published")
    void onlyTheParentSelected() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        try (Source source = Endpoints.source(server.endpoint(src))) {
            AddedTablesIT.HeldRead held = new AddedTablesIT.HeldRead(source, new TableId("public", "par"));
            try (FerryTask task = Ferry.task("inhpar").source(held).target(server.endpoint(dst))
                    .tableMappings(select("par")).build()) {
                task.start();
                assertThat(held.reached.await(60, TimeUnit.SECONDS)).isTrue();
                // the publication exists and the full load runs: the application goes on writing the children
                // (c2 keyless, with the default replica identity: a publication holding it would refuse its updates)
                change(src, 1);
                assertThat(published(src, "inhpar")).containsExactly("(par)");
                held.release.countDown();
                assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
                assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
                assertOwnRows(src, dst, "par");
                task.stop();
            }
        }
        change(src, 2); // while the task is stopped
        assertThat(published(src, "inhpar")).containsExactly("(par)");
        try (FerryTask task = Ferry.task("inhpar").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(select("par")).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            change(src, 3);
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        assertOwnRows(src, dst, "par");
        try (Connection t = server.connect(dst)) {
            assertThat(Tables.count(t, "information_schema.tables WHERE table_schema = 'public'")).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("when a key range of a parent table is read (parallel load), then only the parent's own rows come back")
    void keyRangeOfAParent() throws Exception {
        String src = server.newDatabase("src");
        createTables(src);
        try (Source source = Endpoints.source(server.endpoint(src))) {
            TableSchema par = source.discover().stream().filter(t -> t.id().name().equals("par")).findFirst().orElseThrow();
            List<Object> ids = new ArrayList<>();
            for (KeyRange range : List.of(new KeyRange("id", null, 120), new KeyRange("id", 120, null))) {
                try (BulkReader reader = source.openBulkReader(par, range)) {
                    reader.read(row -> ids.add(row[0]));
                }
            }
            assertThat(ids).hasSize(50).allMatch(id -> (Integer) id <= 50);
        }
    }

    @Test
    @DisplayName("when a parent and one of its children are selected, then each target holds its own rows only, also "
            + "after the parent leaves the selection (the child's changes go on) and comes back (the parent is loaded again)")
    void parentAndChildSelected() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        try (FerryTask task = Ferry.task("inhboth").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(select("par", "c1")).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            assertOwnRows(src, dst, "par", "c1");
            assertThat(published(src, "inhboth")).containsExactly("(c1)", "(par)");
            change(src, 1);
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            assertOwnRows(src, dst, "par", "c1");
            task.stop();
        }
        change(src, 2);
        // the parent leaves the publication; the child (in it through its own name) stays
        try (FerryTask task = Ferry.task("inhboth").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(select("c1")).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            change(src, 3);
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            assertThat(published(src, "inhboth")).containsExactly("(c1)");
        }
        assertOwnRows(src, dst, "c1");
        change(src, 4);
        // the parent comes back: added to the publication and loaded again
        try (FerryTask task = Ferry.task("inhboth").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(select("par", "c1")).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            assertOwnRows(src, dst, "par", "c1");
            assertThat(published(src, "inhboth")).containsExactly("(c1)", "(par)");
            change(src, 5);
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        assertOwnRows(src, dst, "par", "c1");
    }
}
