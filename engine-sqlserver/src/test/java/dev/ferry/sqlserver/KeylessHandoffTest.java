package dev.ferry.sqlserver;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Types;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 11 of issue 7: a table without a primary key is read in a snapshot taken at the commit LSN
 * X of a marker; the change stream drops that table's changes committed before X (they are in the
 * snapshot) and keeps those at or after it. Records come from Debezium's own classes.
 */
class KeylessHandoffTest {

    static final TableId LOG = new TableId("dbo", "audit_log");
    static final TableId ORDERS = new TableId("dbo", "orders");
    static final String TOKEN = "0b7c5a86-5f0e-4f6b-9d55-3f1f2f0e9a11";
    static final String X = "0000002a:00000c38:0003";
    static final String BEFORE_X = "0000002a:00000c30:0005";
    static final String AFTER_X = "0000002a:00000c40:0001";

    static TableSchema log() {
        return SqlServerCatalog.assemble(List.of(new SqlServerCatalog.ObjectRow("dbo", "audit_log", false, true, false, 0, false, false, 0)),
                List.of(new SqlServerCatalog.ColumnRow("dbo", "audit_log", new NativeColumn("line", "nvarchar", "nvarchar", 400, 0, 0,
                        true, false, false, false, false, 0))), List.of()).get(0).schema();
    }

    static TableSchema orders() {
        return SyncMarkerTest.orders();
    }

    static Struct logRow(String line) {
        return ConnectorRecords.row(LOG, List.of(new ConnectorRecords.Col("line", "nvarchar", Types.NVARCHAR, 200, 0, line)));
    }

    static Struct ordersRow(int id) {
        return ConnectorRecords.row(ORDERS, List.of(new ConnectorRecords.Col("id", "int", Types.INTEGER, 4, 0, id)));
    }

    static SourceRecord insert(TableId table, Struct row, String commit) {
        return ConnectorRecords.record(table, "c", null, row, commit, commit.substring(0, 18) + "0001", 1);
    }

    static final Map<TableId, KeylessHandoff> HANDOFF = Map.of(LOG, new KeylessHandoff(TOKEN, Lsn.parse(X)));

    @Test
    @DisplayName("when a keyless table's change committed before its handoff LSN arrives, then it is dropped; at or after it, kept")
    void changesBeforeTheHandoffAreDropped() {
        SqlServerRecords records = new SqlServerRecords(List.of(log(), orders()), "t", HANDOFF);
        assertThat(records.convert(insert(LOG, logRow("in the snapshot"), BEFORE_X))).isInstanceOf(RecordConverter.PositionOnly.class);
        RecordConverter.Result at = records.convert(insert(LOG, logRow("at X"), X));
        assertThat(((ChangeEvent.Insert) ((RecordConverter.Change) at).event()).after()).containsExactly("at X");
        RecordConverter.Result after = records.convert(ConnectorRecords.record(LOG, "d", logRow("after X"), null, AFTER_X,
                "0000002a:00000c3f:0001", 2));
        assertThat(((RecordConverter.Change) after).event()).isInstanceOf(ChangeEvent.Delete.class);
        // other tables are not filtered
        assertThat(records.convert(insert(ORDERS, ordersRow(1), BEFORE_X))).isInstanceOf(RecordConverter.Change.class);
        // without a handoff nothing is dropped
        assertThat(new SqlServerRecords(List.of(log()), "t", Map.of()).convert(insert(LOG, logRow("x"), BEFORE_X)))
                .isInstanceOf(RecordConverter.Change.class);
    }

    @Test
    @DisplayName("when the stream has not passed the handoff LSN, then its positions carry it through serialisation; once passed, not")
    void handoffSurvivesUntilPassed() {
        SqlServerPosition.Cdc before = SqlServerCdcStream.position(insert(ORDERS, ordersRow(1), BEFORE_X), HANDOFF);
        assertThat(before.handoffs()).isEqualTo(HANDOFF);
        SqlServerPosition.Cdc back = (SqlServerPosition.Cdc) SqlServerPosition.parse(before.serialize());
        assertThat(back.handoffs()).isEqualTo(HANDOFF);
        assertThat(back).isEqualTo(before);
        assertThat(back.compareTo(SqlServerCdcStream.position(insert(ORDERS, ordersRow(1), BEFORE_X), Map.of()))).isZero();

        assertThat(SqlServerCdcStream.position(insert(ORDERS, ordersRow(2), X), HANDOFF).handoffs()).isEmpty();
        SqlServerPosition.Cdc passed = SqlServerCdcStream.position(insert(ORDERS, ordersRow(3), AFTER_X), HANDOFF);
        assertThat(passed.handoffs()).isEmpty();
        assertThat(passed.serialize()).doesNotContain("handoffs");
    }

    @Test
    @DisplayName("when a full load is marked, then its keyless tables' tokens wait in the position until the stream resolves them")
    void unresolvedTokensRoundTrip() {
        SqlServerPosition.Cdc mark = SqlServerPosition.Cdc.mark(Lsn.parse("00000010:00000020:0001"), SqlServerPositionTest.PARTITION)
                .withHandoffs(Map.of(LOG, new KeylessHandoff(TOKEN, null)));
        SqlServerPosition.Cdc back = (SqlServerPosition.Cdc) SqlServerPosition.parse(mark.serialize());
        assertThat(back.handoffs()).containsExactly(Map.entry(LOG, new KeylessHandoff(TOKEN, null)));
        assertThat(KeylessHandoff.pending(back.handoffs(), Lsn.parse(AFTER_X))).isEqualTo(back.handoffs());
        // a table name with a dot survives too
        TableId dotted = new TableId("sales.eu", "log.2024");
        SqlServerPosition.Cdc odd = mark.withHandoffs(Map.of(dotted, new KeylessHandoff(TOKEN, Lsn.parse(X))));
        assertThat(((SqlServerPosition.Cdc) SqlServerPosition.parse(odd.serialize())).handoffs()).containsOnlyKeys(dotted);
    }

    @Test
    @DisplayName("when a keyless table is read, then the lock, the snapshot start and the LSN lookup are these statements")
    void handoffSql() {
        TableId odd = new TableId("dbo", "audit]log");
        assertThat(SqlServerSql.lockForHandoff(odd))
                .isEqualTo("SELECT COUNT_BIG(*) FROM (SELECT TOP (1) 1 AS x FROM [dbo].[audit]]log] WITH (TABLOCK, HOLDLOCK)) AS l");
        assertThat(SqlServerSql.startSnapshot(odd)).isEqualTo("SELECT COUNT_BIG(*) FROM (SELECT TOP (1) 1 AS x FROM [dbo].[audit]]log]) AS s");
        assertThat(SqlServerSql.LOCK_TIMEOUT).isEqualTo("SET LOCK_TIMEOUT " + KeylessSnapshot.LOCK_WAIT_MILLIS);
        assertThat(SqlServerSql.syncMarkerLsn("dbo_ferry_sync_marker")).isEqualTo("SELECT MAX(__$start_lsn) FROM "
                + "cdc.[dbo_ferry_sync_marker_CT] WHERE token = ? AND __$operation IN (2, 4)");
        assertThat(SqlServerSql.allowSnapshotIsolation("my shop")).isEqualTo("ALTER DATABASE [my shop] SET ALLOW_SNAPSHOT_ISOLATION ON");
    }
}
