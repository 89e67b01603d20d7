package dev.ferry.postgres.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.SourceException;
import dev.ferry.core.model.SourcePosition;
import org.postgresql.replication.LogSequenceNumber;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A PostgreSQL change-stream position: the WAL position plus, once CDC has run, Debezium's own
 * partition and offset maps, kept verbatim so that the connector resumes exactly where the
 * target's checkpoint says. A position without an offset is a mark: the slot's start, from which
 * the connector streams using the slot's own confirmed position.
 *
 * @param lsn       WAL position used for ordering (the commit LSN when known)
 * @param partition Debezium's source partition, empty for a mark
 * @param offset    Debezium's source offset, empty for a mark
 */
record PgPosition(long lsn, Map<String, Object> partition, Map<String, Object> offset) implements SourcePosition {

    private static final ObjectMapper JSON = new ObjectMapper();

    PgPosition {
        partition = new TreeMap<>(partition);
        offset = new TreeMap<>(offset);
    }

    static PgPosition mark(long lsn) {
        return new PgPosition(lsn, Map.of(), Map.of());
    }

    static PgPosition of(Map<String, ?> partition, Map<String, ?> offset) {
        long lsn = number(offset.get("lsn_commit"));
        long l = number(offset.get("lsn"));
        long proc = number(offset.get("lsn_proc"));
        return new PgPosition(Math.max(lsn, Math.max(l, proc)), new LinkedHashMap<>(partition), new LinkedHashMap<>(offset));
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    boolean isMark() {
        return offset.isEmpty();
    }

    @Override
    public String serialize() {
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lsn", lsn);
            m.put("partition", partition);
            m.put("offset", offset);
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise position " + this, e);
        }
    }

    static PgPosition parse(String text) {
        try {
            Map<String, Object> m = JSON.readValue(text, new TypeReference<>() { });
            @SuppressWarnings("unchecked")
            Map<String, Object> partition = (Map<String, Object>) m.getOrDefault("partition", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> offset = (Map<String, Object>) m.getOrDefault("offset", Map.of());
            return new PgPosition(((Number) m.get("lsn")).longValue(), partition, offset);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new SourceException("stored position is not a PostgreSQL position: " + text, e);
        }
    }

    @Override
    public String describe() {
        return LogSequenceNumber.valueOf(lsn).asString();
    }

    @Override
    public int compareTo(SourcePosition o) {
        return Long.compareUnsigned(lsn, ((PgPosition) o).lsn);
    }
}
