package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TableStats;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** TargetMetadata's LOB settings on real databases: limited LOB mode on the full load and on CDC, SupportLobs false. */
class LobSettingsIT extends EmbeddedPostgresTest {

    /** Limited LOB mode at 1 KB: a text (an NCLOB for DMS) keeps 512 UTF-16 units, a bytea (a BLOB) 1024 bytes. */
    private static final String LIMITED_1KB = """
            {"TargetMetadata": {"SupportLobs": true, "FullLobMode": false, "LimitedSizeLobMode": true, "LobMaxSize": 1}}""";

    private static TableStats stats(FerryTask task, String table) {
        return task.status().tables().stream().filter(t -> t.table().name().equals(table)).findFirst().orElseThrow();
    }

    /** The rows as limited LOB mode leaves them: text to 512 characters (all BMP here), bytea to 1024 bytes. */
    private static final String EXPECTED = "(SELECT id, left(body, 512) AS body, substring(data from 1 for 1024) AS data, title, doc "
            + "FROM docs WHERE id <> 3)";

    @Test
    @DisplayName("when LOBs are longer than LobMaxSize in limited LOB mode, then text and bytea are cut to it on the full "
            + "load and on CDC, at a character boundary, and each cut is counted in the table's statistics")
    void limitedLobModeTruncates() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE docs (id int PRIMARY KEY, body text, data bytea, title varchar(600), doc jsonb)",
                    // 1: both LOBs over the limit; the bounded varchar(600) is no LOB and stays whole
                    "INSERT INTO docs VALUES (1, repeat('a', 2000), decode(repeat('ab', 3000), 'hex'), repeat('t', 600), "
                            + "'{\"k\": 1}')",
                    // 2: all under the limit
                    "INSERT INTO docs VALUES (2, 'short', '\\x0102', 'two', NULL)",
                    // 3: a surrogate pair (U+1F600) where the 512th UTF-16 unit falls: the pair is not split
                    "INSERT INTO docs VALUES (3, repeat('x', 511) || U&'\\+01F600' || 'tail', NULL, 'three', NULL)",
                    // 4: exactly at the limit: not cut
                    "INSERT INTO docs VALUES (4, repeat('e', 512), decode(repeat('cd', 1024), 'hex'), 'four', NULL)");
        }
        TaskSettings settings = TaskSettings.parse(LIMITED_1KB, "limited.json");
        try (FerryTask task = Ferry.task("lobs").source(server.endpoint(src)).target(server.endpoint(dst)).settings(settings)
                .build()) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).as("%s", task.status().error()).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                assertThat(Tables.rows(t, "(SELECT * FROM docs WHERE id <> 3)")).isEqualTo(Tables.rows(s, EXPECTED));
                assertThat(Tables.rows(t, "(SELECT length(body), body = repeat('x', 511) FROM docs WHERE id = 3)"))
                        .containsExactly("(511,t)");
            }
            assertThat(stats(task, "docs").lobTruncations()).as("row 1: body and data; row 3: body").isEqualTo(3);

            try (Connection c = server.connect(src)) {
                Tables.exec(c,
                        "INSERT INTO docs VALUES (5, repeat('b', 5000), decode(repeat('ef', 4096), 'hex'), 'five', NULL)",
                        "UPDATE docs SET body = repeat('c', 700) WHERE id = 2",
                        "UPDATE docs SET title = 'four, changed' WHERE id = 4",
                        "DELETE FROM docs WHERE id = 3");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).as("%s", task.status().error()).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                assertThat(Tables.rows(t, "docs")).isEqualTo(Tables.rows(s, EXPECTED));
                assertThat(Tables.rows(t, "(SELECT id, length(body), length(data) FROM docs ORDER BY id)"))
                        .containsExactly("(1,512,1024)", "(2,512,2)", "(4,512,1024)", "(5,512,1024)");
            }
            TableStats docs = stats(task, "docs");
            assertThat(docs.lobTruncations()).as("the full load's 3, then row 5's body and data and row 2's body").isEqualTo(6);
            assertThat(new long[]{docs.inserts(), docs.updates(), docs.deletes()}).containsExactly(1, 2, 1);
        }
    }

    @Test
    @DisplayName("when a jsonb value is longer than LobMaxSize, then the table fails naming the column and the fix, "
            + "instead of writing a cut, invalid document")
    void jsonOverTheLimitIsRefused() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE j (id int PRIMARY KEY, doc jsonb)",
                    "INSERT INTO j SELECT 1, jsonb_agg(g) FROM generate_series(1, 1000) g");
        }
        try (FerryTask task = Ferry.task("json").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD).settings(TaskSettings.parse(LIMITED_1KB, "limited.json")).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).contains("table public.j, column doc: a json value is longer than LobMaxSize "
                    + "(1 KB), and a cut one is no valid json for the target; raise TargetMetadata.LobMaxSize, use FullLobMode, "
                    + "or remove the column with a transformation rule");
        }
        try (Connection t = server.connect(dst)) {
            assertThat(Tables.count(t, "j")).as("nothing of the table is committed").isZero();
        }
    }

    @Test
    @DisplayName("when SupportLobs is false, then a task selecting a table with LOB columns is refused before any data "
            + "moves, naming the columns and the remove-column rule; tables without LOBs move as usual")
    void supportLobsFalse() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE docs (id int PRIMARY KEY, body text, data bytea, title varchar(20))",
                    "INSERT INTO docs VALUES (1, 'b', '\\x01', 't')");
        }
        TaskSettings noLobs = TaskSettings.parse("{\"TargetMetadata\": {\"SupportLobs\": false}}", "nolobs.json");
        try (FerryTask task = Ferry.task("nolobs").source(server.endpoint(src)).target(server.endpoint(dst)).settings(noLobs)
                .build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).isEqualTo("TargetMetadata.SupportLobs is false, and DMS then leaves LOB columns "
                    + "out, but Ferry moves a column only when the table mappings keep it: remove the LOB column(s) "
                    + "public.docs.body (text), public.docs.data (bytea) with a transformation rule (rule-target column, "
                    + "rule-action remove-column), or set SupportLobs true (with FullLobMode, or LimitedSizeLobMode and LobMaxSize)");
        }
        try (Connection t = server.connect(dst)) {
            assertThat(Tables.rows(t, "(SELECT count(*) FROM pg_tables WHERE tablename = 'docs')"))
                    .as("no table created, no row moved").containsExactly("(0)");
        }
        String src2 = server.newDatabase("src");
        String dst2 = server.newDatabase("dst");
        try (Connection c = server.connect(src2)) {
            Tables.exec(c, "CREATE TABLE plain (id int PRIMARY KEY, title varchar(20))", "INSERT INTO plain VALUES (1, 't')");
        }
        try (FerryTask task = Ferry.task("nolobs").source(server.endpoint(src2)).target(server.endpoint(dst2))
                .migrationType(MigrationType.FULL_LOAD).settings(noLobs).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().state()).as("%s", task.status().error()).isEqualTo(TaskState.LOAD_COMPLETE);
        }
        try (Connection s = server.connect(src2); Connection t = server.connect(dst2)) {
            Tables.assertSameRows(s, t, "public.plain");
        }
    }
}
