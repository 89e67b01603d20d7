package dev.ferry.sqlserver;

import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.KeyRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.StringJoiner;

import static org.assertj.core.api.Assertions.assertThat;

class SqlServerSqlTest {

    static final TableId ORDERS = new TableId("sales", "order lines");

    @Test
    @DisplayName("when Change Tracking is polled, then the net changes in the version window are joined back to the table")
    void changeTrackingQuery() {
        SqlServerSql.ChangeQuery q = SqlServerSql.ctChanges(ORDERS, List.of("order_id", "line"), List.of("[order_id]", "[line]"),
                List.of("[order_id]", "[line]", "[qty]", "CAST([path] AS nvarchar(4000))"));
        assertThat(q.sql()).isEqualTo("SELECT CAST(CASE WHEN t.[order_id] IS NULL THEN 0 ELSE 1 END AS bit), ct.[order_id], ct.[line], "
                + "t.[order_id], t.[line], t.[qty], CAST(t.[path] AS nvarchar(4000)) "
                + "FROM CHANGETABLE(CHANGES [sales].[order lines], ?) AS ct "
                + "LEFT JOIN [sales].[order lines] AS t ON t.[order_id] = ct.[order_id] AND t.[line] = ct.[line] "
                + "WHERE ct.SYS_CHANGE_VERSION <= ? ORDER BY ct.SYS_CHANGE_VERSION");
        assertThat(q.present()).isEqualTo(1);
        assertThat(q.keys()).containsExactly(2, 3);
        assertThat(q.values()).containsExactly(4, 5, 6, 7);
    }

    @Test
    void changeTrackingVersionQueries() {
        assertThat(SqlServerSql.CT_CURRENT_VERSION).isEqualTo("SELECT CHANGE_TRACKING_CURRENT_VERSION()");
        assertThat(SqlServerSql.ctMinValidVersion(new TableId("dbo", "O'Hara]s")))
                .isEqualTo("SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(N'[dbo].[O''Hara]]s]'))");
    }

    @Test
    @DisplayName("when an expression reads a spatial column, then only its column references get the table alias")
    void qualifiesColumnReferences() {
        NativeColumn geo = new NativeColumn("shape", "geometry", "geometry", -1, 0, 0, true, false, false, false, false, 0);
        assertThat(SqlServerSql.qualify("t", SqlServerTypes.map(geo).expression()))
                .isEqualTo("CASE WHEN t.[shape] IS NULL THEN NULL ELSE 'SRID=' + CAST(t.[shape].STSrid AS varchar(11)) + ';' "
                        + "+ t.[shape].AsTextZM() END");
        assertThat(SqlServerSql.qualify("t", "[a]]b]")).isEqualTo("t.[a]]b]");
        assertThat(SqlServerSql.qualify("ct", "'[not a column]' + [c]")).isEqualTo("'[not a column]' + ct.[c]");
        // the sql_variant conversion has string literals ('BaseType', N'int', ...): only its column references change
        assertThat(SqlServerSql.qualify("ct", SqlServerTypes.sqlVariantText("[k]"))).isEqualTo(SqlServerTypes.sqlVariantText("ct.[k]"));
    }

    @Test
    void enablingStatements() {
        assertThat(SqlServerSql.enableCdc("shop", false, true, List.of(ORDERS))).containsExactly(
                "EXEC sys.sp_cdc_enable_db",
                "EXEC sys.sp_cdc_enable_table @source_schema = N'sales', @source_name = N'order lines', @role_name = NULL, "
                        + "@supports_net_changes = 0");
        assertThat(SqlServerSql.enableCdc("shop", true, true, List.of())).isEmpty();
        assertThat(SqlServerSql.enableChangeTracking("my shop", false, List.of(ORDERS))).containsExactly(
                "ALTER DATABASE [my shop] SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 2 DAYS, AUTO_CLEANUP = ON)",
                "ALTER TABLE [sales].[order lines] ENABLE CHANGE_TRACKING WITH (TRACK_COLUMNS_UPDATED = OFF)");
        assertThat(SqlServerSql.enableChangeTracking("shop", true, List.of(ORDERS))).hasSize(1);
    }

    @Test
    void newCaptureInstanceAdviceNamesTheStatements() {
        assertThat(SqlServerSql.newCaptureInstanceAdvice(new TableId("dbo", "orders")))
                .contains("EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'orders', @role_name = NULL, "
                        + "@capture_instance = N'dbo_orders_v2'")
                .contains("EXEC sys.sp_cdc_disable_table @source_schema = N'dbo', @source_name = N'orders', "
                        + "@capture_instance = N'<old instance>'");
    }

    @Test
    @DisplayName("when a table name has regex characters, then the connector's include list matches only that table")
    void includeListEscapesNames() {
        String list = SqlServerCdcStream.includeList(List.of(
                SqlServerCatalog.assemble(List.of(new SqlServerCatalog.ObjectRow("dbo", "a.b(1)", false, true, false, 0, false, false, 0)),
                        List.of(SqlServerCatalogTest.column("a.b(1)", "id", "int", false)), List.of()).get(0).schema(),
                SqlServerCatalog.assemble(List.of(new SqlServerCatalog.ObjectRow("sales", "orders", false, true, false, 0, false, false, 0)),
                        List.of(new SqlServerCatalog.ColumnRow("sales", "orders", new NativeColumn("id", "int", "int", 4, 10, 0, false,
                                false, false, false, false, 0))), List.of()).get(0).schema()));
        assertThat(list).isEqualTo("dbo\\.a\\.b\\(1\\),sales\\.orders,dbo\\.ferry_sync_marker");
        assertThat("dbo.a.b(1)").matches(list.split(",")[0]);
        assertThat("dbo.aXb(1)").doesNotMatch(list.split(",")[0]);
    }

    @Test
    void keyRangeConditions() {
        assertThat(SqlServerSource.rangeCondition(new KeyRange("id", 10L, 20L))).isEqualTo("[id] >= 10 AND [id] < 20");
        assertThat(SqlServerSource.rangeCondition(new KeyRange("code", "M", null))).isEqualTo("[code] >= N'M'");
        assertThat(SqlServerSource.rangeCondition(new KeyRange("amount", null, new BigDecimal("1E+3")))).isEqualTo("[amount] < 1000");
        assertThat(SqlServerSource.rangeCondition(new KeyRange("name", "O'Brien", null))).isEqualTo("[name] >= N'O''Brien'");
        assertThat(SqlServerSource.rangeCondition(new KeyRange("id", null, null))).isEqualTo("1 = 1");
    }

    @Test
    @DisplayName("when a range has two columns, then the condition is the tuple comparison written out, as DMS writes it")
    void tupleKeyRangeCondition() {
        KeyRange r = new KeyRange(List.of("SALES_NO", "REGION"), List.of(1000L, "NORTH"), List.of(3000L, "WEST"), null);
        assertThat(SqlServerSource.rangeCondition(r)).isEqualTo("[SALES_NO] >= 1000 AND NOT (([SALES_NO] < 1000) OR "
                + "(([SALES_NO] = 1000) AND ([REGION] < N'NORTH'))) AND [SALES_NO] <= 3000 AND (([SALES_NO] < 3000) OR "
                + "(([SALES_NO] = 3000) AND ([REGION] < N'WEST')))");
    }

    @Test
    @DisplayName("when the key bounds are read, then MIN and MAX of the quoted column are cast to bigint")
    void keyBoundsSql() {
        // T-SQL: SELECT CAST(MIN(col) AS bigint) ...; MIN/MAX ignore NULLs and return NULL for no rows
        assertThat(SqlServerSource.keyBoundsSql(new TableId("sales", "order]s"), "id"))
                .isEqualTo("SELECT CAST(MIN([id]) AS bigint), CAST(MAX([id]) AS bigint) FROM [sales].[order]]s]");
    }

    /** dbo.nodes: a hierarchyid primary key (read by the full load as its text form) and a name. */
    static SqlServerCatalog.Table nodes() {
        return SqlServerCatalog.assemble(
                List.of(new SqlServerCatalog.ObjectRow("dbo", "nodes", false, false, true, 0, false, false, 0)),
                List.of(new SqlServerCatalog.ColumnRow("dbo", "nodes", new NativeColumn("path", "hierarchyid", "hierarchyid", 892, 0, 0,
                                false, false, false, false, false, 0)),
                        SqlServerCatalogTest.column("nodes", "name", "nvarchar", true)),
                List.of(new SqlServerCatalog.KeyRow("dbo", "nodes", "PK_nodes", true, "path"))).get(0);
    }

    @Test
    @DisplayName("when a key column has a converted type, then a Change Tracking delete reads the key through the full load's expression")
    void changeTrackingKeysReadLikeTheFullLoad() {
        SqlServerCatalog.Table t = nodes();
        StringJoiner fullLoad = new StringJoiner(", ");
        SqlServerTypes.Read[] fullLoadReads = SqlServerSource.reads(t, t.schema(), fullLoad);
        assertThat(fullLoad).hasToString("CAST([path] AS nvarchar(4000)), [name]");
        ChangeTrackingStream.Reader reader = SqlServerSource.changeTrackingReader(t, t.schema());
        // the key of a deleted row comes from the change table: the same conversion, on the ct alias
        SqlServerSql.ChangeQuery q = reader.query();
        assertThat(q.sql()).contains("CAST(ct.[path] AS nvarchar(4000))").doesNotContain("ct.[path],");
        assertThat(q.selected().get(q.keys()[0] - 1)).isEqualTo("CAST(ct.[path] AS nvarchar(4000))");
        assertThat(reader.reads()[t.schema().keyIndexes()[0]]).isEqualTo(fullLoadReads[0]).isEqualTo(SqlServerTypes.Read.STRING);
    }

    @Test
    @DisplayName("when a table is read, then the select list follows the task's column order with text forms where needed")
    void bulkSelect() {
        SqlServerCatalog.Table t = SqlServerCatalog.assemble(
                List.of(new SqlServerCatalog.ObjectRow("dbo", "nodes", false, false, false, 0, false, false, 0)),
                List.of(SqlServerCatalogTest.column("nodes", "id", "int", false),
                        new SqlServerCatalog.ColumnRow("dbo", "nodes", new NativeColumn("path", "hierarchyid", "hierarchyid", 892, 0, 0,
                                true, false, false, false, false, 0))), List.of()).get(0);
        StringJoiner select = new StringJoiner(", ");
        SqlServerTypes.Read[] reads = SqlServerSource.reads(t, t.schema(), select);
        assertThat(select).hasToString("[id], CAST([path] AS nvarchar(4000))");
        assertThat(reads).containsExactly(SqlServerTypes.Read.INT, SqlServerTypes.Read.STRING);
        ChangeTrackingStream.Reader reader = SqlServerSource.changeTrackingReader(t,
                new TableSchema(t.id(), t.schema().columns(), List.of("id")));
        assertThat(reader.query().sql()).contains("CAST(t.[path] AS nvarchar(4000))").contains("ct.[id]");
        assertThat(reader.reads()).containsExactly(reads);
    }
}
