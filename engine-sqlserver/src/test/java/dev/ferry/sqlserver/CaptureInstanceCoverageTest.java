package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableId;
import io.debezium.connector.sqlserver.SqlServerChangeTable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which capture instance serves a position, with the connector's own change-table descriptions. */
class CaptureInstanceCoverageTest {

    static final io.debezium.relational.TableId ORDERS = new io.debezium.relational.TableId("shop", "dbo", "orders");

    static SqlServerChangeTable instance(String name, String startLsn) {
        return new SqlServerChangeTable(ORDERS, name, 1, io.debezium.connector.sqlserver.Lsn.valueOf(startLsn), List.of("id", "qty"));
    }

    static io.debezium.connector.sqlserver.Lsn lsn(String text) {
        return io.debezium.connector.sqlserver.Lsn.valueOf(text);
    }

    @Test
    @DisplayName("when two capture instances exist, then the newest one that started at or before the position serves it")
    void newestStartedInstanceServes() {
        List<SqlServerChangeTable> both = List.of(instance("dbo_orders", "00000010:00000000:0001"),
                instance("dbo_orders_v2", "00000020:00000000:0001"));
        assertThat(SqlServerCdcStream.activeAt(both, lsn("00000015:00000000:0001")).getCaptureInstance()).isEqualTo("dbo_orders");
        assertThat(SqlServerCdcStream.activeAt(both, lsn("00000020:00000000:0001")).getCaptureInstance()).isEqualTo("dbo_orders_v2");
        assertThat(SqlServerCdcStream.activeAt(both, io.debezium.connector.sqlserver.Lsn.NULL).getCaptureInstance())
                .isEqualTo("dbo_orders");
    }

    @Test
    @DisplayName("when CDC was disabled and enabled again while the task was stopped, then resuming fails naming the table and the reload")
    void recreatedInstanceIsRefused() {
        List<SqlServerChangeTable> recreated = List.of(instance("dbo_orders", "00000030:00000000:0001"));
        assertThatThrownBy(() -> SqlServerCdcStream.activeAt(recreated, lsn("00000015:00000000:0001")))
                .isInstanceOf(SourceException.class)
                .hasMessage("table dbo.orders: no CDC capture instance covers the task's position (LSN 00000015:00000000:0001); its "
                        + "oldest capture instance starts at LSN 00000030:00000000:0001. CDC was disabled and enabled again on the "
                        + "table while the task was stopped, or the cleanup job removed changes the task had not applied: the changes "
                        + "in between are in no change table. Reload the table (ferry run --reload)");
    }

    @Test
    @DisplayName("when another table's instance is older, then it does not vouch for this table (Debezium's check is database-wide)")
    void coverageIsPerTable() {
        Lsn position = Lsn.parse("00000015:00000000:0001");
        assertThat(SqlServerCdcStream.uncovered(new TableId("dbo", "orders"), position,
                List.of(Lsn.parse("00000030:00000000:0001"), Lsn.parse("00000031:00000000:0001")))).contains("table dbo.orders");
        assertThat(SqlServerCdcStream.uncovered(new TableId("dbo", "orders"), position,
                List.of(Lsn.parse("00000010:00000000:0001"), Lsn.parse("00000031:00000000:0001")))).isNull();
        assertThat(SqlServerCdcStream.uncovered(new TableId("dbo", "orders"), position, List.of(position))).isNull();
    }

    @Test
    @DisplayName("when a table's CDC was enabled after the capture job last ran, then the load's mark is its instance's start")
    void markCoversInstancesEnabledJustBeforeTheLoad() {
        var orders = new SqlServerSource.CaptureInstance(new TableId("dbo", "every_type"), "dbo_every_type", "00000040:00000000:0001",
                List.of("id"));
        var schema = SqlServerRecordsTest.tableSchema();
        assertThat(SqlServerSource.markLsn(Lsn.parse("00000030:00000000:0001"), Map.of(schema.id(), List.of(orders)), List.of(schema)))
                .isEqualTo(Lsn.parse("00000040:00000000:0001"));
        assertThat(SqlServerSource.markLsn(Lsn.parse("00000050:00000000:0001"), Map.of(schema.id(), List.of(orders)), List.of(schema)))
                .isEqualTo(Lsn.parse("00000050:00000000:0001"));
        assertThat(SqlServerSource.markLsn(null, Map.of(), List.of(schema))).isNull();
    }

    @Test
    @DisplayName("when a table is added on resume, then its capture instance must cover its own start, not the older checkpoint")
    void addedTableIsCoveredFromItsOwnStart() {
        var schema = SqlServerRecordsTest.tableSchema();
        var young = new SqlServerSource.CaptureInstance(schema.id(), "dbo_every_type", "00000040:00000000:0001", List.of("id"));
        SqlServerPosition.Cdc checkpoint = SqlServerPosition.Cdc.mark(Lsn.parse("00000030:00000000:0001"), Map.of());
        Map<TableId, List<SqlServerSource.CaptureInstance>> instances = Map.of(schema.id(), List.of(young));

        assertThatThrownBy(() -> SqlServerSource.requireCovered(instances, List.of(schema), checkpoint, Map.of()))
                .isInstanceOf(SourceException.class).hasMessageContaining("table dbo.every_type: no CDC capture instance covers");
        SqlServerSource.requireCovered(instances, List.of(schema), checkpoint, Map.of(schema.id(), Lsn.parse("00000040:00000000:0001")));
    }

    @Test
    @DisplayName("when a table added on resume has an instance younger than the checkpoint, then its structure comes from that instance")
    void addedTableStructureFromItsOwnStart() {
        List<SqlServerChangeTable> young = List.of(instance("dbo_orders", "00000040:00000000:0001"));
        io.debezium.connector.sqlserver.Lsn checkpoint = lsn("00000030:00000000:0001");
        assertThat(SqlServerCdcStream.activeAt(young, SqlServerCdcStream.later(checkpoint, lsn("00000040:00000000:0001")))
                .getCaptureInstance()).isEqualTo("dbo_orders");
        assertThat(SqlServerCdcStream.later(checkpoint, null)).isEqualTo(checkpoint);
        assertThatThrownBy(() -> SqlServerCdcStream.activeAt(young, SqlServerCdcStream.later(checkpoint, null)))
                .isInstanceOf(SourceException.class);
    }
}
