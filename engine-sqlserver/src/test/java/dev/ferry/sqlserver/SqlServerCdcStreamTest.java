package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.spi.EndpointConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class SqlServerCdcStreamTest {

    static SqlServerEndpoint endpoint() {
        return SqlServerEndpoint.of(new EndpointConfig("sqlserver", Map.of("host", "db.internal", "database", "shop", "user", "ferry",
                "password", "pw", "trustServerCertificate", "true")));
    }

    @Test
    @DisplayName("when the connector is configured, then it takes no snapshot, keeps datetime2(7) whole and reads only the task's tables")
    void connectorProperties() {
        Properties p = SqlServerCdcStream.properties("orders", endpoint(), List.of(SqlServerRecordsTest.tableSchema()), 5000, 500);
        assertThat(p).containsEntry("connector.class", "io.debezium.connector.sqlserver.SqlServerConnector")
                .containsEntry("topic.prefix", "ferry-orders")
                .containsEntry("database.names", "shop")
                .containsEntry("driver.encrypt", "true")
                .containsEntry("driver.trustServerCertificate", "true")
                .containsEntry("snapshot.mode", "no_data")
                .containsEntry("schema.history.internal", CaptureSchemaHistory.class.getName())
                .containsEntry(CaptureSchemaHistory.KEY, "ferry-orders")
                .containsEntry("time.precision.mode", "isostring")
                .containsEntry("decimal.handling.mode", "precise")
                .containsEntry("table.include.list", "dbo\\.every_type,dbo\\.ferry_sync_marker")
                .containsEntry("max.batch.size", "5000")
                .containsEntry("poll.interval.ms", "500")
                .containsEntry("event.converting.failure.handling.mode", "fail")
                .containsEntry("converters", "ferry_datetimeoffset")
                .containsEntry("ferry_datetimeoffset.type", DateTimeOffsetConverter.class.getName());
        assertThat(SqlServerCdcStream.partition("orders", "shop")).isEqualTo(Map.of("server", "ferry-orders", "database", "shop"));
    }

    @Test
    @DisplayName("when the connector finds its position cleaned up, then the error asks for a reload and says why")
    void expiredPositionIsExplained() {
        SqlServerPosition.Cdc from = SqlServerPosition.Cdc.mark(Lsn.parse("00000010:00000020:0001"), Map.of());
        SourceException e = SqlServerCdcStream.explained("orders", from, new SourceException("SQL Server change capture stopped: "
                + "The connector is trying to read change stream starting at ..., but this is no longer available on the server."));
        assertThat(e.getMessage()).startsWith("the CDC position of task orders (LSN 00000010:00000020:0001 or later) was removed")
                .contains("ferry run --reload").contains("sys.sp_cdc_change_job");
        SourceException other = new SourceException("something else");
        assertThat(SqlServerCdcStream.explained("orders", from, other)).isSameAs(other);
    }
}
