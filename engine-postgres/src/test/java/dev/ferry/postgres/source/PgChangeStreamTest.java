package dev.ferry.postgres.source;

import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.debezium.EngineChangeStream;
import dev.ferry.postgres.PgEndpoint;
import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PgChangeStreamTest {
    static final Schema ENVELOPE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();

    /** A record as the connector makes it: offset lsn/lsn_proc, op, and the key-change header on a delete half. */
    static RecordChangeEvent<SourceRecord> record(long lsn, String op, boolean keyChangeDelete) {
        SourceRecord r = new SourceRecord(Map.of("server", "ferry-t"), Map.of("lsn", lsn, "lsn_proc", lsn), "topic",
                ENVELOPE, new Struct(ENVELOPE).put("op", op));
        if (keyChangeDelete) {
            r.headers().addString("__debezium.newkey", "{id=100}");
        }
        return () -> r;
    }

    @Test
    @DisplayName("when a batch ends with the delete half of a key change, then its checkpoint stops before that message")
    void keyChangeSplitAcrossBatches() {
        List<RecordChangeEvent<SourceRecord>> batch = List.of(record(10, "c", false), record(20, "u", false), record(30, "d", true));
        assertThat(EngineChangeStream.coveredRecords(batch, PgChangeStream::message)).isEqualTo(2);
    }

    @Test
    void completeKeyChangeIsCovered() {
        List<RecordChangeEvent<SourceRecord>> batch = List.of(record(10, "c", false), record(30, "d", true), record(30, "c", false));
        assertThat(EngineChangeStream.coveredRecords(batch, PgChangeStream::message)).isEqualTo(3);
    }

    @Test
    @DisplayName("when a batch ends with truncates of one statement, then none of them is covered")
    void trailingTruncates() {
        List<RecordChangeEvent<SourceRecord>> batch = List.of(record(10, "c", false), record(40, "t", false), record(40, "t", false));
        assertThat(EngineChangeStream.coveredRecords(batch, PgChangeStream::message)).isEqualTo(1);
        assertThat(EngineChangeStream.coveredRecords(List.of(record(40, "t", false)), PgChangeStream::message)).isZero();
    }

    @Test
    void ordinaryBatchIsCoveredWhole() {
        assertThat(EngineChangeStream.coveredRecords(List.of(record(10, "c", false), record(20, "d", false)), PgChangeStream::message)).isEqualTo(2);
    }

    private static java.util.Properties connector(String url, Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("url", url, "user", "ferry", "password", "hunter2"));
        settings.putAll(more);
        PgEndpoint endpoint = PgEndpoint.of(new EndpointConfig("postgres", settings));
        TableSchema t = new TableSchema(new TableId("shop", "orders"), List.of(new Column("id", LogicalType.of(dev.ferry.core.model.TypeKind.INT32), false, "integer")),
                List.of("id"));
        return PgChangeStream.connectorProperties("t", endpoint, "ferry_t", "ferry_t", List.of(t), 1000, 500);
    }

    @Test
    @DisplayName("when the URL carries TLS settings, then Debezium's connections get them under its own keys")
    void tlsReachesDebezium() {
        java.util.Properties p = connector("jdbc:postgresql://db.example.com:6432/orders?sslmode=verify-full"
                + "&sslrootcert=/etc/ferry/root.crt&sslcert=/etc/ferry/client.crt&sslkey=/etc/ferry/client.pk8"
                + "&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory", Map.of("sslPassword", "keypass"));
        // the keys of Debezium's PostgresConnectorConfig (SSL_MODE, SSL_ROOT_CERT, SSL_CLIENT_CERT, SSL_CLIENT_KEY,
        // SSL_CLIENT_KEY_PASSWORD, SSL_SOCKET_FACTORY)
        assertThat(p).containsEntry(PostgresConnectorConfig.SSL_MODE.name(), "verify-full")
                .containsEntry(PostgresConnectorConfig.SSL_ROOT_CERT.name(), "/etc/ferry/root.crt")
                .containsEntry(PostgresConnectorConfig.SSL_CLIENT_CERT.name(), "/etc/ferry/client.crt")
                .containsEntry(PostgresConnectorConfig.SSL_CLIENT_KEY.name(), "/etc/ferry/client.pk8")
                .containsEntry(PostgresConnectorConfig.SSL_CLIENT_KEY_PASSWORD.name(), "keypass")
                .containsEntry(PostgresConnectorConfig.SSL_SOCKET_FACTORY.name(), "org.postgresql.ssl.DefaultJavaSSLFactory")
                .containsEntry("database.hostname", "db.example.com")
                .containsEntry("database.port", "6432")
                .containsEntry("database.dbname", "orders")
                .containsEntry("database.user", "ferry")
                .containsEntry("database.ferry.serversUrl", "jdbc:postgresql://db.example.com:6432/orders");
        // the connector accepts the configuration (its own checks of every field, hostname included)
        Configuration config = Configuration.from(p);
        assertThat(config.validateAndRecord(PostgresConnectorConfig.ALL_FIELDS, problem -> { })).isTrue();
    }

    @Test
    @DisplayName("when the URL has the short form, an IPv6 host or several hosts, then Debezium connects to those servers")
    void serversReachDebezium() {
        java.util.Properties shortForm = connector("jdbc:postgresql:orders", Map.of());
        assertThat(shortForm).containsEntry("database.hostname", "localhost").containsEntry("database.port", "5432")
                .containsEntry("database.dbname", "orders")
                .containsEntry("database.ferry.serversUrl", "jdbc:postgresql://localhost:5432/orders");
        java.util.Properties v6 = connector("jdbc:postgresql://[::1]:5433/orders", Map.of());
        assertThat(v6).containsEntry("database.ferry.serversUrl", "jdbc:postgresql://[::1]:5433/orders")
                .containsEntry("database.connection.factory.class", CaptureConnectionFactory.class.getName());
        java.util.Properties several = connector("jdbc:postgresql://primary:5432,standby:5433/orders?targetServerType=primary",
                Map.of());
        assertThat(several).containsEntry("database.ferry.serversUrl", "jdbc:postgresql://primary:5432,standby:5433/orders")
                .containsEntry("database.targetServerType", "primary");
        for (java.util.Properties p : List.of(shortForm, v6, several)) {
            assertThat(Configuration.from(p).validateAndRecord(PostgresConnectorConfig.ALL_FIELDS, problem -> { }))
                    .as(p.getProperty("database.hostname")).isTrue();
        }
    }

    @Test
    @DisplayName("when Debezium connects, then its sockets keep alive and its heartbeats write a message to the WAL")
    void keepAliveAndHeartbeat() {
        java.util.Properties p = connector("jdbc:postgresql://h/orders", Map.of());
        assertThat(p).containsEntry("database.tcpKeepAlive", "true")
                .containsEntry("database.socketFactory", dev.ferry.postgres.KeepAliveSocketFactory.class.getName())
                .containsEntry("heartbeat.interval.ms", "5000")
                .containsEntry("heartbeat.action.query", "SELECT pg_logical_emit_message(false, 'ferry-heartbeat', '')")
                .containsEntry("message.prefix.include.list", "ferry-sync")
                .doesNotContainKey("database.socketTimeout");
        // a socket factory of the user's (in the URL) is kept
        assertThat(connector("jdbc:postgresql://h/orders?socketFactory=com.example.Tunnel", Map.of()))
                .containsEntry("database.socketFactory", "com.example.Tunnel");
    }
}
