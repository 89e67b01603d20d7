package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table without a primary key applies each update and delete by removing one target row equal to
 * the old row: every column's value must survive the trip and compare equal to what the target holds.
 */
class KeylessMatchIT extends EmbeddedPostgresTest {

    @Test
    @DisplayName("when keyless rows with char(n), varchar(n), numeric(p,s) and timestamp(p) change, then inserts keep the "
            + "whole value and updates and deletes find their row")
    void typeModifiersSurviveTheKeylessPath() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE k (code char(5), name varchar(10), amount numeric(10,2), at timestamp(0), tags char(2)[])",
                    "ALTER TABLE k REPLICA IDENTITY FULL",
                    "INSERT INTO k VALUES ('ab', 'x', 1.5, '2024-01-02 03:04:05', '{a,bc}'), ('cd', 'y', 2, NULL, NULL)");
        }
        try (FerryTask task = Ferry.task("charn").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.exec(s, "INSERT INTO k VALUES ('abcde', 'z', 3.25, '2024-05-06 07:08:09', '{x}')",
                        "UPDATE k SET name = 'x2' WHERE code = 'ab'",
                        "DELETE FROM k WHERE code = 'cd'",
                        "UPDATE k SET amount = 4 WHERE code = 'abcde'");
                assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
                Tables.assertSameRows(s, t, "public.k");
                assertThat(Tables.rows(t, "(SELECT code FROM k)")).containsExactly("(\"ab   \")", "(abcde)");
            }
        }
    }

    @Test
    @DisplayName("when keyless rows with timetz change, then updates and deletes find their row although the old row "
            + "arrives normalised to UTC")
    void timetzMatchesByInstant() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE tz (at timetz, note text)", "ALTER TABLE tz REPLICA IDENTITY FULL",
                    "INSERT INTO tz VALUES ('10:00:00+05:30', 'a'), ('23:30:00-02', 'b'), ('12:00:00+00', 'untouched')");
        }
        try (FerryTask task = Ferry.task("timetz").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                // the full load keeps the offset as written
                assertThat(Tables.rows(t, "(SELECT at FROM tz WHERE note = 'a')")).containsExactly("(10:00:00+05:30)");
                Tables.exec(s, "UPDATE tz SET note = 'a2' WHERE note = 'a'",
                        "DELETE FROM tz WHERE note = 'b'",
                        "INSERT INTO tz VALUES ('01:00:00+03', 'c')",
                        "UPDATE tz SET note = 'c2' WHERE note = 'c'");
                assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
                Tables.assertSameRows(s, t, "(SELECT at AT TIME ZONE 'UTC', note FROM tz)");
                // what CDC writes is the same instant at offset +00: Debezium sends no offset
                assertThat(Tables.rows(t, "(SELECT at FROM tz WHERE note = 'a2')")).containsExactly("(04:30:00+00)");
            }
        }
    }
}
