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
 * A key change of a row whose large (TOASTed) value did not change: PostgreSQL does not send that
 * value. With REPLICA IDENTITY FULL the old row carries it and the moved row arrives whole; under
 * the default identity Ferry cannot know it and stops with the fix, rather than write a row without it.
 */
class ToastKeyChangeIT extends EmbeddedPostgresTest {

    private static void setUp(String src, boolean fullIdentity) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE doc (id int PRIMARY KEY, title text, body text)",
                    "INSERT INTO doc SELECT g, 't' || g, repeat(md5(g::text), 20000) FROM generate_series(1, 3) g");
            if (fullIdentity) {
                Tables.exec(c, "ALTER TABLE doc REPLICA IDENTITY FULL");
            }
        }
    }

    @Test
    @DisplayName("when the key changes under REPLICA IDENTITY FULL, then the moved row keeps its unchanged large value")
    void fullIdentityCarriesTheValue() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        setUp(src, true);
        try (FerryTask task = Ferry.task("toastfull").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE doc SET id = 100 WHERE id = 1", "UPDATE doc SET id = 200, title = 'moved' WHERE id = 2",
                        "UPDATE doc SET title = 'only the title' WHERE id = 3");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "(SELECT id, title, md5(body) FROM doc)");
        }
    }

    @Test
    @DisplayName("when the key changes under the default identity, then the task stops naming the table and the fix")
    void defaultIdentityStopsWithTheFix() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        setUp(src, false);
        try (FerryTask task = Ferry.task("toastdefault").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE doc SET id = 100 WHERE id = 1");
            }
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).contains("public.doc").contains("REPLICA IDENTITY FULL");
        }
        try (Connection t = server.connect(dst)) {
            // nothing of the move was applied: the old row is still there, whole
            assertThat(Tables.rows(t, "(SELECT id, length(body) FROM doc WHERE id = 1)")).containsExactly("(1,640000)");
        }
    }
}
