package dev.ferry.debezium;

import dev.ferry.core.model.ChangeEvent;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns one Debezium record into what it means to Ferry. Each source module has its own, so that
 * Debezium's value representation never leaves the module. Called on the engine's thread only.
 */
@FunctionalInterface
public interface RecordConverter {

    /**
     * @throws dev.ferry.core.SourceException when the record cannot be carried; the message names
     *                                        the table and column
     */
    Result convert(SourceRecord record);

    /**
     * The value of {@code field} in {@code struct} as the connector wrote it. Kafka Connect's
     * {@code Struct.get(Field)} puts the schema's default in place of a null, and the connectors give
     * a column with a DEFAULT that default in its schema: a NULL the application wrote into such a
     * column would arrive as the default. Only fields with a default pay for the second lookup.
     */
    static Object valueOf(org.apache.kafka.connect.data.Struct struct, org.apache.kafka.connect.data.Field field) {
        Object v = struct.get(field);
        if (v != null && field.schema().defaultValue() != null) {
            return struct.getWithoutDefault(field.name());
        }
        return v;
    }

    /** The bytes of a connector value that is a {@code byte[]} or a {@code ByteBuffer}. */
    static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        java.nio.ByteBuffer bb = ((java.nio.ByteBuffer) v).duplicate();
        byte[] b = new byte[bb.remaining()];
        bb.get(b);
        return b;
    }

    /**
     * A connector boolean or number as the neutral class of {@code kind}, one of BOOLEAN, INT16,
     * INT32, INT64, FLOAT32, FLOAT64 (Connect widens or narrows integers by column type: tinyint
     * arrives as INT16, an unsigned int as INT64).
     */
    static Object primitive(dev.ferry.core.model.TypeKind kind, Object v) {
        return switch (kind) {
            case BOOLEAN -> v;
            case INT16 -> ((Number) v).shortValue();
            case INT32 -> ((Number) v).intValue();
            case INT64 -> ((Number) v).longValue();
            case FLOAT32 -> ((Number) v).floatValue();
            case FLOAT64 -> ((Number) v).doubleValue();
            default -> throw new IllegalArgumentException(kind + " is not a boolean or number kind");
        };
    }

    /** What one record means: a change, a sync marker, or nothing but a position (heartbeat, other table). */
    sealed interface Result permits Change, Marker, PositionOnly {
    }

    /** A row change, with the source commit time in epoch milliseconds (0 when unknown). */
    record Change(ChangeEvent event, long sourceTimeMillis) implements Result {
    }

    /** A sync point token written by {@code requestSyncPoint}. */
    record Marker(String token) implements Result {
    }

    /** A record that only moves the position. */
    record PositionOnly() implements Result {
        public static final PositionOnly INSTANCE = new PositionOnly();
    }
}
