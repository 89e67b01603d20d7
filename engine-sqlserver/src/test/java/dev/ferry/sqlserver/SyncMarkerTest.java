package dev.ferry.sqlserver;

import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.Assessment.Finding;
import dev.ferry.core.spi.Assessment.Status;
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 3 of issue 7: awaitInSync on MS-CDC waits for a token written to Ferry's captured marker
 * table, not for {@code sys.fn_cdc_get_max_lsn()}. Marker records are built by Debezium's own
 * classes ({@link ConnectorRecords}).
 */
class SyncMarkerTest {

    static final TableId MARKER = new TableId("dbo", "ferry_sync_marker");
    static final TableId ORDERS = new TableId("dbo", "orders");
    static final TableId LOG = new TableId("dbo", "audit_log");
    static final String TOKEN = "0b7c5a86-5f0e-4f6b-9d55-3f1f2f0e9a11";

    /** A row of dbo.ferry_sync_marker as the connector converts it from the driver's values. */
    static Struct markerRow(String task, String token) {
        return ConnectorRecords.row(MARKER, List.of(
                new ConnectorRecords.Col("task", "nvarchar", Types.NVARCHAR, 128, 0, task),
                new ConnectorRecords.Col("token", "varchar", Types.VARCHAR, 36, 0, token),
                new ConnectorRecords.Col("written_at", "datetime2", Types.TIMESTAMP, 27, 7,
                        Timestamp.valueOf(LocalDateTime.of(2026, 11, 25, 10, 0, 0, 123_456_700)))));
    }

    static TableSchema orders() {
        return SqlServerCatalog.assemble(List.of(new SqlServerCatalog.ObjectRow("dbo", "orders", false, true, false, 0, false, false, 0)),
                List.of(SqlServerCatalogTest.column("orders", "id", "int", false)),
                List.of(new SqlServerCatalog.KeyRow("dbo", "orders", "PK_orders", true, "id"))).get(0).schema();
    }

    @Test
    @DisplayName("when the marker table gets this task's token, then the record is that sync marker")
    void markerOfThisTaskBecomesAMarker() {
        SqlServerRecords records = new SqlServerRecords(List.of(orders()), "orders-task", Map.of());
        RecordConverter.Result first = records.convert(ConnectorRecords.record(MARKER, "c", null, markerRow("orders-task", TOKEN),
                "0000002a:00000c38:0003", "0000002a:00000c30:0002", 1));
        assertThat(first).isEqualTo(new RecordConverter.Marker(TOKEN));
        String next = "5d1e3c0a-2f4b-4c39-8a7e-6b0d9e2c4f10";
        RecordConverter.Result update = records.convert(ConnectorRecords.record(MARKER, "u", markerRow("orders-task", TOKEN),
                markerRow("orders-task", next), "0000002b:00000010:0003", "0000002b:00000008:0002", 1));
        assertThat(update).isEqualTo(new RecordConverter.Marker(next));
    }

    @Test
    @DisplayName("when another task writes its token, then this task's stream only moves its position")
    void markerOfAnotherTaskIsIgnored() {
        SqlServerRecords records = new SqlServerRecords(List.of(orders()), "orders-task", Map.of());
        assertThat(records.convert(ConnectorRecords.record(MARKER, "u", markerRow("billing", TOKEN), markerRow("billing", TOKEN),
                "0000002a:00000c38:0003", "0000002a:00000c30:0002", 1))).isInstanceOf(RecordConverter.PositionOnly.class);
        assertThat(records.convert(ConnectorRecords.record(MARKER, "d", markerRow("orders-task", TOKEN), null,
                "0000002a:00000c38:0003", "0000002a:00000c30:0002", 1))).isInstanceOf(RecordConverter.PositionOnly.class);
    }

    @Test
    @DisplayName("when the connector is configured, then it captures the marker table too, and only it besides the tables")
    void markerTableIsInTheIncludeList() {
        String list = SqlServerCdcStream.includeList(List.of(orders()));
        assertThat(list.split(",")).containsExactly("dbo\\.orders", "dbo\\.ferry_sync_marker");
        assertThat("dbo.ferry_sync_marker").matches(list.split(",")[1]);
    }

    @Test
    @DisplayName("when the marker is written, created or enabled, then the SQL is idempotent and writes one row per task")
    void markerSql() {
        assertThat(SqlServerSql.WRITE_SYNC_MARKER).isEqualTo("MERGE dbo.ferry_sync_marker WITH (HOLDLOCK) AS m "
                + "USING (SELECT CAST(? AS nvarchar(128)) AS task, CAST(? AS varchar(36)) AS token) AS s ON m.task = s.task "
                + "WHEN MATCHED THEN UPDATE SET token = s.token, written_at = SYSUTCDATETIME() "
                + "WHEN NOT MATCHED THEN INSERT (task, token, written_at) VALUES (s.task, s.token, SYSUTCDATETIME());");
        assertThat(SqlServerSql.createSyncMarker()).containsExactly(
                "IF OBJECT_ID(N'dbo.ferry_sync_marker', N'U') IS NULL CREATE TABLE dbo.ferry_sync_marker "
                        + "(task nvarchar(128) NOT NULL PRIMARY KEY, token varchar(36) NOT NULL, written_at datetime2 NOT NULL)",
                "IF EXISTS (SELECT 1 FROM sys.tables WHERE object_id = OBJECT_ID(N'dbo.ferry_sync_marker') AND is_tracked_by_cdc = 0) "
                        + "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'ferry_sync_marker', @role_name = NULL");
        // prepare-source --cdc: the database first, then the marker table, then the tables
        assertThat(SqlServerSql.enableCdc("shop", false, false, List.of(ORDERS))).containsExactly(
                "EXEC sys.sp_cdc_enable_db",
                SqlServerSql.createSyncMarker().get(0),
                SqlServerSql.createSyncMarker().get(1),
                "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'orders', @role_name = NULL, "
                        + "@supports_net_changes = 0");
        assertThat(SqlServerSql.enableCdc("shop", true, true, List.of())).isEmpty();
    }

    static SqlServerSource.DatabaseInfo db(boolean snapshotIsolation) {
        return new SqlServerSource.DatabaseInfo("shop", true, "FULL", snapshotIsolation, false, 0, "", 3, "16.0");
    }

    static Map<TableId, List<SqlServerSource.CaptureInstance>> captured(boolean marker) {
        SqlServerSource.CaptureInstance orders = new SqlServerSource.CaptureInstance(ORDERS, "dbo_orders", "", List.of("id"));
        return marker ? Map.of(ORDERS, List.of(orders), MARKER, List.of(new SqlServerSource.CaptureInstance(MARKER,
                "dbo_ferry_sync_marker", "", List.of("task", "token", "written_at")))) : Map.of(ORDERS, List.of(orders));
    }

    @Test
    @DisplayName("when the marker table is missing or not captured, then assessment and readiness fail alike with the fix")
    void missingMarkerTableFails() {
        List<Finding> findings = SyncMarker.findings(db(true), captured(false), List.of());
        assertThat(findings).hasSize(1);
        Finding f = findings.get(0);
        assertThat(f.status()).isEqualTo(Status.FAIL);
        assertThat(f.subject()).isEqualTo("database shop");
        assertThat(f.check()).isEqualTo("sync marker table");
        assertThat(f.detail()).isEqualTo("Ferry's marker table dbo.ferry_sync_marker does not exist or is not captured by CDC: "
                + "Ferry writes a token to it to know when the target holds every change committed before a point "
                + "(awaitInSync) and where the full load of a table without a primary key hands over to CDC");
        assertThat(f.fix()).isEqualTo("ferry prepare-source TASK.yaml --cdc, or run: " + String.join("; ", SqlServerSql.createSyncMarker()));
        // the words a task refuses to start with (SqlServerSource.requireReady), the same the assessment prints
        assertThat(new Assessment(SyncMarker.findings(db(true), captured(false), List.of())).failureMessage())
                .isEqualTo("database shop: " + f.detail() + "; fix: " + f.fix());
        assertThat(SyncMarker.findings(db(true), captured(true), List.of()))
                .containsExactly(new Finding(Status.PASS, "database shop", "sync marker table", "dbo.ferry_sync_marker is captured by "
                        + "capture instance dbo_ferry_sync_marker", ""));
        assertThat(new Assessment(SyncMarker.findings(db(true), captured(true), List.of())).failureMessage()).isNull();
    }

    @Test
    @DisplayName("when tables without a primary key are selected, then snapshot isolation must be allowed")
    void keylessTablesNeedSnapshotIsolation() {
        Finding f = SyncMarker.findings(db(false), captured(true), List.of(LOG)).get(1);
        assertThat(f.status()).isEqualTo(Status.FAIL);
        assertThat(f.check()).isEqualTo("snapshot isolation");
        assertThat(f.detail()).isEqualTo("not allowed, and table(s) dbo.audit_log have no primary key: their full load reads a "
                + "snapshot taken at an exact CDC position, so that no change is applied twice");
        assertThat(f.fix()).isEqualTo("ferry prepare-source TASK.yaml --cdc, or run: ALTER DATABASE [shop] SET ALLOW_SNAPSHOT_ISOLATION ON");
        assertThat(new Assessment(SyncMarker.findings(db(false), captured(true), List.of(LOG))).failureMessage())
                .isEqualTo("database shop: " + f.detail() + "; fix: " + f.fix());
        assertThat(SyncMarker.findings(db(true), captured(true), List.of(LOG)).get(1).status()).isEqualTo(Status.PASS);
        assertThat(SyncMarker.findings(db(false), captured(true), List.of())).hasSize(1);
    }

    @Test
    @DisplayName("when ferry assess runs for MS-CDC, then it carries the marker and snapshot isolation findings")
    void assessmentCarriesTheRules() {
        SqlServerCatalog.Table log = SqlServerAssessmentTest.table(LOG, true, false, false,
                SqlServerAssessmentTest.c("line", "nvarchar", 200, 0, false));
        Map<TableId, List<SqlServerSource.CaptureInstance>> ci = Map.of(LOG, List.of(
                new SqlServerSource.CaptureInstance(LOG, "dbo_audit_log", "", List.of("line"))));
        SqlServerAssessment.Facts facts = new SqlServerAssessment.Facts(db(false), true, true, false, true, Map.of(), Map.of(),
                Map.of(), ci, -1L);
        Assessment a = SqlServerAssessment.assess(facts, List.of(log), CaptureMode.CDC, true);
        assertThat(SqlServerAssessmentTest.find(a, "database shop", "sync marker table"))
                .isEqualTo(SyncMarker.findings(db(false), ci, List.of(LOG)).get(0));
        assertThat(SqlServerAssessmentTest.find(a, "database shop", "snapshot isolation").status()).isEqualTo(Status.FAIL);
        assertThat(SqlServerAssessmentTest.find(a, "dbo.audit_log", "primary key").detail())
                .doesNotContain("applied twice").contains("hands over to CDC exactly");
        Assessment ct = SqlServerAssessment.assess(facts, List.of(log), CaptureMode.CHANGE_TRACKING, true);
        assertThat(ct.findings()).noneMatch(x -> x.check().equals("sync marker table"));
    }

    @Test
    @DisplayName("when the catalog is discovered, then the marker table is never offered for replication")
    void markerTableIsNotDiscovered() {
        List<SqlServerCatalog.Table> tables = SqlServerCatalog.assemble(List.of(
                        new SqlServerCatalog.ObjectRow("dbo", "ferry_sync_marker", false, true, false, 0, false, false, 1),
                        new SqlServerCatalog.ObjectRow("dbo", "orders", false, true, false, 0, false, false, 1)),
                List.of(SqlServerCatalogTest.column("ferry_sync_marker", "task", "nvarchar", false),
                        SqlServerCatalogTest.column("orders", "id", "int", false)), List.of());
        assertThat(SqlServerSource.replicable(tables)).extracting(t -> t.id()).containsExactly(ORDERS);
    }

    @Test
    @DisplayName("when a login that is not db_owner may not write the marker table or read its changes, then the assessment fails with the grants")
    void markerPermissions() {
        Map<TableId, List<SqlServerSource.CaptureInstance>> instances = captured(true);
        String ci = instances.get(SyncMarker.TABLE).get(0).name();
        SqlServerAssessment.Facts denied = new SqlServerAssessment.Facts(db(true), true, true, false, false, Map.of(), Map.of(),
                Map.of(ci, false), instances, null, false);
        assertThat(SyncMarker.permissions(db(true), denied, false)).extracting(Finding::detail)
                .containsExactly("the login may not write dbo.ferry_sync_marker, where Ferry writes a token for each awaitInSync and "
                        + "each load of a table without a primary key", "the login may not read cdc." + ci + "_CT");
        assertThat(SyncMarker.permissions(db(true), denied, true)).isEmpty();
        SqlServerAssessment.Facts granted = new SqlServerAssessment.Facts(db(true), true, true, false, false, Map.of(), Map.of(),
                Map.of(ci, true), instances, null, true);
        assertThat(SyncMarker.permissions(db(true), granted, false)).isEmpty();
    }
}
