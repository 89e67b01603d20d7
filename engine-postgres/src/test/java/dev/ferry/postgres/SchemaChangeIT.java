package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema changes are not replicated: a change of a table's columns during CDC stops the task naming
 * the table and what changed, before any row in the new shape reaches the target. Changes that keep
 * the columns and their types (a constraint, NOT NULL) go on.
 */
class SchemaChangeIT extends EmbeddedPostgresTest {

    private static FerryTask startInSync(String name, String src, String dst) throws Exception {
        FerryTask task = Ferry.task(name).source(server.endpoint(src)).target(server.endpoint(dst)).build();
        task.start();
        assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
        return task;
    }

    @Test
    @DisplayName("when a column is dropped and added again during CDC, then the task stops naming the table and the "
            + "column, and no row is written into the wrong column")
    void dropAndAddColumnStops() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE s (id int PRIMARY KEY, a int, b int)", "INSERT INTO s VALUES (1, 10, 100), (2, 20, 200)");
        }
        try (FerryTask task = startInSync("dropadd", src, dst); Connection s = server.connect(src); Connection t = server.connect(dst)) {
            // changes that keep the columns and their types are no reason to stop
            Tables.exec(s, "ALTER TABLE s ALTER COLUMN a SET NOT NULL", "ALTER TABLE s ADD CONSTRAINT b_positive CHECK (b > 0)",
                    "UPDATE s SET b = 101 WHERE id = 1");
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
            Tables.assertSameRows(s, t, "public.s");

            Tables.exec(s, "ALTER TABLE s DROP COLUMN a", "ALTER TABLE s ADD COLUMN a int", "INSERT INTO s (id, a, b) VALUES (3, 30, 300)");
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).contains("table public.s changed on the source")
                    .contains("the columns now come as (id, b, a) where the task replicates (id, a, b)")
                    .contains("schema changes are not replicated yet")
                    .contains("ferry run --reload");
            assertThat(Tables.rows(t, "public.s")).containsExactly("(1,10,101)", "(2,20,200)");
        }
    }

    @Test
    @DisplayName("when a column changes type during CDC, then the task stops naming the table and the column, and the "
            + "value is not cut to the old type")
    void typeChangeStops() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE s (id int PRIMARY KEY, b int)", "INSERT INTO s VALUES (1, 100)");
        }
        try (FerryTask task = startInSync("retype", src, dst); Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.exec(s, "ALTER TABLE s ALTER COLUMN b TYPE bigint", "UPDATE s SET b = 5000000000 WHERE id = 1");
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).contains("table public.s changed on the source")
                    .contains("column b (integer) now arrives as int64")
                    .contains("ferry run --reload");
            assertThat(Tables.rows(t, "public.s")).containsExactly("(1,100)");
        }
    }
}
