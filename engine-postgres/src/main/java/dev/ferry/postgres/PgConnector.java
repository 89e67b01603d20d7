package dev.ferry.postgres;

import dev.ferry.core.FerryException;
import dev.ferry.core.SourceException;
import dev.ferry.core.TargetException;
import dev.ferry.jdbc.Connections;
import org.postgresql.util.PSQLException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Connections to one PostgreSQL endpoint: a small HikariCP pool for short statements, dedicated
 * connections for long streams (COPY, replication), all closed by {@link #close()} even mid-use,
 * which is how an abort drops them. Connection failures become one clear line naming the
 * endpoint, never showing the password.
 */
public final class PgConnector implements AutoCloseable {

    private final PgEndpoint endpoint;
    private final String role;
    private final Connections connections;

    public PgConnector(PgEndpoint endpoint, String role) {
        this.endpoint = endpoint;
        this.role = role;
        String applicationName = "ferry-" + role;
        this.connections = new Connections(endpoint.url(), () -> endpoint.properties(applicationName), applicationName,
                endpoint.connectTimeoutSeconds(), new Connections.Failures() {
                    @Override
                    public RuntimeException failure(String what, SQLException e) {
                        return PgConnector.this.failure(what, e);
                    }

                    @Override
                    public RuntimeException closed() {
                        return error(role + " postgres at " + endpoint.where() + " is closed", null);
                    }
                });
    }

    public PgEndpoint endpoint() {
        return endpoint;
    }

    /** A pooled connection for short work; close it to return it. */
    public Connection pooled() {
        return connections.pooled();
    }

    /** A dedicated connection (extra driver properties may be given); closed by the caller or by {@link #close()}. */
    public Connection open(Properties extra) {
        return connections.open(extra);
    }

    /**
     * A dedicated connection (as {@link #open}) on which the server's limits on one session's
     * statements and transactions are off: {@code statement_timeout},
     * {@code idle_in_transaction_session_timeout} and, from PostgreSQL 17, {@code transaction_timeout}.
     * For the connections that hold a snapshot other connections import (they sit idle in their
     * transaction for as long as tables wait for a load slot) and for the full load's reads (one
     * COPY per table, as long as the table is big): a database or role may set such limits for its
     * applications ({@code ALTER DATABASE ... SET}), and they would end the snapshot, or the read,
     * half-way through the load. A session's {@code SET} overrides the database's and the role's,
     * and the URL's {@code options} too. It is set before the connection does anything else, so it
     * also holds for a replication connection, whose exported snapshot lasts only until its next
     * command.
     */
    public Connection openUntimed(Properties extra) {
        Connection c = open(extra);
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            st.execute("SET idle_in_transaction_session_timeout = 0");
            if (c.getMetaData().getDatabaseMajorVersion() >= 17) {
                st.execute("SET transaction_timeout = 0");
            }
            return c;
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw failure("turning off the session's statement and transaction timeouts failed", e);
        }
    }

    /** Wraps a SQL failure in the endpoint's exception type with a message naming the endpoint. */
    public FerryException failure(String what, SQLException e) {
        String message = what + " (" + role + " postgres at " + endpoint.where() + " as '" + endpoint.user() + "'): " + explain(e);
        return role.equals("source") ? new SourceException(message, e) : new TargetException(message, e, isTransient(e));
    }

    private FerryException error(String message, Throwable cause) {
        return role.equals("source") ? new SourceException(message, cause) : new TargetException(message, cause);
    }

    /**
     * Failures worth one more try on a new connection: connection loss (class 08), serialization
     * failures and deadlocks (40001, 40P01), and a server shutting down or restarting (57P01-57P03).
     */
    static boolean isTransient(SQLException e) {
        if (e instanceof java.sql.BatchUpdateException && e.getNextException() != null) {
            return isTransient(e.getNextException());
        }
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
    }

    /** A short explanation of a JDBC failure: the server's message, or what the network said. */
    public static String explain(SQLException e) {
        if (e instanceof java.sql.BatchUpdateException && e.getNextException() != null) {
            // the batch's own message repeats the statement with its values; the server's reason is next
            return explain(e.getNextException());
        }
        String network = FerryException.networkCause(e);
        if (network != null) {
            return network;
        }
        String state = e.getSQLState();
        if ("28P01".equals(state) || "28000".equals(state)) {
            return "authentication failed: " + serverMessage(e);
        }
        if ("3D000".equals(state)) {
            return "database does not exist: " + serverMessage(e);
        }
        return serverMessage(e);
    }

    private static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null && p.getServerErrorMessage().getMessage() != null) {
            // "where" names the COPY line and column a bad value came from
            String where = p.getServerErrorMessage().getWhere();
            return p.getServerErrorMessage().getMessage() + (where == null ? "" : " (" + where.lines().findFirst().orElse("") + ")");
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    @Override
    public void close() {
        connections.close();
    }
}
