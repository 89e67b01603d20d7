package dev.ferry.postgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.sql.Connection;
import java.sql.SQLException;

/** One embedded PostgreSQL server per test class; tests take fresh databases from it. */
abstract class EmbeddedPostgresTest {
    static PgTestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new PgTestServer();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** A connection for writer threads, which cannot throw checked exceptions. */
    static Connection connect(String db) {
        try {
            return server.connect(db);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
