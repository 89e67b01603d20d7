package dev.ferry.sqlserver;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.core.FerryException;
import dev.ferry.core.SourceException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections to one SQL Server database: a small HikariCP pool for catalog queries and polling,
 * dedicated connections for long reads, all closed by {@link #close()} even mid-read, which is
 * how an abort stops them. Failures become one line naming the server, never the password.
 */
public final class SqlServerConnector implements AutoCloseable {

    private final SqlServerEndpoint endpoint;
    private final String applicationName;
    private final Set<Connection> dedicated = ConcurrentHashMap.newKeySet();
    private volatile HikariDataSource pool;
    private volatile boolean closed;

    public SqlServerConnector(SqlServerEndpoint endpoint, String applicationName) {
        this.endpoint = endpoint;
        this.applicationName = applicationName;
    }

    public SqlServerEndpoint endpoint() {
        return endpoint;
    }

    /** A pooled connection for short work, in auto-commit mode; close it to return it. */
    public Connection pooled() {
        HikariDataSource p = pool;
        if (p == null) {
            synchronized (this) {
                checkOpen();
                p = pool;
                if (p == null) {
                    // Connect once directly first: Hikari would wrap a failed login in its own exception.
                    try (Connection probe = DriverManager.getConnection(endpoint.url(), endpoint.properties(applicationName))) {
                        probe.isValid(1);
                    } catch (SQLException e) {
                        throw failure("cannot connect", e);
                    }
                    HikariConfig config = new HikariConfig();
                    config.setJdbcUrl(endpoint.url());
                    config.setDataSourceProperties(endpoint.properties(applicationName));
                    config.setMaximumPoolSize(4);
                    config.setMinimumIdle(0);
                    config.setPoolName(applicationName);
                    config.setConnectionTimeout(Math.max(250, endpoint.connectTimeoutSeconds() * 1000L));
                    config.setInitializationFailTimeout(-1);
                    pool = p = new HikariDataSource(config);
                }
            }
        }
        try {
            return p.getConnection();
        } catch (SQLException e) {
            throw failure("cannot connect", e);
        }
    }

    /** A dedicated connection, closed by the caller or by {@link #close()}. */
    public Connection open() {
        checkOpen();
        try {
            Connection c = DriverManager.getConnection(endpoint.url(), endpoint.properties(applicationName));
            dedicated.add(c);
            if (closed) {
                c.close();
                checkOpen();
            }
            return c;
        } catch (SQLException e) {
            throw failure("cannot connect", e);
        }
    }

    /** Closes a dedicated connection and forgets it. */
    public void release(Connection c) {
        if (c == null) {
            return;
        }
        dedicated.remove(c);
        try {
            c.close();
        } catch (SQLException e) {
            // broken already: nothing more to release
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new SourceException("source sqlserver at " + endpoint.where() + " is closed");
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
        closed = true;
        for (Connection c : dedicated) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // closing mid-read may fail; the connection is gone either way
            }
        }
        dedicated.clear();
        HikariDataSource p = pool;
        if (p != null) {
            p.close();
        }
    }
}
