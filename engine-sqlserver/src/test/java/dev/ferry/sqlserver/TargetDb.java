package dev.ferry.sqlserver;

import dev.ferry.core.spi.EndpointConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The PostgreSQL target of the SQL Server integration tests: one embedded server per class, a database per test. */
final class TargetDb implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final EmbeddedPostgres pg;

    TargetDb() throws IOException {
        pg = EmbeddedPostgres.builder().setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off").start();
    }

    String newDatabase() throws SQLException {
        String name = "target_" + COUNTER.incrementAndGet();
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.getPort() + "/" + database, "postgres", "");
    }

    EndpointConfig endpoint(String database) {
        return new EndpointConfig("postgres", Map.of("url", "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database,
                "user", "postgres", "password", ""));
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
