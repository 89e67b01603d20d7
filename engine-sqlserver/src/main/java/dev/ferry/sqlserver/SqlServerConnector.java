package dev.ferry.sqlserver;

import dev.ferry.core.FerryException;
import dev.ferry.core.SourceException;
import dev.ferry.jdbc.Connections;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Connections to one SQL Server database: a small HikariCP pool for catalog queries and polling,
 * dedicated connections for long reads, all closed by {@link #close()} even mid-read, which is
 * how an abort stops them. Failures become one line naming the server, never the password.
 */
final class SqlServerConnector implements AutoCloseable {

    private final SqlServerEndpoint endpoint;
    private final Connections connections;

    public SqlServerConnector(SqlServerEndpoint endpoint, String applicationName) {
        this.endpoint = endpoint;
        this.connections = new Connections(endpoint.url(), () -> endpoint.properties(applicationName), applicationName,
                endpoint.connectTimeoutSeconds(), new Connections.Failures() {
                    @Override
                    public RuntimeException failure(String what, SQLException e) {
                        return SqlServerConnector.this.failure(what, e);
                    }

                    @Override
                    public RuntimeException closed() {
                        return new SourceException("source sqlserver at " + endpoint.where() + " is closed");
                    }
                });
    }

    public SqlServerEndpoint endpoint() {
        return endpoint;
    }

    /** A pooled connection for short work, in auto-commit mode; close it to return it. */
    public Connection pooled() {
        return connections.pooled();
    }

    /** A dedicated connection, closed by the caller (or {@link #release}) or by {@link #close()}. */
    public Connection open() {
        return connections.open(new Properties());
    }

    /** Closes a dedicated connection. */
    public void release(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // broken already: nothing more to release
        }
    }

    /** A SQL failure as a source error naming the server and login. */
    public SourceException failure(String what, SQLException e) {
        return new SourceException(what + " (source sqlserver at " + endpoint.where() + " as '" + endpoint.user() + "'): "
                + explain(e), e);
    }

    /** A short explanation of a JDBC failure: the server's message, or what the network said. */
    public static String explain(SQLException e) {
        String network = FerryException.networkCause(e);
        if (network != null) {
            return network;
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        if (m.startsWith("The TCP/IP connection to the host")) {
            // the driver's text: ... has failed. Error: "Connection refused. Verify the connection properties. ..."
            int at = m.indexOf("Error: \"");
            String reason = at < 0 ? "" : m.substring(at + 8).split("[.\"]", 2)[0];
            return "host unreachable or port closed" + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
        return switch (e.getErrorCode()) {
            case 18456 -> "authentication failed: " + m;
            case 4060 -> "cannot open the database: " + m;
            case 229, 230, 262, 297, 300 -> "permission denied: " + m;
            default -> m;
        };
    }

    @Override
    public void close() {
        connections.close();
    }
}
