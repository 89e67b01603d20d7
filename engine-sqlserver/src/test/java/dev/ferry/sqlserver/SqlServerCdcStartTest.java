package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import io.debezium.connector.sqlserver.SqlServerOffsetContext;
import io.debezium.connector.sqlserver.SqlServerPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DMS's CdcStartPosition and CdcStartTime on a SQL Server source (MS-CDC): the position a CDC-only
 * task starts from, read back as Debezium's connector loads it ({@link SqlServerOffsetSeedTest}).
 * No SQL Server runs here: the SQL is checked against the documented signature of
 * {@code sys.fn_cdc_map_time_to_lsn}.
 */
class SqlServerCdcStartTest {

    private static final Map<String, Object> PARTITION = SqlServerCdcStream.partition("orders", "shop");

    /** What the connector of task {@code orders} loads when it starts from {@code position}. */
    private static SqlServerOffsetContext connectorStart(SqlServerPosition.Cdc position) {
        Properties engine = SqlServerOffsetSeedTest.seeded(position);
        SqlServerPartition partition = new SqlServerPartition(SqlServerCdcStream.prefix("orders"), "shop");
        try {
            return SqlServerOffsetSeedTest.connectorStart(engine, Set.of(partition)).get(partition);
        } finally {
            dev.ferry.debezium.SeededOffsetStore.release(engine);
        }
    }

    @Test
    @DisplayName("when a CDC-only task starts at an LSN, then the connector loads the LSN before it as done, so it reads from the "
            + "LSN on (fn_cdc_increment_lsn of a completed position)")
    void lsnStart() {
        SqlServerPosition.Cdc start = SqlServerPosition.Cdc.startingAt(SqlServerSource.startLsn("0000002a:00000c38:0003"), PARTITION);

        SqlServerOffsetContext loaded = connectorStart(start);

        assertThat(loaded.getChangePosition().getCommitLsn().toString()).isEqualTo("0000002a:00000c38:0002");
        // SqlServerStreamingChangeEventSource: a completed snapshot makes the first read start at incrementLsn(commit LSN)
        assertThat(loaded.isSnapshotCompleted()).isTrue();
        assertThat(start.describe()).isEqualTo(SqlServerPosition.Cdc.mark(Lsn.parse("0000002a:00000c38:0002"), PARTITION).describe());
    }

    @Test
    @DisplayName("when the LSN is given as sys.fn_cdc_get_max_lsn() shows it, then it is the same LSN")
    void hexForm() {
        assertThat(SqlServerSource.startLsn("0x0000002A00000C380003")).isEqualTo(Lsn.parse("0000002a:00000c38:0003"));
    }

    @Test
    @DisplayName("when an LSN's low bytes are zero, then the one before it borrows across them")
    void previousBorrows() {
        assertThat(Lsn.parse("0000002a:00000000:0000").previous()).isEqualTo(Lsn.parse("00000029:ffffffff:ffff"));
        assertThat(Lsn.parse("00000000:00000000:0001").previous().isZero()).isTrue();
        assertThatThrownBy(() -> Lsn.parse("00000000:00000000:0000").previous()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("when CdcStartPosition is not an LSN, or the zero LSN, then it is refused with the forms to use")
    void badLsn() {
        assertThatThrownBy(() -> SqlServerSource.startLsn("0/16B3748"))
                .isInstanceOf(SourceException.class)
                .hasMessage("CdcStartPosition '0/16B3748' is not a SQL Server LSN: give it as 0000002a:00000c38:0003 or as 20 hex digits "
                        + "(0x0000002A00000C380003, as sys.fn_cdc_get_max_lsn() shows it)");
        assertThatThrownBy(() -> SqlServerSource.startLsn("00000000:00000000:0000"))
                .isInstanceOf(SourceException.class)
                .hasMessage("CdcStartPosition '00000000:00000000:0000' is the zero LSN; give the LSN of the first change to capture");
    }

    @Test
    @DisplayName("when a CDC start time is mapped, then the SQL uses the documented form of fn_cdc_map_time_to_lsn on a datetime "
            + "of the server's local time")
    void timeSql() {
        // sys.fn_cdc_map_time_to_lsn ( '<relational_operator>', tracking_time ), relational_operator one of
        // largest less than | largest less than or equal | smallest greater than | smallest greater than or equal;
        // tracking_time is datetime, matched against cdc.lsn_time_mapping.tran_end_time; returns binary(10)
        assertThat(SqlServerSql.LSN_AT_TIME)
                .contains("sys.fn_cdc_map_time_to_lsn('smallest greater than or equal', t.server_time)")
                .contains("sys.fn_cdc_map_time_to_lsn('largest less than', t.server_time)")
                .contains("sys.fn_cdc_get_max_lsn()")
                .contains("CAST(SWITCHOFFSET(CAST(? AS datetimeoffset(3)), DATEPART(TZOFFSET, SYSDATETIMEOFFSET())) AS datetime)");
        assertThat(SqlServerSource.timeParameter(Instant.parse("2018-03-08T12:12:12Z"))).isEqualTo("2018-03-08T12:12:12.000+00:00");
    }

    @Test
    @DisplayName("when a commit ended at or after the start time, then the task starts at that commit's LSN")
    void timeStart() {
        SqlServerPosition.Cdc start = SqlServerSource.startAtTime(Instant.parse("2018-03-08T12:12:12Z"),
                Lsn.parse("0000002a:00000c38:0003").bytes(), Lsn.parse("0000002a:00000b00:0001").bytes(),
                Lsn.parse("0000002b:00000010:0001").bytes(), PARTITION);

        assertThat(connectorStart(start).getChangePosition().getCommitLsn().toString()).isEqualTo("0000002a:00000c38:0002");
    }

    @Test
    @DisplayName("when nothing committed since the start time, then the task starts after the max LSN: the next change is the first")
    void timeStartWithNothingSince() {
        byte[] none = new byte[10];
        for (byte[] first : new byte[][] {null, none}) {
            SqlServerPosition.Cdc start = SqlServerSource.startAtTime(Instant.parse("2018-03-08T12:12:12Z"), first,
                    Lsn.parse("0000002a:00000b00:0001").bytes(), Lsn.parse("0000002b:00000010:0001").bytes(), PARTITION);
            SqlServerOffsetContext loaded = connectorStart(start);
            assertThat(loaded.getChangePosition().getCommitLsn().toString()).isEqualTo("0000002b:00000010:0001");
            assertThat(loaded.isSnapshotCompleted()).isTrue();
        }
    }

    @Test
    @DisplayName("when the change tables hold no commit before the start time, then the start is refused: cleaned-up changes cannot be told apart")
    void timeBeforeTheChangeTablesRefused() {
        assertThatThrownBy(() -> SqlServerSource.startAtTime(Instant.parse("2018-03-08T12:12:12Z"),
                Lsn.parse("0000002a:00000c38:0003").bytes(), null, Lsn.parse("0000002b:00000010:0001").bytes(), PARTITION))
                .isInstanceOf(SourceException.class)
                .hasMessage("CdcStartTime 2018-03-08T12:12:12Z: the change tables hold no transaction that committed before it "
                        + "(cdc.lsn_time_mapping), so changes made after it may have been removed by the CDC cleanup job already, or "
                        + "were made before capture began; Ferry cannot tell that nothing is missing. Give a later time, or the LSN to "
                        + "start at as CdcStartPosition");
    }
}
