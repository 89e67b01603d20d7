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
