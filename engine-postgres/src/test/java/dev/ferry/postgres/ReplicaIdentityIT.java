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
 * What PostgreSQL writes to the WAL about a changed row depends on the table's replica identity
 * and its primary key. Where Ferry could not find the row a change belongs to, or the publication
 * would make PostgreSQL refuse the application's own UPDATEs and DELETEs, the task refuses to
 * start, names the table and the fix, and leaves the source as it was; {@code ferry assess}
 * reports the same failure in the same words.
 */
class ReplicaIdentityIT extends EmbeddedPostgresTest {

    @Test
    @DisplayName("when the replica identity index holds every primary-key column, then deletes and updates, key changes "
            + "included, converge")
    void identityIndexCoveringTheKey() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE u (id int PRIMARY KEY, e text NOT NULL, v text)",
                    "CREATE UNIQUE INDEX u_ident ON u (e, id)", "ALTER TABLE u REPLICA IDENTITY USING INDEX u_ident",
                    "INSERT INTO u SELECT g, 'e' || g, 'v' || g FROM generate_series(0, 9) g");
        }
        try (FerryTask task = Ferry.task("covered").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "DELETE FROM u WHERE id = 2", "UPDATE u SET v = 'changed' WHERE id = 3",
                        "UPDATE u SET e = 'moved' WHERE id = 4", "UPDATE u SET id = 50 WHERE id = 5",
                        "UPDATE u SET id = 60, e = 'both' WHERE id = 6", "INSERT INTO u VALUES (100, 'e100', 'new')");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.u");
            assertThat(Tables.rows(t, "(SELECT id FROM u WHERE id IN (0, 2, 5, 50))")).containsExactly("(0)", "(50)");
        }
    }

    @Test
    @DisplayName("when the replica identity index leaves out a primary-key column, then CDC refuses to start naming the "
            + "table, the index and the fix, and assess says the same")
    void identityIndexWithoutTheKey() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE u (id int PRIMARY KEY, e text NOT NULL UNIQUE, v text)",
                    "ALTER TABLE u REPLICA IDENTITY USING INDEX u_e_key",
                    "INSERT INTO u SELECT g, 'e' || g, 'v' || g FROM generate_series(0, 3) g");
        }
        String expected = "public.u: REPLICA IDENTITY USING INDEX u_e_key (e) leaves out primary-key column id: PostgreSQL "
                + "sends only the index's columns of an old row, so an UPDATE or DELETE cannot be matched to its row on the "
                + "target; fix: ALTER TABLE public.u REPLICA IDENTITY DEFAULT (or FULL)";
        assertRefused(src, dst, "uncovered", expected);
        // the fix, and the task runs: the delete reaches the right row
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "ALTER TABLE public.u REPLICA IDENTITY DEFAULT");
        }
        try (FerryTask task = Ferry.task("uncovered").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "DELETE FROM u WHERE id = 2", "UPDATE u SET e = 'moved' WHERE id = 3");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.u");
        }
    }

    @Test
    @DisplayName("when the primary key is only an INCLUDE column of the replica identity index, then CDC refuses to start: "
            + "PostgreSQL does not send INCLUDE columns")
    void identityIndexIncludingTheKey() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE w (id int PRIMARY KEY, e text NOT NULL, v text)",
                    "CREATE UNIQUE INDEX w_e ON w (e) INCLUDE (id)", "ALTER TABLE w REPLICA IDENTITY USING INDEX w_e");
        }
        assertRefused(src, dst, "included", "public.w: REPLICA IDENTITY USING INDEX w_e (e) leaves out primary-key column id: "
                + "PostgreSQL sends only the index's columns of an old row, so an UPDATE or DELETE cannot be matched to its "
                + "row on the target; fix: ALTER TABLE public.w REPLICA IDENTITY DEFAULT (or FULL)");
    }

    @Test
    @DisplayName("when a keyless table's replica identity is an index, then CDC refuses to start with FULL or the index "
            + "as primary key for fix")
    void keylessTableWithIdentityIndex() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE k (e text NOT NULL UNIQUE, v text)", "ALTER TABLE k REPLICA IDENTITY USING INDEX k_e_key",
                    "INSERT INTO k VALUES ('a', 'x'), ('b', 'y')");
        }
        assertRefused(src, dst, "keylessindex", "public.k: no primary key, and REPLICA IDENTITY USING INDEX k_e_key (e): "
                + "PostgreSQL sends only the index's columns of an old row, and a row of a table without a primary key is "
                + "matched on all its columns; fix: ALTER TABLE public.k REPLICA IDENTITY FULL, or give the table a primary "
                + "key on the index's columns: ALTER TABLE public.k ADD PRIMARY KEY (e)");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "ALTER TABLE public.k ADD PRIMARY KEY (e)");
        }
        try (FerryTask task = Ferry.task("keylessindex").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "DELETE FROM k WHERE e = 'a'", "UPDATE k SET v = 'z' WHERE e = 'b'", "INSERT INTO k VALUES ('c', 'w')");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.k");
        }
    }

    private static final String DEFERRABLE_FIX = "fix: make the key NOT DEFERRABLE (ALTER TABLE public.d DROP CONSTRAINT "
            + "d_pkey, ADD CONSTRAINT d_pkey PRIMARY KEY (id)), or exclude the table from the table mappings";

    @Test
    @DisplayName("when the primary key is deferrable, then CDC refuses to start with the fix, and the application's "
            + "UPDATE on the source still works")
    void deferrableKey() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE d (id int PRIMARY KEY DEFERRABLE, v text)", "INSERT INTO d VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        }
        assertRefused(src, dst, "deferrable", "public.d: primary key d_pkey is DEFERRABLE, which PostgreSQL cannot use as "
                + "replica identity: in a publication, it refuses UPDATE and DELETE on the table, which would break the "
                + "application; " + DEFERRABLE_FIX);
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "UPDATE d SET id = id + 1", "DELETE FROM d WHERE id = 4");
            assertThat(Tables.rows(c, "d")).containsExactly("(2,a)", "(3,b)");
        }
    }

    @Test
    @DisplayName("when the primary key is deferrable and the identity FULL, then CDC refuses to start too (a key shifted "
            + "over its neighbours would lose rows), and runs once the key is made NOT DEFERRABLE as the fix says")
    void deferrableKeyUnderFullIdentity() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE d (id int PRIMARY KEY DEFERRABLE, v text)", "ALTER TABLE d REPLICA IDENTITY FULL",
                    "INSERT INTO d VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        }
        assertRefused(src, dst, "deferrablefull", "public.d: primary key d_pkey is DEFERRABLE: within a transaction two rows "
                + "can hold the same key for a while (UPDATE ... SET id = id + 1), and Ferry, which applies the net change "
                + "per key, would lose one of them; " + DEFERRABLE_FIX);
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "ALTER TABLE public.d DROP CONSTRAINT d_pkey, ADD CONSTRAINT d_pkey PRIMARY KEY (id)");
        }
        try (FerryTask task = Ferry.task("deferrablefull").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE d SET id = -id", "UPDATE d SET v = 'x' WHERE id = -2", "INSERT INTO d VALUES (1, 'new')");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.d");
        }
    }

    @Test
    @DisplayName("when a keyed table has REPLICA IDENTITY NOTHING, then CDC refuses to start with the fix, and the "
            + "application's UPDATE on the source still works")
    void identityNothing() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE n (id int PRIMARY KEY, v text)", "ALTER TABLE n REPLICA IDENTITY NOTHING",
                    "INSERT INTO n VALUES (1, 'a')");
        }
        assertRefused(src, dst, "nothing", "public.n: REPLICA IDENTITY NOTHING: in a publication, PostgreSQL refuses UPDATE "
                + "and DELETE on it, which would break the application; fix: ALTER TABLE public.n REPLICA IDENTITY DEFAULT, "
                + "or exclude the table from the table mappings");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "UPDATE n SET v = 'b'");
            assertThat(Tables.rows(c, "n")).containsExactly("(1,b)");
        }
    }

    /**
     * Starts a task that must refuse with exactly {@code expected} (all the task's tables but the
     * one at fault pass), checks that {@code ferry assess} fails in the same words and that no
     * publication was left on the source.
     */
    static void assertRefused(String src, String dst, String taskName, String expected) throws Exception {
        try (FerryTask task = Ferry.task(taskName).source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            FerryException refused = catchThrowableOfType(() -> task.awaitFullLoad(Duration.ofSeconds(60)), FerryException.class);
            assertThat(refused).as("the task refused to start").isNotNull();
            assertThat(refused.getMessage()).isEqualTo("task " + taskName + " failed: " + expected);
        }
        Assessment assessed = Ferry.assess(server.endpoint(src), TableMappings.includeAll(), MigrationType.FULL_LOAD_AND_CDC);
        assertThat(assessed.failureMessage()).isEqualTo(expected);
        try (Connection c = server.connect(src)) {
            assertThat(Tables.count(c, "pg_publication")).as("no publication is left on the source").isZero();
        }
    }
}
