package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.EndpointConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The change stream pointed at a port where no SQL Server listens: Debezium accepts Ferry's
 * connector configuration, the failure to connect reaches the task as one source error, and
 * closing the stream leaves no capture thread behind.
 */
class SqlServerCdcStreamUnreachableTest {

    @Test
    @DisplayName("when the server cannot be reached, then poll reports it and close leaves no thread behind")
    void unreachableServer() throws Exception {
        SqlServerEndpoint endpoint = SqlServerEndpoint.of(new EndpointConfig("sqlserver", Map.of("host", "127.0.0.1", "port", "1",
                "database", "shop", "user", "sa", "password", "Secret-pw1", "connectTimeoutSeconds", "2")));
        SqlServerPosition.Cdc from = SqlServerPosition.Cdc.mark(Lsn.parse("00000010:00000020:0001"),
                SqlServerCdcStream.partition("unreachable", "shop"));
        ChangeStream stream = SqlServerCdcStream.open("unreachable", endpoint, List.of(SqlServerRecordsTest.tableSchema()), from, 100, 200);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            assertThatThrownBy(() -> {
                while (System.nanoTime() < deadline) {
                    assertThat(stream.poll(200, TimeUnit.MILLISECONDS)).isNull();
                }
            }).isInstanceOf(SourceException.class)
                    .hasMessageStartingWith("SQL Server change capture stopped")
                    .satisfies(e -> assertThat(dev.ferry.core.FerryException.describe(e)).doesNotContain("Secret-pw1"));
        } finally {
            stream.close();
        }
        Thread.sleep(500);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive() && t.getName().contains("ferry-unreachable"));
    }
}
