package dev.ferry.debezium;

import dev.ferry.core.model.TableId;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The parts of a Debezium change record every Ferry source reads: its operation, its source block,
 * its row images and its commit time. One reading of Debezium's envelope for every connector.
 *
 * @param op               Debezium's operation code: c, r, u, d, t (truncate) or m (message)
 * @param envelope         the whole record value, for connector-specific fields
 * @param source           the source block
 * @param before           the old row image; null when the connector sends none
 * @param after            the new row image; null for deletes
 * @param sourceTimeMillis the source commit time in epoch milliseconds, 0 when unknown
 */
public record ChangeEnvelope(String op, Struct envelope, Struct source, Struct before, Struct after, long sourceTimeMillis) {

    /** The envelope of {@code record}; null for a record that is no change (a heartbeat, a tombstone). */
    public static ChangeEnvelope of(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("op") == null) {
            return null;
        }
        Struct source = envelope.getStruct("source");
        Long ts = source == null ? null : source.getInt64("ts_ms");
        return new ChangeEnvelope(envelope.getString("op"), envelope, source, field(envelope, "before"), field(envelope, "after"),
                ts == null ? 0 : ts);
    }

    private static Struct field(Struct envelope, String name) {
        return envelope.schema().field(name) == null ? null : envelope.getStruct(name);
    }

    /** The table the change belongs to, from the source block's schema and table. */
    public TableId table() {
        return new TableId(source.getString("schema"), source.getString("table"));
    }
}
