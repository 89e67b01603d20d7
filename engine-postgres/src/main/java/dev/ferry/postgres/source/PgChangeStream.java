package dev.ferry.postgres.source;

import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.debezium.EngineChangeStream;
import dev.ferry.debezium.SeededOffsetStore;
import dev.ferry.postgres.PgEndpoint;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL changes through Debezium's embedded engine and its PostgreSQL connector (pgoutput),
 * handed over by {@link EngineChangeStream}: the connector confirms an LSN to the slot only after
 * the target committed the batch that holds it, so the slot never moves past what the target has,
 * and WAL is released as soon as it is.
 */
final class PgChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(PgChangeStream.class);
    static final String SYNC_PREFIX = "ferry-sync";

    private PgChangeStream() {
    }

    static ChangeStream open(String taskName, PgEndpoint endpoint, String slot, String publication, List<TableSchema> tables,
                             PgPosition from, int maxBatch, long pollMillis) {
        Properties p = EngineChangeStream.properties(taskName, "io.debezium.connector.postgresql.PostgresConnector", maxBatch,
                pollMillis);
        SeededOffsetStore.seed(p, from.partition(), from.offset());
        p.setProperty("database.hostname", endpoint.host());
        p.setProperty("database.port", String.valueOf(endpoint.port()));
        p.setProperty("database.user", endpoint.user());
        p.setProperty("database.password", endpoint.password());
        p.setProperty("database.dbname", endpoint.database());
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
        p.setProperty("status.update.interval.ms", "1000");
        // a restarted task may find the slot still held for a moment by the process it replaces
        p.setProperty("slot.max.retries", "30");
        p.setProperty("slot.retry.delay.ms", "500");
        p.setProperty("schema.include.list", String.join(",", tables.stream()
                .map(t -> java.util.regex.Pattern.quote(t.id().schema())).distinct().toList()));
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
        return stream;
    }

    /** Records of one WAL message (the halves of a key change, the tables of one TRUNCATE) share its LSN. */
    static Object message(SourceRecord record) {
        return record.sourceOffset().get("lsn");
    }
}
