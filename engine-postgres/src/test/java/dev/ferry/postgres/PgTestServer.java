package dev.ferry.postgres;

import dev.ferry.core.spi.EndpointConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server per test class, with logical decoding enabled; every test gets
 * fresh databases from {@link #newDatabase}.
 */
public final class PgTestServer implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final EmbeddedPostgres pg;

    public PgTestServer() throws IOException {
        this(Map.of());
    }

    /** A server with {@code config} on top of (or instead of) the settings every test server has. */
    public PgTestServer(Map<String, String> config) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off");
        config.forEach(builder::setServerConfig);
        pg = builder.start();
    }

    public String newDatabase(String prefix) throws SQLException {
        String name = prefix + "_" + COUNTER.incrementAndGet();
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    public String url(String database) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database;
    }

    public int port() {
        return pg.getPort();
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), "postgres", "");
    }

    public EndpointConfig endpoint(String database) {
        return new EndpointConfig("postgres", Map.of("url", url(database), "user", "postgres", "password", ""));
    }

    /** An endpoint with tuned CDC batching (smaller batches make tests exercise more commits). */
    public EndpointConfig sourceEndpoint(String database, int cdcBatchSize) {
        return new EndpointConfig("postgres", Map.of("url", url(database), "user", "postgres", "password", "",
                "cdcBatchSize", String.valueOf(cdcBatchSize), "cdcPollMillis", "200"));
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
