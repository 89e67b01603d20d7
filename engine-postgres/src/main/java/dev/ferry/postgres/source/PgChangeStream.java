package dev.ferry.postgres.source;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.debezium.EngineChangeStream;
import dev.ferry.debezium.SeededOffsetStore;
import dev.ferry.postgres.KeepAliveSocketFactory;
import dev.ferry.postgres.PgEndpoint;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL changes through Debezium's embedded engine and its PostgreSQL connector (pgoutput),
 * handed over by {@link EngineChangeStream}: the connector confirms an LSN to the slot only after
 * the target committed the batch that holds it, so the slot never moves past what the target has,
 * and WAL is released as soon as it is.
 */
final class PgChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(PgChangeStream.class);
    static final String SYNC_PREFIX = "ferry-sync";
    /** Prefix of the logical decoding messages the heartbeats write. */
    static final String HEARTBEAT_PREFIX = "ferry-heartbeat";

    private PgChangeStream() {
    }

    static ChangeStream open(String taskName, PgEndpoint endpoint, String slot, String publication, List<TableSchema> tables,
                             PgPosition from, int maxBatch, long pollMillis) {
        Properties p = connectorProperties(taskName, endpoint, slot, publication, tables, maxBatch, pollMillis);
        SeededOffsetStore.seed(p, from.partition(), from.offset());
        ChangeStream stream = new EngineChangeStream(taskName, "PostgreSQL", p, new DebeziumRecords(tables, SYNC_PREFIX),
                new EngineChangeStream.Positions() {
                    @Override
                    public PgPosition of(SourceRecord record) {
                        return PgPosition.of(record.sourcePartition(), record.sourceOffset());
                    }

                    @Override
                    public Object message(SourceRecord record) {
                        return PgChangeStream.message(record);
                    }
                }, from);
        LOG.info("task {}: change capture started on slot {} from {}", taskName, slot, from.describe());
        return new SlotChecked(stream, endpoint, taskName, slot);
    }

    /**
     * The stream, whose failures say so when the reason is that the slot is gone (dropped while the
     * task ran): Debezium says only that its offset "is no longer available on the server".
     */
    private record SlotChecked(ChangeStream stream, PgEndpoint endpoint, String taskName, String slot) implements ChangeStream {

        @Override
        public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
            try {
                return stream.poll(timeout, unit);
            } catch (SourceException e) {
                if (slotIsGone()) {
                    throw new SourceException("replication slot " + slot + " of task " + taskName + " no longer exists (dropped "
                            + "while the task ran?), so the changes since the task's checkpoint cannot be read; start the task "
                            + "again with a full load (ferry run --reload)", e);
                }
                throw e;
            }
        }

        private boolean slotIsGone() {
            try (Connection c = DriverManager.getConnection(endpoint.url(), endpoint.properties("ferry-source"));
                 PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    return !rs.next();
                }
            } catch (SQLException unreachable) {
                return false; // the failure as it was says more than a guess
            }
        }

        @Override
        public boolean startTableAfter(TableId table, SourcePosition start) {
            return stream.startTableAfter(table, start);
        }

        @Override
        public boolean stopAfter(dev.ferry.core.settings.CdcStop stop) {
            return stream.stopAfter(stop);
        }

        @Override
        public boolean stopReached() {
            return stream.stopReached();
        }

        @Override
        public void committed(ChangeChunk chunk) throws InterruptedException {
            stream.committed(chunk);
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    /**
     * The engine's and the connector's properties for a stream of {@code endpoint}'s database.
     *
     * <p>Connections: Debezium connects through {@link CaptureConnectionFactory} to the servers of
     * the endpoint's URL, with the URL's parameters as driver properties (Debezium hands every
     * {@code database.*} key to the driver without its prefix): {@code sslmode}, {@code sslrootcert},
     * {@code sslcert}, {@code sslkey}, {@code sslfactory}, {@code options}, {@code targetServerType} and
     * the rest reach its connections as they reach Ferry's own; so does the {@code sslPassword} key
     * (as {@code database.sslpassword}), and the keepalive of {@link KeepAliveSocketFactory} unless
     * the URL names its own socket factory. {@code database.hostname} is only a label in Debezium's
     * logs there. No {@code socketTimeout} either: the replication stream is read without blocking,
     * and its status goes to the server every second ({@code status.update.interval.ms}), which ends
     * a stream whose client is gone after its {@code wal_sender_timeout}.
     *
     * <p>Heartbeats: the connector confirms a position to the slot only when it reads one, and
     * pgoutput sends nothing for tables outside the publication (not even their empty transactions,
     * from PostgreSQL 15); while only those are written, the slot would hold all their WAL. So every
     * heartbeat writes a non-transactional logical decoding message, which the connector reads as
     * a new position and the next heartbeat record carries; like any record, it is confirmed to
     * the slot only once the target has committed its checkpoint ({@link EngineChangeStream}).
     * The message's prefix is not in {@code message.prefix.include.list}, so it becomes no record of
     * its own.
     */
    static Properties connectorProperties(String taskName, PgEndpoint endpoint, String slot, String publication,
                                          List<TableSchema> tables, int maxBatch, long pollMillis) {
        Properties p = EngineChangeStream.properties(taskName, "io.debezium.connector.postgresql.PostgresConnector", maxBatch,
                pollMillis);
        // a label that passes Debezium's check of hostnames (letters, digits, '-', '_', '.'): the factory connects
        StringJoiner hosts = new StringJoiner("-");
        endpoint.servers().forEach(s -> hosts.add(s.host()));
        p.setProperty("database.hostname", hosts.toString().replaceAll("[^a-zA-Z0-9_.-]", "_"));
        p.setProperty("database.port", String.valueOf(endpoint.servers().get(0).port()));
        p.setProperty("database.dbname", endpoint.database());
        p.setProperty("database.connection.factory.class", CaptureConnectionFactory.class.getName());
        p.setProperty("database." + CaptureConnectionFactory.SERVERS_URL, endpoint.serversUrl());
        p.setProperty("database.tcpKeepAlive", "true");
        p.setProperty("database.socketFactory", KeepAliveSocketFactory.class.getName());
        p.setProperty("database.connectTimeout", String.valueOf(endpoint.connectTimeoutSeconds()));
        p.setProperty("database.loginTimeout", String.valueOf(endpoint.connectTimeoutSeconds()));
        endpoint.parameters().forEach((key, value) -> {
            if (!key.equals("user") && !key.equals("password")) {
                p.setProperty("database." + key, value);
            }
        });
        p.setProperty("database.user", endpoint.user());
        p.setProperty("database.password", endpoint.password());
        if (endpoint.sslPassword() != null) {
            p.setProperty("database.sslpassword", endpoint.sslPassword());
        }
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", publication);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "json");
        p.setProperty("include.unknown.datatypes", "true");
        p.setProperty("unavailable.value.placeholder", DebeziumRecords.UNCHANGED_PLACEHOLDER);
        p.setProperty("converters", "ferrytext"); // arrays and bit strings as the text PostgreSQL sent
        p.setProperty("ferrytext.type", RawTextColumns.class.getName());
        p.setProperty("message.prefix.include.list", SYNC_PREFIX);
        p.setProperty("heartbeat.action.query", "SELECT pg_logical_emit_message(false, '" + HEARTBEAT_PREFIX + "', '')");
        p.setProperty("status.update.interval.ms", "1000");
        // a restarted task may find the slot still held for a moment by the process it replaces
        p.setProperty("slot.max.retries", "30");
        p.setProperty("slot.retry.delay.ms", "500");
        p.setProperty("schema.include.list", String.join(",", tables.stream()
                .map(t -> java.util.regex.Pattern.quote(t.id().schema())).distinct().toList()));
        return p;
    }

    /** Records of one WAL message (the halves of a key change, the tables of one TRUNCATE) share its LSN. */
    static Object message(SourceRecord record) {
        return record.sourceOffset().get("lsn");
    }
}
