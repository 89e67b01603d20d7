package dev.ferry.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared connection plumbing against a real PostgreSQL server. */
class ConnectionsTest {

    static EmbeddedPostgres server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static final class Failed extends RuntimeException {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static Connections connections(String password) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        return new Connections(server.getJdbcUrl("postgres", "postgres"), () -> (Properties) p.clone(), "test", 2,
                new Connections.Failures() {
                    @Override
                    public RuntimeException failure(String what, SQLException e) {
                        return new Failed(what + ": " + e.getSQLState(), e);
                    }

                    @Override
                    public RuntimeException closed() {
                        return new Failed("closed", null);
                    }
                });
    }

    @Test
    @DisplayName("when a dedicated connection is in use, then close() drops it and later calls fail as the endpoint says")
    void closeDropsDedicatedConnections() throws SQLException {
        Connections c = connections("postgres");
        Connection pooled = c.pooled();
        try (Statement st = pooled.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
        pooled.close();
        Connection reading = c.open(new Properties());
        Connection returned = c.open(new Properties());
        returned.close();
        c.close();
        assertThat(reading.isClosed()).isTrue();
        assertThatThrownBy(c::pooled).isInstanceOf(Failed.class).hasMessage("closed");
        assertThatThrownBy(() -> c.open(new Properties())).isInstanceOf(Failed.class).hasMessage("closed");
    }

    @Test
    @DisplayName("when the login fails, then the endpoint's failure carries the driver's own reason, not the pool's")
    void failedLoginIsTheDriversReason() {
        // embedded PostgreSQL trusts local logins; a missing database fails the same way for every password
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        Connections c = new Connections(server.getJdbcUrl("postgres", "no_such_db"), () -> (Properties) p.clone(), "test", 2,
                new Connections.Failures() {
                    @Override
                    public RuntimeException failure(String what, SQLException e) {
                        return new Failed(what + ": " + e.getSQLState(), e);
                    }

                    @Override
                    public RuntimeException closed() {
                        return new Failed("closed", null);
                    }
                });
        assertThatThrownBy(c::pooled).isInstanceOf(Failed.class).hasMessage("cannot connect: 3D000");
        c.close();
    }
}
