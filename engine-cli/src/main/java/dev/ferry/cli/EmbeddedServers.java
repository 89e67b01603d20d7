package dev.ferry.cli;

import dev.ferry.core.spi.EndpointConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Two local PostgreSQL servers from embedded binaries, for {@code demo} and {@code bench}: a source
 * with logical decoding enabled and a target. Run with fsync off: fast, never a durability test.
 */
final class EmbeddedServers implements AutoCloseable {
    final EmbeddedPostgres source;
    final EmbeddedPostgres target;
    final String database;

    /** Starts both servers and creates {@code database} on each. */
    EmbeddedServers(String database) throws IOException, SQLException {
        this.database = database;
        source = start();
        try {
            target = start();
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
        try {
            createDatabase(source, database);
            createDatabase(target, database);
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String url(EmbeddedPostgres pg) {
        return url(pg, database);
    }

    Connection connect(EmbeddedPostgres pg) throws SQLException {
        return connect(pg, database);
    }

    EndpointConfig endpoint(EmbeddedPostgres pg) {
        return endpoint(pg, database);
    }

    private static EmbeddedPostgres start() throws IOException {
        return EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("max_connections", "100")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("shared_buffers", "256MB")
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("checkpoint_timeout", "30min")
                .start();
    }

    static void createDatabase(EmbeddedPostgres pg, String name) throws SQLException {
        try (Connection c = connect(pg, "postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
    }

    static String url(EmbeddedPostgres pg, String database) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database;
    }

    static Connection connect(EmbeddedPostgres pg, String database) throws SQLException {
        return DriverManager.getConnection(url(pg, database), "postgres", "");
    }

    static EndpointConfig endpoint(EmbeddedPostgres pg, String database) {
        return new EndpointConfig("postgres", Map.of("url", url(pg, database), "user", "postgres", "password", ""));
    }

    @Override
    public void close() throws IOException {
        try {
            target.close();
        } finally {
            source.close();
        }
    }
}
