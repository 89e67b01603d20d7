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
sealed interface SqlServerPosition extends SourcePosition {

    /**
     * An MS-CDC position. {@code commitLsn} null means "from the oldest change still in the change
     * tables" (the database had no change yet when the task started). {@code changeLsn} null means
     * the whole commit {@code commitLsn} is covered; otherwise the position is inside that commit,
     * after change {@code changeLsn} and its event {@code eventSerialNo}.
     *
     * @param partition Debezium's source partition; empty for a mark
     * @param offset    Debezium's source offset, as the connector loads it
     * @param handoffs  per table without a primary key, where its full load hands over to the
     *                  stream ({@link KeylessHandoff}), until the stream passes it; never null
     */
    record Cdc(Lsn commitLsn, Lsn changeLsn, long eventSerialNo, Map<String, Object> partition,
               Map<String, Object> offset, Map<TableId, KeylessHandoff> handoffs) implements SqlServerPosition {

        /** Debezium's offset key: start streaming after {@code commit_lsn}, not at it. */
        static final String SNAPSHOT_COMPLETED = "snapshot_completed";

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
            offset.put(SNAPSHOT_COMPLETED, true);
            return new Cdc(maxLsn, null, 0, partition, offset);
        }

        /**
         * The start of a CDC-only task at a chosen LSN (DMS's CdcStartPosition): changes with a
         * commit LSN at or after {@code first} are delivered. A mark after the LSN one below it,
         * from which the connector starts at {@code sys.fn_cdc_increment_lsn} of it: {@code first}.
         */
        static Cdc startingAt(Lsn first, Map<String, Object> partition) {
            return mark(first.previous(), partition);
        }

        /**
         * The position of one Debezium record, from its source partition and offset.
         *
         * <p>Debezium writes an unset LSN as the text {@code "NULL"} ({@code Lsn.NULL.toString()}):
         * its heartbeats right after a start carry {@code change_lsn: "NULL"}, and so does every
         * offset after a poll window without a change of a captured table
         * ({@code setChangePosition(TxLogPosition.valueOf(toLsn), 0)}). Both mean "every change up
         * to and including commit {@code commit_lsn} is processed". The connector itself reads
         * such an offset back as "commit {@code commit_lsn} again from its first change"
         * ({@code SqlServerStreamingChangeEventSource} increases the start LSN only right after a
         * snapshot), which would replay a whole commit after a restart — applied twice on a table
         * without a key. So an offset without a change LSN is stored with
         * {@code snapshot_completed: true}, which makes the connector start after the commit, as
         * it does from the mark.
         */
        static Cdc of(Map<String, ?> partition, Map<String, ?> offset) {
            Lsn commit = offsetLsn(offset.get("commit_lsn"));
            Lsn change = offsetLsn(offset.get("change_lsn"));
            Object serial = offset.get("event_serial_no");
            Map<String, Object> stored = new LinkedHashMap<>(offset);
            if (change == null && commit != null) {
                stored.put(SNAPSHOT_COMPLETED, true);
            }
            return new Cdc(commit, change, serial instanceof Number n ? n.longValue() : 0, new LinkedHashMap<>(partition), stored);
        }

        /** An LSN of a Debezium offset: null, or Debezium's {@code "NULL"}, is unset. */
        private static Lsn offsetLsn(Object value) {
            if (value == null) {
                return null;
            }
            io.debezium.connector.sqlserver.Lsn lsn = io.debezium.connector.sqlserver.Lsn.valueOf(value.toString());
            return lsn.isAvailable() ? new Lsn(lsn.getBinary()) : null;
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
            // Without a change LSN a position covers its whole commit (a mark, a heartbeat after an
            // idle poll window), so it comes after every change of that commit.
            if (a.changeLsn() == null || b.changeLsn() == null) {
                return a.changeLsn() == null ? (b.changeLsn() == null ? 0 : 1) : -1;
            }
            c = a.changeLsn().compareTo(b.changeLsn());
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
