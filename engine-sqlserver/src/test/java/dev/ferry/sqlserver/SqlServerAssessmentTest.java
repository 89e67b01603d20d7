package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableId;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.Assessment.Finding;
import dev.ferry.core.spi.Assessment.Status;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlServerAssessmentTest {

    static final TableId ORDERS = new TableId("dbo", "orders");
    static final TableId LOG = new TableId("dbo", "audit_log");

    static SqlServerSource.DatabaseInfo db(boolean cdc, boolean ct, String recovery) {
        return new SqlServerSource.DatabaseInfo("shop", cdc, recovery, true, ct, 2, "DAYS", 3, "16.0.4135.4");
    }

    static NativeColumn c(String name, String type, int maxLength, int scale, boolean computed) {
        return new NativeColumn(name, type, type, maxLength, 0, scale, !name.equals("id"), false, computed, false, false, 0);
    }

    static SqlServerCatalog.Table table(TableId id, boolean cdc, boolean ct, boolean keyed, NativeColumn... columns) {
        List<SqlServerCatalog.ColumnRow> rows = new ArrayList<>();
        for (NativeColumn n : columns) {
            rows.add(new SqlServerCatalog.ColumnRow(id.schema(), id.name(), n));
        }
        return SqlServerCatalog.assemble(List.of(new SqlServerCatalog.ObjectRow(id.schema(), id.name(), false, cdc, ct, 0, false, false, 10)),
                rows, keyed ? List.of(new SqlServerCatalog.KeyRow(id.schema(), id.name(), "PK_" + id.name(), true, "id")) : List.of()).get(0);
    }

    static SqlServerAssessment.Facts facts(SqlServerSource.DatabaseInfo db, Boolean agent, boolean dbOwner,
                                           Map<TableId, List<SqlServerSource.CaptureInstance>> instances) {
        Map<TableId, Boolean> yes = new HashMap<>();
        yes.put(ORDERS, true);
        yes.put(LOG, true);
        // a database prepared for MS-CDC has Ferry's sync marker table captured (SyncMarkerTest covers its absence)
        Map<TableId, List<SqlServerSource.CaptureInstance>> withMarker = new HashMap<>(instances);
        if (db.cdcEnabled()) {
            withMarker.putIfAbsent(SyncMarker.TABLE, List.of(new SqlServerSource.CaptureInstance(SyncMarker.TABLE,
                    "dbo_ferry_sync_marker", "", List.of("task", "token", "written_at"))));
        }
        return new SqlServerAssessment.Facts(db, agent, db.cdcEnabled() ? Boolean.TRUE : null, false, dbOwner, yes, yes, Map.of(),
                withMarker, 65536L);
    }

    static Finding find(Assessment a, String subject, String check) {
        return a.findings().stream().filter(f -> f.subject().equals(subject) && f.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding " + subject + " / " + check + " in " + a.findings()));
    }

    @Test
    @DisplayName("when CDC is off on the database and the table, then both fail with the command that enables them")
    void cdcNotEnabled() {
        SqlServerCatalog.Table orders = table(ORDERS, false, false, true, c("id", "int", 4, 0, false));
        Assessment a = SqlServerAssessment.assess(facts(db(false, false, "FULL"), true, true, Map.of()), List.of(orders),
                CaptureMode.CDC, true);
        assertThat(find(a, "database shop", "CDC enabled").status()).isEqualTo(Status.FAIL);
        assertThat(find(a, "database shop", "CDC enabled").fix()).contains("ferry prepare-source TASK.yaml --cdc");
        Finding table = find(a, "dbo.orders", "CDC enabled");
        assertThat(table.status()).isEqualTo(Status.FAIL);
        assertThat(table.fix()).contains("EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'orders'");
        assertThat(a.worst()).isEqualTo(Status.FAIL);
    }

    @Test
    @DisplayName("when everything is in place, then the CDC checks pass and lossy types warn")
    void readyForCdc() {
        SqlServerCatalog.Table orders = table(ORDERS, true, false, true, c("id", "int", 4, 0, false),
                c("placed", "datetime2", 8, 7, false), c("note", "nvarchar", -1, 0, false));
        Map<TableId, List<SqlServerSource.CaptureInstance>> ci = Map.of(ORDERS, List.of(
                new SqlServerSource.CaptureInstance(ORDERS, "dbo_orders", "00000010:00000020:0001", List.of("id", "placed", "note"))));
        Assessment a = SqlServerAssessment.assess(facts(db(true, false, "FULL"), true, true, ci), List.of(orders), CaptureMode.CDC, true);
        assertThat(find(a, "database shop", "SQL Server Agent").status()).isEqualTo(Status.PASS);
        assertThat(find(a, "database shop", "capture job").status()).isEqualTo(Status.PASS);
        assertThat(find(a, "database shop", "recovery model").status()).isEqualTo(Status.PASS);
        assertThat(find(a, "dbo.orders", "CDC enabled").detail()).isEqualTo("capture instance dbo_orders");
        assertThat(find(a, "dbo.orders", "primary key").status()).isEqualTo(Status.PASS);
        Finding placed = find(a, "dbo.orders.placed", "type");
        assertThat(placed.status()).isEqualTo(Status.WARN);
        assertThat(placed.detail()).isEqualTo("datetime2(7) -> timestamp(6): the 7th fractional second digit (100 ns) is truncated: "
                + "PostgreSQL keeps microseconds");
        assertThat(find(a, "database shop", "max text repl size").fix()).isEqualTo("EXEC sp_configure 'max text repl size', -1; RECONFIGURE");
        assertThat(a.worst()).isEqualTo(Status.WARN);
    }

    @Test
    @DisplayName("when a key column has 7 fractional digits, then every mode fails it and the start refuses it in the same words")
    void lossyKeyColumn() {
        SqlServerCatalog.Table readings = table(ORDERS, true, true, true, c("id", "datetime2", 8, 7, false),
                c("taken", "datetime2", 8, 7, false));
        Map<TableId, List<SqlServerSource.CaptureInstance>> ci = Map.of(ORDERS, List.of(
                new SqlServerSource.CaptureInstance(ORDERS, "dbo_orders", "", List.of("id", "taken"))));
        for (CaptureMode mode : CaptureMode.values()) {
            for (boolean cdc : new boolean[]{true, false}) {
                Assessment a = SqlServerAssessment.assess(facts(db(true, true, "FULL"), true, true, ci), List.of(readings), mode, cdc);
                Finding key = find(a, "dbo.orders.id", "key column type");
                assertThat(key.status()).as("%s, cdc %s", mode, cdc).isEqualTo(Status.FAIL);
                assertThat(key.detail()).isEqualTo("datetime2(7) is part of the key, and PostgreSQL keeps microseconds: keys that differ "
                        + "only in the 7th fractional digit would become one row");
                assertThat(key.fix()).isEqualTo("change the column to datetime2(6) (SQL Server rounds the values, and refuses when that "
                        + "makes two keys equal; drop and re-create the key around the change), or leave the table out");
                // not a key: carried truncated, with a warning
                assertThat(a.findings()).noneMatch(f -> f.subject().equals("dbo.orders.taken") && f.status() == Status.FAIL);
                assertThat(find(a, "dbo.orders.taken", "type").status()).isEqualTo(Status.WARN);
            }
        }
        assertThatThrownBy(() -> SqlServerSource.refuseLossyKeys(List.of(readings.schema()), id -> readings))
                .isInstanceOf(SourceException.class)
                .hasMessage("dbo.orders.id: datetime2(7) is part of the key, and PostgreSQL keeps microseconds: keys that "
                        + "differ only in the 7th fractional digit would become one row; fix: change the column to datetime2(6) (SQL Server "
                        + "rounds the values, and refuses when that makes two keys equal; drop and re-create the key around the change), "
                        + "or leave the table out");
        SqlServerCatalog.Table fine = table(ORDERS, true, true, true, c("id", "datetime2", 8, 6, false), c("taken", "datetime2", 8, 7, false));
        SqlServerSource.refuseLossyKeys(List.of(fine.schema()), id -> fine);
        assertThat(SqlServerAssessment.lossyKeys(fine, fine.schema().primaryKey())).isEmpty();
    }

    @Test
    void agentStoppedUnknownAndSimpleRecovery() {
        SqlServerCatalog.Table orders = table(ORDERS, true, false, true, c("id", "int", 4, 0, false));
        Map<TableId, List<SqlServerSource.CaptureInstance>> ci = Map.of(ORDERS, List.of(
                new SqlServerSource.CaptureInstance(ORDERS, "dbo_orders", "", List.of("id"))));
        Assessment stopped = SqlServerAssessment.assess(facts(db(true, false, "SIMPLE"), false, true, ci), List.of(orders), CaptureMode.CDC, true);
        assertThat(find(stopped, "database shop", "SQL Server Agent").status()).isEqualTo(Status.FAIL);
        assertThat(find(stopped, "database shop", "SQL Server Agent").fix()).contains("MSSQL_AGENT_ENABLED=true");
        assertThat(find(stopped, "database shop", "recovery model").status()).isEqualTo(Status.WARN);
        Assessment unknown = SqlServerAssessment.assess(facts(db(true, false, "FULL"), null, true, ci), List.of(orders), CaptureMode.CDC, true);
        assertThat(find(unknown, "database shop", "SQL Server Agent").status()).isEqualTo(Status.WARN);
    }

    @Test
    @DisplayName("when a column was added after the capture instance, then the assessment fails with the new capture instance to create")
    void columnNotCaptured() {
        SqlServerCatalog.Table orders = table(ORDERS, true, false, true, c("id", "int", 4, 0, false), c("added", "int", 4, 0, false));
        Map<TableId, List<SqlServerSource.CaptureInstance>> ci = Map.of(ORDERS, List.of(
                new SqlServerSource.CaptureInstance(ORDERS, "dbo_orders", "", List.of("id"))));
        Finding f = find(SqlServerAssessment.assess(facts(db(true, false, "FULL"), true, true, ci), List.of(orders), CaptureMode.CDC, true),
                "dbo.orders", "captured columns");
        assertThat(f.status()).isEqualTo(Status.FAIL);
        assertThat(f.detail()).isEqualTo("capture instance dbo_orders does not capture [added]");
        assertThat(f.fix()).contains("@capture_instance = N'dbo_orders_v2'");
    }

    @Test
    @DisplayName("when a table has no primary key, then MS-CDC warns, Change Tracking fails and a full load passes")
    void keylessTableByMode() {
        SqlServerCatalog.Table log = table(LOG, true, false, false, c("line", "nvarchar", 200, 0, false));
        Map<TableId, List<SqlServerSource.CaptureInstance>> ci = Map.of(LOG, List.of(
                new SqlServerSource.CaptureInstance(LOG, "dbo_audit_log", "", List.of("line"))));
        assertThat(find(SqlServerAssessment.assess(facts(db(true, true, "FULL"), true, true, ci), List.of(log), CaptureMode.CDC, true),
                "dbo.audit_log", "primary key").status()).isEqualTo(Status.WARN);
        assertThat(find(SqlServerAssessment.assess(facts(db(true, true, "FULL"), true, true, ci), List.of(log), CaptureMode.CHANGE_TRACKING,
                true), "dbo.audit_log", "primary key").status()).isEqualTo(Status.FAIL);
        Assessment fullLoad = SqlServerAssessment.assess(facts(db(false, false, "SIMPLE"), false, true, Map.of()), List.of(log),
                CaptureMode.CDC, false);
        assertThat(find(fullLoad, "dbo.audit_log", "primary key").status()).isEqualTo(Status.PASS);
        assertThat(fullLoad.worst()).isEqualTo(Status.PASS);
    }

    @Test
    @DisplayName("when a keyless table has a LOB column, then MS-CDC fails: old row images carry NULL for LOBs")
    void keylessTableWithLob() {
        SqlServerCatalog.Table log = table(LOG, true, false, false, c("line", "nvarchar", -1, 0, false));
        Map<TableId, List<SqlServerSource.CaptureInstance>> ci = Map.of(LOG, List.of(
                new SqlServerSource.CaptureInstance(LOG, "dbo_audit_log", "", List.of("line"))));
        Finding f = find(SqlServerAssessment.assess(facts(db(true, false, "FULL"), true, true, ci), List.of(log), CaptureMode.CDC, true),
                "dbo.audit_log", "primary key");
        assertThat(f.status()).isEqualTo(Status.FAIL);
        assertThat(f.detail()).contains("NULL for LOB columns in old row images");
    }

    @Test
    @DisplayName("when a computed or spatial column is captured by MS-CDC, then it fails; Change Tracking reads it from the table")
    void computedAndSpatialColumns() {
        SqlServerCatalog.Table orders = table(ORDERS, true, true, true, c("id", "int", 4, 0, false), c("total", "money", 8, 4, true),
                c("shape", "geography", -1, 0, false));
        Map<TableId, List<SqlServerSource.CaptureInstance>> ci = Map.of(ORDERS, List.of(
                new SqlServerSource.CaptureInstance(ORDERS, "dbo_orders", "", List.of("id", "total", "shape"))));
        Assessment cdc = SqlServerAssessment.assess(facts(db(true, true, "FULL"), true, true, ci), List.of(orders), CaptureMode.CDC, true);
        assertThat(find(cdc, "dbo.orders.total", "computed column").status()).isEqualTo(Status.FAIL);
        assertThat(find(cdc, "dbo.orders.shape", "type").status()).isEqualTo(Status.FAIL);
        Assessment ct = SqlServerAssessment.assess(facts(db(true, true, "FULL"), true, true, ci), List.of(orders),
                CaptureMode.CHANGE_TRACKING, true);
        assertThat(find(ct, "dbo.orders.total", "computed column").status()).isEqualTo(Status.PASS);
        assertThat(find(ct, "dbo.orders.shape", "type").status()).isEqualTo(Status.WARN);
        assertThat(find(ct, "dbo.orders", "Change Tracking enabled").status()).isEqualTo(Status.PASS);
        assertThat(find(ct, "database shop", "snapshot isolation").status()).isEqualTo(Status.PASS);
    }

    @Test
    void permissionsOfANonOwnerLogin() {
        SqlServerCatalog.Table orders = table(ORDERS, true, true, true, c("id", "int", 4, 0, false));
        SqlServerAssessment.Facts f = new SqlServerAssessment.Facts(db(true, true, "FULL"), true, true, false, false,
                Map.of(ORDERS, false), Map.of(ORDERS, false), Map.of("dbo_orders", false),
                Map.of(ORDERS, List.of(new SqlServerSource.CaptureInstance(ORDERS, "dbo_orders", "", List.of("id")))), -1L);
        Assessment cdc = SqlServerAssessment.assess(f, List.of(orders), CaptureMode.CDC, true);
        assertThat(find(cdc, "dbo.orders", "SELECT permission").fix()).isEqualTo("GRANT SELECT ON [dbo].[orders] TO <login's user>");
        assertThat(find(cdc, "dbo.orders", "change table permission").status()).isEqualTo(Status.FAIL);
        Assessment ct = SqlServerAssessment.assess(f, List.of(orders), CaptureMode.CHANGE_TRACKING, true);
        assertThat(find(ct, "dbo.orders", "VIEW CHANGE TRACKING permission").fix())
                .isEqualTo("GRANT VIEW CHANGE TRACKING ON [dbo].[orders] TO <login's user>");
    }

    @Test
    @DisplayName("when a sql_variant column is read from SQL Server before 2016, then it fails: a float in it would print to 6 digits")
    void sqlVariantNeedsSqlServer2016() {
        SqlServerCatalog.Table orders = table(ORDERS, false, true, true, c("id", "int", 4, 0, false), c("extra", "sql_variant", 8016, 0, false));
        SqlServerSource.DatabaseInfo sql2014 = new SqlServerSource.DatabaseInfo("shop", false, "FULL", true, true, 2, "DAYS", 3, "12.0.6024.0");
        Finding f = find(SqlServerAssessment.assess(facts(sql2014, true, true, Map.of()), List.of(orders), CaptureMode.CHANGE_TRACKING,
                false), "dbo.orders.extra", "sql_variant");
        assertThat(f.status()).isEqualTo(Status.FAIL);
        assertThat(f.detail()).isEqualTo("SQL Server 12.0.6024.0 prints a float or real held in a sql_variant to 6 digits at most: "
                + "the lossless CONVERT style 3 needs SQL Server 2016 or later");
        assertThat(f.fix()).isEqualTo("upgrade the server, convert the column, or leave the table out");
        // 2016 and later, and Azure SQL (which reports version 12.0), print every digit
        for (SqlServerSource.DatabaseInfo fine : List.of(db(false, true, "FULL"),
                new SqlServerSource.DatabaseInfo("shop", false, "FULL", true, true, 2, "DAYS", 3, "13.0.5026.0"),
                new SqlServerSource.DatabaseInfo("shop", false, "FULL", true, true, 2, "DAYS", 5, "12.0.2000.8"))) {
            Assessment a = SqlServerAssessment.assess(facts(fine, true, true, Map.of()), List.of(orders), CaptureMode.CHANGE_TRACKING, true);
            assertThat(a.findings()).as(fine.version()).noneMatch(x -> x.check().equals("sql_variant"));
            assertThat(find(a, "dbo.orders.extra", "type").status()).isEqualTo(Status.WARN);
        }
        assertThat(find(SqlServerAssessment.assess(facts(db(false, true, "FULL"), true, true, Map.of()), List.of(orders),
                CaptureMode.CHANGE_TRACKING, true), "dbo.orders.extra", "type").detail()).startsWith("sql_variant -> text: carried as text");
    }

    @Test
    @DisplayName("when a sql_variant column is a key, then the assessment warns that a string and a number with the same text meet")
    void sqlVariantKey() {
        SqlServerCatalog.Table tags = SqlServerCatalog.assemble(
                List.of(new SqlServerCatalog.ObjectRow("dbo", "tags", false, false, true, 0, false, false, 10)),
                List.of(new SqlServerCatalog.ColumnRow("dbo", "tags", c("tag", "sql_variant", 8016, 0, false))),
                List.of(new SqlServerCatalog.KeyRow("dbo", "tags", "PK_tags", true, "tag"))).get(0);
        Finding f = find(SqlServerAssessment.assess(facts(db(false, true, "FULL"), true, true, Map.of()), List.of(tags),
                CaptureMode.CHANGE_TRACKING, true), "dbo.tags.tag", "sql_variant key");
        assertThat(f.status()).isEqualTo(Status.WARN);
        assertThat(f.detail()).contains("(1 and N'1')");
    }

    @Test
    void expressEditionCannotRunCdc() {
        SqlServerSource.DatabaseInfo express = new SqlServerSource.DatabaseInfo("shop", false, "SIMPLE", false, false, 0, "", 4, "16.0");
        Assessment a = SqlServerAssessment.assess(facts(express, null, true, Map.of()), List.of(), CaptureMode.CDC, true);
        assertThat(find(a, "database shop", "edition").status()).isEqualTo(Status.FAIL);
        assertThat(find(a, "database shop", "server").detail()).isEqualTo("SQL Server 16.0, Express");
        assertThat(find(a, "database shop", "tables").detail()).isEqualTo("the table mappings select no table");
    }
}
