package dev.ferry.sqlserver;

import org.junit.jupiter.api.Test;

import java.net.UnknownHostException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** How driver failures read in Ferry's one-line errors. */
class SqlServerConnectorTest {

    @Test
    void explainsLoginDatabaseAndPermissionFailures() {
        assertThat(SqlServerConnector.explain(new SQLException("Login failed for user 'sa'. ClientConnectionId:1", "S0001", 18456)))
                .isEqualTo("authentication failed: Login failed for user 'sa'. ClientConnectionId:1");
        assertThat(SqlServerConnector.explain(new SQLException("Cannot open database \"shop\" requested by the login.", "S0001", 4060)))
                .startsWith("cannot open the database: ");
        assertThat(SqlServerConnector.explain(new SQLException("The SELECT permission was denied on the object 'orders'", "S0005", 229)))
                .startsWith("permission denied: ");
    }

    @Test
    void explainsNetworkFailures() {
        assertThat(SqlServerConnector.explain(new SQLException("The TCP/IP connection to the host 10.0.0.9, port 1433 has failed. "
                + "Error: \"connect timed out. Verify the connection properties.\".", "08S01")))
                .isEqualTo("host unreachable or port closed (connect timed out)");
        assertThat(SqlServerConnector.explain(new SQLException("x", "08S01", 0, new UnknownHostException("nohost"))))
                .isEqualTo("unknown host nohost");
        assertThat(SqlServerConnector.explain(new SQLException("first line\nsecond line"))).isEqualTo("first line");
    }
}
