package dev.ferry.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Connections to one database, as every Ferry endpoint needs them: a small HikariCP pool for short
 * statements, started on first use behind one direct connection (Hikari would wrap a failed login
 * in its own exception, and the user must read the driver's reason), and dedicated connections for
 * long reads and streams. {@link #close()} closes them all, even mid-read, which is how an abort
 * stops them. Thread-safe.
 *
 * <p>How failures read is the endpoint's business ({@link Failures}): this class never builds a
 * message, so no password can reach one through it.
 */
public final class Connections implements AutoCloseable {

    /** How the endpoint reports failures. */
    public interface Failures {
        /** {@code what} failed because of {@code e}: the exception to throw (naming the endpoint, never the password). */
        RuntimeException failure(String what, SQLException e);

        /** The endpoint was closed: the exception to throw. */
        RuntimeException closed();
    }

    private final String url;
    private final Supplier<Properties> properties;
    private final String poolName;
    private final long connectTimeoutMillis;
    private final Failures failures;
    private final Set<Connection> dedicated = ConcurrentHashMap.newKeySet();
    private volatile HikariDataSource pool;
    private volatile boolean closed;

    /**
     * @param properties the driver properties of every connection (credentials included), fresh on each call
     * @param poolName   names the pool's threads and its connections in the server's session list
     */
    public Connections(String url, Supplier<Properties> properties, String poolName, int connectTimeoutSeconds, Failures failures) {
        this.url = url;
        this.properties = properties;
        this.poolName = poolName;
        this.connectTimeoutMillis = Math.max(250, connectTimeoutSeconds * 1000L);
        this.failures = failures;
    }

    /** A pooled connection for short work, in auto-commit mode; close it to return it. */
    public Connection pooled() {
        checkOpen();
        HikariDataSource p = pool;
        if (p == null) {
            synchronized (this) {
                checkOpen();
                p = pool;
                if (p == null) {
                    try (Connection probe = DriverManager.getConnection(url, properties.get())) {
                        probe.isValid(1);
                    } catch (SQLException e) {
                        throw failures.failure("cannot connect", e);
                    }
                    HikariConfig config = new HikariConfig();
                    config.setJdbcUrl(url);
                    config.setDataSourceProperties(properties.get());
                    config.setMaximumPoolSize(4);
                    config.setMinimumIdle(0);
                    config.setPoolName(poolName);
                    config.setConnectionTimeout(connectTimeoutMillis);
                    config.setInitializationFailTimeout(-1);
                    pool = p = new HikariDataSource(config);
                }
            }
        }
        try {
            return p.getConnection();
        } catch (SQLException e) {
            throw failures.failure("cannot connect", e);
        }
    }

    /**
     * A dedicated connection with {@code extra} driver properties on top of the endpoint's; closed
     * by the caller, or by {@link #close()}.
     */
    public Connection open(Properties extra) {
        checkOpen();
        Properties props = properties.get();
        props.putAll(extra);
        try {
            Connection c = DriverManager.getConnection(url, props);
            dedicated.add(c);
            if (closed) {
                c.close();
                checkOpen();
            }
            return tracked(c);
        } catch (SQLException e) {
            throw failures.failure("cannot connect", e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw failures.closed();
        }
    }

    /** The connection, forgetting itself from the dedicated set when its user closes it. */
    private Connection tracked(Connection delegate) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        dedicated.remove(delegate);
                    }
                    if (method.getName().equals("unwrap") && args != null && args[0] instanceof Class<?> k && k.isInstance(delegate)) {
                        return delegate;
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Closes every connection, dedicated ones mid-use included; later calls fail with {@link Failures#closed()}. */
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
