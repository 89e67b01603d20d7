package dev.ferry.postgres.source;

import io.debezium.jdbc.JdbcConfiguration;
import io.debezium.jdbc.JdbcConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How Debezium's PostgreSQL connector connects for a Ferry change stream (its
 * {@code database.connection.factory.class}): to the servers of the endpoint's URL
 * ({@link #SERVERS_URL}), as Ferry's own connections do. Debezium would otherwise build
 * {@code jdbc:postgresql://hostname:port/dbname} from one host, and its hostname check refuses an
 * IPv6 address and a list of hosts. The driver properties are Debezium's: the URL's parameters
 * (TLS ones included) and Debezium's own settings ({@code replication}, {@code preferQueryMode} of
 * its replication connection) win over each other as Debezium arranges them, since the URL given
 * here carries none. Instantiated by Debezium by name; it must stay public.
 */
public final class CaptureConnectionFactory implements JdbcConnection.ConnectionFactory {

    /** Debezium's JDBC configuration key (after its "database." prefix) holding the servers' URL. */
    static final String SERVERS_URL = "ferry.serversUrl";

    public CaptureConnectionFactory() {
    }

    @Override
    public Connection connect(JdbcConfiguration config) throws SQLException {
        Properties props = config.asProperties();
        String url = (String) props.remove(SERVERS_URL);
        if (url == null) {
            throw new SQLException("Ferry's connection factory was used without " + SERVERS_URL);
        }
        // Debezium's own keys, which the URL stands for here (the driver would ignore them anyway)
        for (String key : new String[] {"hostname", "port", "dbname", "connection.factory.class"}) {
            props.remove(key);
        }
        return DriverManager.getConnection(url, props);
    }
}
