package dev.ferry.sqlserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.SourceException;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a SQL Server task is in the change history: either an MS-CDC position (commit LSN,
 * change LSN and the event's serial number within that change, plus Debezium's own partition and
 * offset maps, kept verbatim) or a Change Tracking version. Positions of the two modes never
 * compare: a task stays in the mode it started in.
 */
public sealed interface SqlServerPosition extends SourcePosition {

    /**
     * An MS-CDC position. {@code commitLsn} null means "from the oldest change still in the change
     * tables" (the database had no change yet when the task started).
     *
     * @param partition Debezium's source partition; empty for a mark
     * @param offset    Debezium's source offset, as the connector loads it
     * @param handoffs  per table without a primary key, where its full load hands over to the
     *                  stream ({@link KeylessHandoff}), until the stream passes it; never null
     */
    record Cdc(Lsn commitLsn, Lsn changeLsn, long eventSerialNo, Map<String, Object> partition,
               Map<String, Object> offset, Map<TableId, KeylessHandoff> handoffs) implements SqlServerPosition {

        public Cdc {
            partition = new TreeMap<>(partition);
            offset = new TreeMap<>(offset);
            handoffs = handoffs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(handoffs));
        }

        /** A position with no keyless hand-over pending. */
        public Cdc(Lsn commitLsn, Lsn changeLsn, long eventSerialNo, Map<String, Object> partition, Map<String, Object> offset) {
            this(commitLsn, changeLsn, eventSerialNo, partition, offset, Map.of());
        }

        /** This position with {@code handoffs} pending instead of its own. */
        Cdc withHandoffs(Map<TableId, KeylessHandoff> handoffs) {
            return new Cdc(commitLsn, changeLsn, eventSerialNo, partition, offset, handoffs);
        }

        /**
         * The position recorded before a full load: everything committed up to {@code maxLsn} is in
         * the load; streaming starts after it. The offset tells the connector that a snapshot is
         * complete, so it takes none and starts reading after {@code maxLsn}, not at it.
         */
        static Cdc mark(Lsn maxLsn, Map<String, Object> partition) {
            Map<String, Object> offset = new LinkedHashMap<>();
            offset.put("commit_lsn", maxLsn == null ? null : maxLsn.toString());
            offset.put("snapshot_completed", true);
            return new Cdc(maxLsn, null, 0, partition, offset);
        }

        /** The position of one Debezium record, from its source partition and offset. */
        static Cdc of(Map<String, ?> partition, Map<String, ?> offset) {
            Object commit = offset.get("commit_lsn");
            Object change = offset.get("change_lsn");
            Object serial = offset.get("event_serial_no");
            return new Cdc(commit == null ? null : Lsn.parse(commit.toString()), change == null ? null : Lsn.parse(change.toString()),
                    serial instanceof Number n ? n.longValue() : 0, new LinkedHashMap<>(partition), new LinkedHashMap<>(offset));
        }

        @Override
        public String describe() {
            return commitLsn == null ? "LSN (start of the change tables)" : "LSN " + commitLsn
                    + (changeLsn == null ? "" : " change " + changeLsn + " #" + eventSerialNo);
        }
    }

    /** A Change Tracking position: every change up to and including {@code version} is applied. */
    record ChangeTracking(long version) implements SqlServerPosition {
        @Override
        public String describe() {
            return "change tracking version " + version;
        }
    }

    @Override
    default String serialize() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (this instanceof Cdc c) {
            m.put("mode", "cdc");
            m.put("partition", c.partition());
            m.put("offset", c.offset());
            if (!c.handoffs().isEmpty()) {
                m.put("handoffs", KeylessHandoff.toJson(c.handoffs()));
            }
        } else {
            m.put("mode", "ct");
            m.put("version", ((ChangeTracking) this).version());
        }
        try {
            return Json.MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise position " + this, e);
        }
    }

    static SqlServerPosition parse(String text) {
        try {
            Map<String, Object> m = Json.MAPPER.readValue(text, new TypeReference<>() { });
            Object mode = m.get("mode");
            if ("ct".equals(mode)) {
                return new ChangeTracking(((Number) m.get("version")).longValue());
            }
            if ("cdc".equals(mode)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> partition = (Map<String, Object>) m.getOrDefault("partition", Map.of());
                @SuppressWarnings("unchecked")
                Map<String, Object> offset = (Map<String, Object>) m.getOrDefault("offset", Map.of());
                // JSON brings small numbers back as Integer; the connector reads its serial number as Long
                Map<String, Object> typed = new LinkedHashMap<>(offset);
                if (typed.get("event_serial_no") instanceof Number n) {
                    typed.put("event_serial_no", n.longValue());
                }
                return Cdc.of(partition, typed).withHandoffs(KeylessHandoff.fromJson(m.get("handoffs")));
            }
            throw new IllegalArgumentException("unknown mode " + mode);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new SourceException("stored position is not a SQL Server position: " + text, e);
        }
    }

    @Override
    default int compareTo(SourcePosition other) {
        if (this instanceof ChangeTracking a && other instanceof ChangeTracking b) {
            return Long.compare(a.version(), b.version());
        }
        if (this instanceof Cdc a && other instanceof Cdc b) {
            int c = compareNullsFirst(a.commitLsn(), b.commitLsn());
            if (c != 0) {
                return c;
            }
            c = compareNullsFirst(a.changeLsn(), b.changeLsn());
            return c != 0 ? c : Long.compare(a.eventSerialNo(), b.eventSerialNo());
        }
        throw new IllegalArgumentException("cannot compare a Change Tracking position with an MS-CDC position");
    }

    /** The shared JSON mapper of positions. */
    final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();

        private Json() {
        }
    }

    private static int compareNullsFirst(Lsn a, Lsn b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }
}
