package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unique constraints that the user added on the target beside the primary key (the docs invite
 * secondary indexes). The net change per key can break them where the source's own order did not
 * (two emails swapped through a temporary value become two upserts, the first meeting the second's
 * old email); Ferry applies such tables in source order, so the target passes through the states the
 * source did.
 */
class TargetUniqueIndexIT extends EmbeddedPostgresTest {

    private static final String BIG_BIO = "repeat(md5(?::text), 4000)"; // 128 kB: TOASTed, not sent when unchanged

    @Test
    @DisplayName("when two emails are swapped through a temporary value under a unique index the user added on the target "
            + "during CDC, then the swap applies and the task stays healthy")
    void swapThroughTemporaryValue() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL UNIQUE, bio text)",
                    "INSERT INTO people VALUES (1, 'a', repeat(md5('1'), 4000)), (2, 'b', 'short')");
        }
        try (FerryTask task = Ferry.task("swap").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                // a first change applied before the index exists: the table is known to the applier without it
                Tables.exec(s, "INSERT INTO people VALUES (3, 'c', 'short')");
                assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
                Tables.exec(t, "CREATE UNIQUE INDEX people_email ON people (email)");
                s.setAutoCommit(false);
                Tables.exec(s, "UPDATE people SET email = 'tmp' WHERE id = 1", "UPDATE people SET email = 'a' WHERE id = 2",
                        "UPDATE people SET email = 'b' WHERE id = 1");
                s.commit();
            }
            assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.RUNNING);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "(SELECT id, email, md5(bio) FROM people)");
            assertThat(Tables.rows(t, "(SELECT id, email FROM people)")).containsExactly("(1,b)", "(2,a)", "(3,c)");
        }
    }

    @Test
    @DisplayName("when the source swaps two emails in one statement (its constraint is checked per statement, as a "
            + "DEFERRABLE one or SQL Server's are), then the batch applies as its net change with the touched rows "
            + "deleted first, and the task stays healthy")
    void swapInOneStatement() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL, bio text, "
                            + "CONSTRAINT people_email UNIQUE (email) DEFERRABLE)",
                    "INSERT INTO people VALUES (1, 'a', repeat(md5('1'), 4000)), (2, 'b', 'short'), (3, 'c', 'short')");
        }
        try (FerryTask task = Ferry.task("swap1").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.exec(t, "CREATE UNIQUE INDEX people_email ON people (email)");
                Tables.exec(s, "UPDATE people SET email = CASE id WHEN 1 THEN 'b' ELSE 'a' END WHERE id IN (1, 2)");
                Tables.exec(s, "UPDATE people SET email = 'd' WHERE id = 3");
            }
            assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.RUNNING);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "(SELECT id, email, md5(bio) FROM people)");
            assertThat(Tables.rows(t, "(SELECT id, email FROM people)")).containsExactly("(1,b)", "(2,a)", "(3,d)");
        }
    }

    @Test
    @DisplayName("when the source allows what a unique index on the target forbids, then the task stops naming the table, "
            + "the index and the fix")
    void sourceBreaksTheTargetsIndex() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL)",
                    "INSERT INTO people VALUES (1, 'a'), (2, 'b')");
        }
        try (FerryTask task = Ferry.task("dupe").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.exec(t, "CREATE UNIQUE INDEX people_email ON people (email)");
                Tables.exec(s, "UPDATE people SET email = 'a' WHERE id = 2");
            }
            assertThat(task.awaitFinished(Duration.ofMinutes(1))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).startsWith("applying changes to public.people failed (target postgres at "
                    + "localhost:" + server.port() + "/" + dst + " as 'postgres'): duplicate key value violates unique "
                    + "constraint \"people_email\"; the source's changes break this constraint of the target in the order "
                    + "the source made them and at the end of the batch: the source allows what it forbids. Drop it on the "
                    + "target, or create the same constraint on the source");
        }
        try (Connection t = server.connect(dst)) {
            assertThat(Tables.rows(t, "(SELECT id, email FROM people)")).containsExactly("(1,a)", "(2,b)");
        }
    }

    @Test
    @DisplayName("when random swaps, moves, key changes, deletes and inserts run in transactions under unique indexes, "
            + "constraints, an exclusion constraint, a partial index and a deferred constraint on the target, then "
            + "every table converges and the task stays healthy")
    void randomSwapsInTransactions() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL UNIQUE, bio text)",
                    "INSERT INTO people SELECT g, 'e' || g, CASE WHEN g % 3 = 0 THEN repeat(md5(g::text), 4000) ELSE 'short' END "
                            + "FROM generate_series(1, 60) g",
                    "CREATE TABLE slots (id int PRIMARY KEY, code text UNIQUE, pos int, EXCLUDE USING btree (pos WITH =))",
                    "ALTER TABLE slots REPLICA IDENTITY FULL",
                    "INSERT INTO slots SELECT g, 'c' || g, g FROM generate_series(1, 40) g",
                    "CREATE TABLE tickets (id int PRIMARY KEY, seat int NOT NULL, holder text)",
                    "CREATE UNIQUE INDEX tickets_seat ON tickets (seat) WHERE holder IS NOT NULL",
                    "INSERT INTO tickets SELECT g, g, CASE WHEN g % 4 = 0 THEN NULL ELSE 'h' || g END FROM generate_series(1, 40) g",
                    "CREATE TABLE queue (id int PRIMARY KEY, rank int NOT NULL UNIQUE)",
                    "INSERT INTO queue SELECT g, g FROM generate_series(1, 30) g");
        }
        try (FerryTask task = Ferry.task("swaps").source(server.sourceEndpoint(src, 40)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection t = server.connect(dst)) {
                Tables.exec(t, "CREATE UNIQUE INDEX people_email ON people (email)",
                        "ALTER TABLE slots ADD CONSTRAINT slots_code UNIQUE (code)",
                        "ALTER TABLE slots ADD CONSTRAINT slots_pos EXCLUDE USING btree (pos WITH =)",
                        "CREATE UNIQUE INDEX tickets_seat ON tickets (seat) WHERE holder IS NOT NULL",
                        // checked at the commit of each batch, which ends where the source's order had it valid
                        "ALTER TABLE queue ADD CONSTRAINT queue_rank UNIQUE (rank) DEFERRABLE INITIALLY DEFERRED");
            }
            try (Connection s = server.connect(src)) {
                new Writer(s, new Random(8)).run(400);
            }
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.RUNNING);
            assertThat(task.status().cdcBatches()).as("the changes spread over many batches").isGreaterThan(10);
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "(SELECT id, email, md5(bio) FROM people)");
            Tables.assertSameRows(s, t, "slots");
            Tables.assertSameRows(s, t, "tickets");
            Tables.assertSameRows(s, t, "queue");
        }
    }

    /**
     * One writer of small transactions that keep every constraint at every statement: swaps and
     * rotations through temporary values, moves of a value from a deleted row to a new one, key
     * changes whose old key is taken again. Seeded: the same seed gives the same statements.
     */
    private static final class Writer {
        final Connection c;
        final Random random;
        int fresh = 1_000_000;

        Writer(Connection c, Random random) {
            this.c = c;
            this.random = random;
        }

        void run(int transactions) throws SQLException {
            c.setAutoCommit(false);
            for (int i = 0; i < transactions; i++) {
                int ops = 1 + random.nextInt(4);
                for (int o = 0; o < ops; o++) {
                    step(random.nextInt(11));
                }
                c.commit();
            }
        }

        private void step(int kind) throws SQLException {
            switch (kind) {
                case 0 -> swap("people", "email", "'tmp" + (++fresh) + "'");
                case 1 -> rotate("people", "email", "'tmp" + (++fresh) + "'");
                case 2 -> insertPerson(++fresh, "e" + fresh);
                case 3 -> {
                    // the email of a deleted person goes to a new one, in the same transaction
                    Object[] p = pick("SELECT id, email FROM people ORDER BY id");
                    if (p != null) {
                        update("DELETE FROM people WHERE id = ?", p[0]);
                        insertPerson(++fresh, (String) p[1]);
                    }
                }
                case 4 -> {
                    Object[] p = pick("SELECT id FROM people ORDER BY id");
                    if (p != null) {
                        update("UPDATE people SET email = ? WHERE id = ?", "e" + (++fresh), p[0]);
                    }
                }
                case 5 -> swap("slots", "code", "'tmp" + (++fresh) + "'");
                case 6 -> swap("slots", "pos", String.valueOf(-(++fresh)));
                case 7 -> {
                    // a key change, and the old key taken again by a new row
                    Object[] slot = pick("SELECT id FROM slots ORDER BY id");
                    if (slot != null) {
                        update("UPDATE slots SET id = ? WHERE id = ?", ++fresh, slot[0]);
                        update("INSERT INTO slots VALUES (?, ?, ?)", slot[0], "c" + (++fresh), fresh);
                    }
                }
                case 8 -> swap("tickets", "seat", String.valueOf(++fresh), "holder IS NOT NULL");
                case 9 -> {
                    // a held seat is released and taken by another holder
                    Object[] from = pick("SELECT id, seat FROM tickets WHERE holder IS NOT NULL ORDER BY id");
                    Object[] to = pick("SELECT id FROM tickets WHERE holder IS NOT NULL ORDER BY id");
                    if (from != null && to != null && !from[0].equals(to[0])) {
                        update("UPDATE tickets SET holder = NULL WHERE id = ?", from[0]);
                        update("UPDATE tickets SET seat = ? WHERE id = ?", from[1], to[0]);
                        update("UPDATE tickets SET holder = ?, seat = ? WHERE id = ?", "h" + (++fresh), ++fresh, from[0]);
                    }
                }
                default -> swap("queue", "rank", String.valueOf(-(++fresh)));
            }
        }

        private void insertPerson(int id, String email) throws SQLException {
            if (random.nextInt(3) == 0) {
                update("INSERT INTO people VALUES (?, ?, " + BIG_BIO + ")", id, email, id);
            } else {
                update("INSERT INTO people VALUES (?, ?, 'short')", id, email);
            }
        }

        private void swap(String table, String column, String temporary) throws SQLException {
            swap(table, column, temporary, "true");
        }

        /** Swaps {@code column} of two rows through {@code temporary}, as an application must under a unique index. */
        private void swap(String table, String column, String temporary, String where) throws SQLException {
            Object[] a = pick("SELECT id, " + column + " FROM " + table + " WHERE " + where + " ORDER BY id");
            Object[] b = pick("SELECT id, " + column + " FROM " + table + " WHERE " + where + " ORDER BY id");
            if (a == null || b == null || a[0].equals(b[0])) {
                return;
            }
            update("UPDATE " + table + " SET " + column + " = " + temporary + " WHERE id = ?", a[0]);
            update("UPDATE " + table + " SET " + column + " = ? WHERE id = ?", a[1], b[0]);
            update("UPDATE " + table + " SET " + column + " = ? WHERE id = ?", b[1], a[0]);
        }

        /** Three values go round through {@code temporary}: x takes a's, b takes x's, a takes b's. */
        private void rotate(String table, String column, String temporary) throws SQLException {
            List<Object[]> rows = all("SELECT id, " + column + " FROM " + table + " ORDER BY id");
            if (rows.size() < 3) {
                return;
            }
            Object[] a = rows.remove(random.nextInt(rows.size()));
            Object[] b = rows.remove(random.nextInt(rows.size()));
            Object[] x = rows.remove(random.nextInt(rows.size()));
            update("UPDATE " + table + " SET " + column + " = " + temporary + " WHERE id = ?", a[0]);
            update("UPDATE " + table + " SET " + column + " = ? WHERE id = ?", a[1], x[0]);
            update("UPDATE " + table + " SET " + column + " = ? WHERE id = ?", x[1], b[0]);
            update("UPDATE " + table + " SET " + column + " = ? WHERE id = ?", b[1], a[0]);
        }

        private Object[] pick(String sql) throws SQLException {
            List<Object[]> rows = all(sql);
            return rows.isEmpty() ? null : rows.get(random.nextInt(rows.size()));
        }

        private List<Object[]> all(String sql) throws SQLException {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }

        private void update(String sql, Object... params) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                ps.executeUpdate();
            }
        }
    }
}
