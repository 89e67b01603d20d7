package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.FerryException;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.spi.Source;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Source states that stop a task get a clear error naming the table or slot and the fix. */
class SourceProblemsIT extends EmbeddedPostgresTest {

    @Test
    @DisplayName("when a keyless table lacks REPLICA IDENTITY FULL, then CDC refuses to start and names the table and the fix")
    void keylessTableWithoutReplicaIdentity() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE events (at timestamptz, what text)", "CREATE TABLE ok (id int PRIMARY KEY)");
        }
        try (FerryTask task = Ferry.task("keyless").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThatThrownBy(() -> task.awaitFullLoad(Duration.ofSeconds(30)))
                    .isInstanceOf(FerryException.class)
                    .hasMessageContaining("public.events: no primary key and no REPLICA IDENTITY FULL: in a publication, "
                            + "PostgreSQL refuses UPDATE and DELETE on it, which would break the application; fix: ALTER TABLE "
                            + "public.events REPLICA IDENTITY FULL, or exclude the table from the table mappings");
        }
        // and nothing was changed on the source: no publication holds the table
        try (Connection c = server.connect(src)) {
            assertThat(Tables.count(c, "pg_publication")).isZero();
        }
    }

    @Test
    @DisplayName("when the replication slot is gone, then resuming fails naming it, and --reload starts over")
    void lostSlot() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'x' FROM generate_series(1, 100) g");
        }
        try (FerryTask task = Ferry.task("lost").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Source source = Endpoints.source(server.endpoint(src))) {
            source.dropCapture("lost");
        }
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "INSERT INTO t VALUES (1000, 'after the slot was dropped')");
        }
        try (FerryTask task = Ferry.task("lost").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).contains("replication slot ferry_lost does not exist")
                    .contains("start the task again with a full load");
        }
        try (FerryTask task = Ferry.task("lost").source(server.endpoint(src)).target(server.endpoint(dst)).reload(true).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.t");
        }
    }

    private static final TableMappings ONLY_A = TableMappings.parse("""
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
              "object-locator": {"schema-name": "public", "table-name": "a"}}]}""", "a.json");

    @Test
    @DisplayName("when a keyless table without REPLICA IDENTITY FULL is selected after the start, then resuming names it "
            + "and the fix, and the other table's CDC is untouched")
    void addedKeylessTableWithoutReplicaIdentity() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (at timestamptz, what text)",
                    "INSERT INTO b VALUES (now(), 'x')");
        }
        try (FerryTask task = Ferry.task("grow").source(server.endpoint(src)).target(server.endpoint(dst)).tableMappings(ONLY_A)
                .build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (FerryTask task = Ferry.task("grow").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().error()).isEqualTo("public.b: no primary key and no REPLICA IDENTITY FULL: in a "
                    + "publication, PostgreSQL refuses UPDATE and DELETE on it, which would break the application; fix: "
                    + "ALTER TABLE public.b REPLICA IDENTITY FULL, or exclude the table from the table mappings");
        }
        try (Connection c = server.connect(src)) {
            assertThat(Tables.rows(c, "(SELECT tablename FROM pg_publication_tables WHERE pubname = 'ferry_grow')"))
                    .as("the source is not changed").containsExactly("(a)");
            Tables.exec(c, "ALTER TABLE b REPLICA IDENTITY FULL", "INSERT INTO a VALUES (1)");
        }
        // the fix, and the task resumes: b is loaded, a's change made meanwhile is applied
        try (FerryTask task = Ferry.task("grow").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.a");
            Tables.assertSameRows(s, t, "public.b");
        }
    }

    @Test
    @DisplayName("when a table whose replica identity index leaves out its primary key is selected after the start, then "
            + "resuming names it, the index and the fix, and leaves it out of the publication")
    void addedTableWithIdentityIndexWithoutTheKey() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE u (id int PRIMARY KEY, e text NOT NULL UNIQUE)",
                    "ALTER TABLE u REPLICA IDENTITY USING INDEX u_e_key", "INSERT INTO u VALUES (0, 'zero'), (1, 'one'), (2, 'two')");
        }
        try (FerryTask task = Ferry.task("growu").source(server.endpoint(src)).target(server.endpoint(dst)).tableMappings(ONLY_A)
                .build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (FerryTask task = Ferry.task("growu").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().error()).isEqualTo("public.u: REPLICA IDENTITY USING INDEX u_e_key (e) leaves out "
                    + "primary-key column id: PostgreSQL sends only the index's columns of an old row, so an UPDATE or DELETE "
                    + "cannot be matched to its row on the target; fix: ALTER TABLE public.u REPLICA IDENTITY DEFAULT (or FULL)");
        }
        try (Connection c = server.connect(src)) {
            assertThat(Tables.rows(c, "(SELECT tablename FROM pg_publication_tables WHERE pubname = 'ferry_growu')"))
                    .as("the source is not changed").containsExactly("(a)");
            Tables.exec(c, "ALTER TABLE u REPLICA IDENTITY DEFAULT");
        }
        try (FerryTask task = Ferry.task("growu").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "DELETE FROM u WHERE id = 2", "UPDATE u SET e = 'uno' WHERE id = 1");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.u");
        }
    }

    @Test
    @DisplayName("when a checkpoint of an earlier version, without loaded tables, resumes a grown selection, then "
            + "resuming names the tables it cannot know were loaded and asks for a reload")
    void grownSelectionOnACheckpointWithoutLoadedTables() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)", "INSERT INTO b VALUES (1)");
        }
        try (FerryTask task = Ferry.task("old").source(server.endpoint(src)).target(server.endpoint(dst)).tableMappings(ONLY_A)
                .build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection c = server.connect(dst)) {
            Tables.exec(c, "UPDATE ferry.ferry_checkpoint SET loaded_tables = NULL");
        }
        try (FerryTask task = Ferry.task("old").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().error()).contains("table(s) public.b are taken as loaded but are not in publication ferry_old")
                    .contains("ferry run --reload");
        }
    }
}
