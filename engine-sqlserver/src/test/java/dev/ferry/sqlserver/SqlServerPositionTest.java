package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import io.debezium.connector.sqlserver.SqlServerOffsetContext;
import io.debezium.connector.sqlserver.TxLogPosition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlServerPositionTest {

    static final Map<String, Object> PARTITION = Map.of("server", "ferry-orders", "database", "shop");

    static SqlServerPosition.Cdc at(String commit, String change, long serial) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("commit_lsn", commit);
        offset.put("change_lsn", change);
        offset.put("event_serial_no", serial);
        return SqlServerPosition.Cdc.of(PARTITION, offset);
    }

    @Test
    void cdcPositionRoundTripsThroughItsText() {
        SqlServerPosition.Cdc p = at("0000002a:00000c38:0003", "0000002a:00000c30:0002", 2);
        SqlServerPosition back = SqlServerPosition.parse(p.serialize());
        assertThat(back).isEqualTo(p);
        assertThat(((SqlServerPosition.Cdc) back).offset().get("event_serial_no")).isInstanceOf(Long.class).isEqualTo(2L);
        assertThat(back.describe()).isEqualTo("LSN 0000002a:00000c38:0003 change 0000002a:00000c30:0002 #2");
    }

    @Test
    @DisplayName("when the full load starts, then the mark tells the connector its snapshot is complete at the max LSN")
    void markOffset() {
        SqlServerPosition.Cdc mark = SqlServerPosition.Cdc.mark(Lsn.parse("00000010:00000020:0001"), PARTITION);
        assertThat(mark.offset()).containsEntry("commit_lsn", "00000010:00000020:0001")
                .containsEntry("snapshot_completed", true).doesNotContainKey("snapshot");
        assertThat(mark.partition()).isEqualTo(PARTITION);
        assertThat(SqlServerPosition.parse(mark.serialize())).isEqualTo(mark);
        SqlServerPosition.Cdc empty = SqlServerPosition.Cdc.mark(null, PARTITION);
        assertThat(empty.offset()).containsEntry("commit_lsn", null);
        assertThat(empty.describe()).contains("start of the change tables");
        assertThat(SqlServerPosition.parse(empty.serialize())).isEqualTo(empty);
    }

    @Test
    @DisplayName("when positions share a commit LSN, then change LSN and serial number order them")
    void ordersByCommitChangeAndSerial() {
        SqlServerPosition a = at("00000010:00000020:0001", "00000010:00000018:0001", 1);
        SqlServerPosition b = at("00000010:00000020:0001", "00000010:00000018:0001", 2);
        SqlServerPosition c = at("00000010:00000020:0001", "00000010:00000019:0001", 1);
        SqlServerPosition d = at("00000011:00000000:0001", "00000010:00000000:0001", 1);
        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
        assertThat(c).isLessThan(d);
        SqlServerPosition none = SqlServerPosition.Cdc.mark(null, PARTITION);
        assertThat(none).isLessThan(a);
    }

    @Test
    @DisplayName("when a position has no change LSN, then it covers its whole commit: after every change of it, before the next commit")
    void positionWithoutChangeCoversItsCommit() {
        SqlServerPosition.Cdc lastChange = at("00000010:00000020:0001", "00000010:00000018:0001", 9);
        SqlServerPosition.Cdc wholeCommit = at("00000010:00000020:0001", "NULL", 0);
        SqlServerPosition.Cdc next = at("00000011:00000000:0001", "00000010:00000030:0001", 1);
        assertThat(lastChange).isLessThan(wholeCommit);
        assertThat(wholeCommit).isLessThan(next);
        assertThat(wholeCommit).isEqualByComparingTo(SqlServerPosition.Cdc.mark(Lsn.parse("00000010:00000020:0001"), PARTITION));
    }

    /** The connector's own offset context, configured as Ferry configures the connector. */
    static SqlServerOffsetContext loaded(Map<String, ?> offset) {
        return new SqlServerOffsetContext.Loader(SqlServerRecordsTest.CONFIG).load(offset);
    }

    @Test
    @DisplayName("when the connector heartbeats right after starting from the mark, then its offset (change_lsn \"NULL\") is a position")
    void heartbeatRightAfterStart() {
        SqlServerPosition.Cdc mark = SqlServerPosition.Cdc.mark(Lsn.parse("0000002a:00000c38:0003"), PARTITION);
        SqlServerOffsetContext context = loaded(mark.offset());
        Map<String, ?> heartbeat = context.getOffset();
        assertThat(heartbeat.get("change_lsn")).isEqualTo(io.debezium.connector.sqlserver.Lsn.NULL.toString());

        SqlServerPosition.Cdc p = SqlServerPosition.Cdc.of(PARTITION, heartbeat);
        assertThat(p.commitLsn()).isEqualTo(Lsn.parse("0000002a:00000c38:0003"));
        assertThat(p.changeLsn()).isNull();
        assertThat(p).isEqualByComparingTo(mark);
        assertThat(SqlServerPosition.parse(p.serialize())).isEqualTo(p);
    }

    @Test
    @DisplayName("when a poll window has no captured change, then the heartbeat's offset is a position after the whole window")
    void heartbeatAfterAnIdleWindow() {
        SqlServerOffsetContext context = loaded(SqlServerPosition.Cdc.mark(Lsn.parse("0000002a:00000c38:0003"), PARTITION).offset());
        io.debezium.connector.sqlserver.Lsn toLsn = io.debezium.connector.sqlserver.Lsn.valueOf("0000002b:00000010:0001");
        context.setChangePosition(TxLogPosition.valueOf(toLsn), 0);

        SqlServerPosition.Cdc p = SqlServerPosition.Cdc.of(PARTITION, context.getOffset());
        assertThat(p.commitLsn()).isEqualTo(Lsn.parse("0000002b:00000010:0001"));
        assertThat(p.changeLsn()).isNull();
        assertThat(p).isGreaterThan(at("0000002b:00000010:0001", "0000002b:00000008:0002", 3));
    }

    @Test
    @DisplayName("when the task resumes from a heartbeat's position, then the connector starts after that commit, not inside it")
    void resumeFromAHeartbeatStartsAfterItsCommit() {
        SqlServerOffsetContext context = loaded(SqlServerPosition.Cdc.mark(Lsn.parse("0000002a:00000c38:0003"), PARTITION).offset());
        context.setChangePosition(TxLogPosition.valueOf(io.debezium.connector.sqlserver.Lsn.valueOf("0000002b:00000010:0001")), 0);
        SqlServerPosition stored = SqlServerPosition.parse(SqlServerPosition.Cdc.of(PARTITION, context.getOffset()).serialize());

        SqlServerOffsetContext resumed = loaded(((SqlServerPosition.Cdc) stored).offset());
        // the streaming source increases its first start LSN only when the snapshot is complete
        assertThat(resumed.isSnapshotCompleted()).isTrue();
        assertThat(resumed.getChangePosition().getCommitLsn().toString()).isEqualTo("0000002b:00000010:0001");

        // a position inside a commit is resumed inside it: the connector skips what was applied
        SqlServerPosition.Cdc inside = at("0000002b:00000010:0001", "0000002b:00000008:0002", 3);
        SqlServerOffsetContext resumedInside = loaded(((SqlServerPosition.Cdc) SqlServerPosition.parse(inside.serialize())).offset());
        assertThat(resumedInside.isSnapshotCompleted()).isFalse();
        assertThat(resumedInside.getEventSerialNo()).isEqualTo(3);
    }

    @Test
    void changeTrackingPositions() {
        SqlServerPosition v7 = new SqlServerPosition.ChangeTracking(7);
        assertThat(SqlServerPosition.parse(v7.serialize())).isEqualTo(v7);
        assertThat(v7).isLessThan(new SqlServerPosition.ChangeTracking(8));
        assertThat(v7.describe()).isEqualTo("change tracking version 7");
        assertThatThrownBy(() -> v7.compareTo(at("00000010:00000020:0001", null, 0)))
                .hasMessageContaining("cannot compare a Change Tracking position with an MS-CDC position");
    }

    @Test
    void refusesTextOfAnotherSource() {
        assertThatThrownBy(() -> SqlServerPosition.parse("{\"lsn\":123}")).isInstanceOf(SourceException.class)
                .hasMessage("stored position is not a SQL Server position: {\"lsn\":123}");
        assertThatThrownBy(() -> SqlServerPosition.parse("not json")).isInstanceOf(SourceException.class);
    }
}
