package dev.ferry.postgres;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.Ferry;
import dev.ferry.core.settings.CdcStart;
import dev.ferry.core.settings.CdcStop;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DMS's CdcStartPosition and CdcStopPosition on a PostgreSQL source, through Ferry.task. */
class CdcStartStopIT extends EmbeddedPostgresTest {

    private static final String GROUP_1 = "INSERT INTO t SELECT g, 'one' FROM generate_series(6, 10) g; "
            + "UPDATE t SET v = 'one' WHERE id = 1; DELETE FROM t WHERE id = 2";
    private static final String GROUP_2 = "INSERT INTO t SELECT g, 'two' FROM generate_series(11, 15) g; "
            + "UPDATE t SET v = 'two' WHERE id IN (3, 6); DELETE FROM t WHERE id IN (4, 7)";

    private static FerryTask.Builder task(String name, String src, String dst) {
        return Ferry.task(name).source(server.endpoint(src)).target(server.endpoint(dst));
    }

    /** A source and target in step through task {@code name}, which is stopped again: its CDC resumes on the next start. */
    private static void loadedAndStopped(String name, String src, String dst) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'zero' FROM generate_series(1, 5) g");
        }
        try (FerryTask t = task(name, src, dst).build()) {
            t.start();
            assertThat(t.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(t.status().error())).isTrue();
        }
    }

    /** The source's clock now, to the millisecond, once its clock has moved past it (so later commits are later). */
    private static Instant sourceNowPassed(Connection c) throws Exception {
        Instant now = sourceClock(c);
        Instant truncated = Instant.ofEpochMilli(now.toEpochMilli());
        while (!sourceClock(c).isAfter(truncated.plusMillis(2))) {
            Thread.onSpinWait(); // a condition on the source's clock, a few milliseconds at most
        }
        return truncated;
    }

    private static Instant sourceClock(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    @Test
    @DisplayName("when CdcStopPosition is commit_time between two groups of changes, then the first group is applied, not the "
            + "second, the task stops; started again without it, it goes on and converges")
    void commitTimeStop() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        loadedAndStopped("stopat", src, dst);
        List<String> afterGroup1;
        Instant stopAt;
        try (Connection c = server.connect(src)) {
            Tables.exec(c, GROUP_1);
            afterGroup1 = Tables.rows(c, "t");
            stopAt = sourceNowPassed(c);
            Tables.exec(c, GROUP_2);
        }
        try (FerryTask t = task("stopat", src, dst).cdcStopPosition("commit_time:" + stopAt).build()) {
            t.start();
            assertThat(t.awaitFinished(Duration.ofSeconds(60))).as("the task stops by itself").isTrue();
            assertThat(t.status().state()).as(String.valueOf(t.status().error())).isEqualTo(TaskState.STOPPED);
        }
        try (Connection c = server.connect(dst)) {
            assertThat(Tables.rows(c, "t")).as("group 1 applied, group 2 not").isEqualTo(afterGroup1);
        }
        try (FerryTask t = task("stopat", src, dst).build()) {
            t.start();
            assertThat(t.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(t.status().error())).isTrue();
        }
        try (Connection s = server.connect(src); Connection d = server.connect(dst)) {
            Tables.assertSameRows(s, d, "t");
            assertThat(Tables.rows(d, "t")).contains("(11,two)", "(3,two)").doesNotContain("(4,zero)");
        }
    }

    @Test
    @DisplayName("when CdcStopPosition is server_time and nothing changes after it, then the task stops once the source's clock "
            + "passed it, with every change before it applied")
    void serverTimeStopOnAQuietSource() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        loadedAndStopped("quiet", src, dst);
        Instant stopAt;
        try (Connection c = server.connect(src)) {
            Tables.exec(c, GROUP_1);
            stopAt = sourceNowPassed(c);
        }
        try (FerryTask t = task("quiet", src, dst).cdcStop(new CdcStop(CdcStop.Mode.SERVER_TIME, stopAt)).build()) {
            t.start();
            assertThat(t.awaitFinished(Duration.ofSeconds(60))).as("the task stops by itself").isTrue();
            assertThat(t.status().state()).as(String.valueOf(t.status().error())).isEqualTo(TaskState.STOPPED);
        }
        try (Connection s = server.connect(src); Connection d = server.connect(dst)) {
            Tables.assertSameRows(s, d, "t");
        }
    }

    @Test
    @DisplayName("when a CDC-only task starts at an LSN of an existing slot, then only the changes committed from there on are applied")
    void lsnStart() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        String lsn;
        List<String> group2Only;
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'zero' FROM generate_series(1, 5) g",
                    "CREATE PUBLICATION my_pub FOR TABLE t", "SELECT pg_create_logical_replication_slot('" + src + "', 'pgoutput')",
                    GROUP_1);
            // the WAL written so far (pg_current_wal_lsn() is the WAL handed to the kernel, which lags under synchronous_commit off)
            lsn = text(c, "SELECT pg_current_wal_insert_lsn()::text");
            Tables.exec(c, GROUP_2);
        }
        try (FerryTask t = Ferry.task("fromlsn").source(withSlot(server.endpoint(src), src)).target(server.endpoint(dst))
                .migrationType(MigrationType.CDC).cdcStartPosition(lsn).build()) {
            t.start();
            assertThat(t.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(t.status().error())).isTrue();
        }
        try (Connection c = server.connect(dst)) {
            // the target started empty: group 2's inserts and its updates (upserts of rows it lacks); group 1 never came
            assertThat(Tables.rows(c, "t")).containsExactlyInAnyOrder("(3,two)", "(6,two)", "(11,two)", "(12,two)", "(13,two)",
                    "(14,two)", "(15,two)");
        }
    }

    @Test
    @DisplayName("when a PostgreSQL task is given a CDC start time, then it is refused: PostgreSQL cannot map a time to a WAL position")
    void timeStartRefused() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)");
        }
        try (FerryTask t = task("attime", src, dst).migrationType(MigrationType.CDC).cdcStartPosition("2018-03-08T12:12:12").build()) {
            t.start();
            assertThat(t.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(t.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(t.status().error()).startsWith("PostgreSQL cannot start change capture at a time (time 2018-03-08T12:12:12Z): "
                    + "logical decoding has no map from commit times to WAL positions, which is why AWS DMS does not offer a CDC "
                    + "start time for PostgreSQL either. Give a WAL position (LSN) of replication slot ferry_attime as "
                    + "CdcStartPosition, such as the pg_current_wal_insert_lsn() of the moment the target held the source's data, or no start");
        }
    }

    @Test
    @DisplayName("when the LSN lies before what the slot confirmed, then the start is refused with the slot's position")
    void lsnBeforeTheSlotRefused() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        String confirmed;
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "CREATE PUBLICATION my_pub FOR TABLE t",
                    "SELECT pg_create_logical_replication_slot('" + src + "', 'pgoutput')");
            confirmed = text(c, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + src + "'");
        }
        try (FerryTask t = Ferry.task("early").source(withSlot(server.endpoint(src), src)).target(server.endpoint(dst))
                .migrationType(MigrationType.CDC).cdcStartPosition("0/10").build()) {
            t.start();
            assertThat(t.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(t.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(t.status().error()).startsWith("CdcStartPosition 0/10 lies before " + confirmed + ", the position replication "
                    + "slot " + src + " has confirmed, and a logical slot cannot go back: the changes from 0/10 to " + confirmed
                    + " are no longer kept. Give a position at or after " + confirmed + ", or reload the task with a full load");
        }
    }

    @Test
    @DisplayName("when a full-load-and-cdc task is given a CDC start, then it is refused before it runs")
    void startNeedsCdcOnly() {
        assertThatThrownBy(() -> task("both", "a", "b").cdcStart(CdcStart.atPosition("0/16B3748")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CdcStartPosition/CdcStartTime (position 0/16B3748) apply to a CDC-only task (migrationType cdc), "
                        + "as in DMS; a full-load-and-cdc task starts its CDC where its full load begins: remove the start, or make "
                        + "the task CDC-only");
    }

    /** The endpoint with a slot and publication the user made (slot names are per server: the database's name). */
    private static EndpointConfig withSlot(EndpointConfig e, String slot) {
        Map<String, String> settings = new HashMap<>(e.settings());
        settings.put("slotName", slot);
        settings.put("publicationName", "my_pub");
        return new EndpointConfig(e.type(), settings);
    }

    private static String text(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
