package dev.ferry.postgres.source;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.Interval;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import dev.ferry.debezium.ChangeEnvelope;
import dev.ferry.debezium.ConnectorTime;
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Debezium PostgreSQL connector records into core change events. Values arrive in the
 * connector's representation under the settings {@link PgChangeStream} gives it (precise
 * decimals, microsecond times, ISO intervals, raw bytes) and leave as the neutral classes.
 * Debezium types never leave this package.
 */
final class DebeziumRecords implements RecordConverter {

    /** The placeholder the connector is told to put where a TOASTed value did not change. */
    static final String UNCHANGED_PLACEHOLDER = "__ferry_unchanged_toast__";
    private static final byte[] UNCHANGED_BYTES = UNCHANGED_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
    private static final Pattern ISO_INTERVAL = Pattern.compile(
            "P(?:(-?\\d+)Y)?(?:(-?\\d+)M)?(?:(-?\\d+)D)?(?:T(?:(-?\\d+)H)?(?:(-?\\d+)M)?(?:(-?\\d+)(?:\\.(\\d+))?S)?)?");

    /** pgjdbc's PGStatement.DATE_POSITIVE_INFINITY and DATE_NEGATIVE_INFINITY. */
    static final long PLUS_INFINITY_MILLIS = 9_223_372_036_825_200_000L;
    static final long MINUS_INFINITY_MILLIS = -9_223_372_036_832_400_000L;
    static final int DATE_INFINITY = (int) (Integer.MAX_VALUE + 10_957L);
    static final int DATE_MINUS_INFINITY = Integer.MIN_VALUE + 10_957;

    private final Map<TableId, TableSchema> tables;
    private final Map<TableId, int[]> fieldOrder = new HashMap<>();
    private final String syncPrefix;

    DebeziumRecords(List<TableSchema> tables, String syncPrefix) {
        this.tables = new HashMap<>();
        for (TableSchema t : tables) {
            this.tables.put(t.id(), t);
        }
        this.syncPrefix = syncPrefix;
    }

    private static final PositionOnly POSITION_ONLY = PositionOnly.INSTANCE;

    @Override
    public Result convert(SourceRecord record) {
        ChangeEnvelope change = ChangeEnvelope.of(record);
        if (change == null) {
            return POSITION_ONLY; // heartbeat or tombstone
        }
        String op = change.op();
        if ("m".equals(op)) {
            Struct message = change.envelope().getStruct("message");
            if (message != null && syncPrefix.equals(message.getString("prefix"))) {
                byte[] content = RecordConverter.bytes(message.get("content"));
                return new Marker(new String(content, StandardCharsets.UTF_8));
            }
            return POSITION_ONLY;
        }
        TableId table = change.table();
        TableSchema schema = tables.get(table);
        if (schema == null) {
            return POSITION_ONLY; // a table of the publication the task does not replicate
        }
        long ts = change.sourceTimeMillis();
        Struct before = change.before();
        Struct after = change.after();
        ChangeEvent event = switch (op) {
            case "c", "r" -> new ChangeEvent.Insert(table, movedRow(schema, record, row(schema, after)));
            case "u" -> new ChangeEvent.Update(table, before == null ? null : beforeImage(schema, before), row(schema, after));
            case "d" -> new ChangeEvent.Delete(table, beforeImage(schema, before));
            case "t" -> new ChangeEvent.Truncate(table);
            default -> throw new SourceException("table " + table + ": unknown change operation '" + op + "'");
        };
        return new Change(event, ts);
    }

    /**
     * The new row of a key change arrives as a create (after a delete of the old key). A TOASTed
     * value that did not change is not in it, and there is no row under the new key to keep it
     * from: writing the row would lose that value, so the change is refused with the fix.
     */
    private static Object[] movedRow(TableSchema schema, SourceRecord record, Object[] row) {
        if (record.headers().lastWithName("__debezium.oldkey") == null) {
            return row;
        }
        for (int i = 0; i < row.length; i++) {
            if (row[i] == Unchanged.VALUE) {
                throw new SourceException("table " + schema.id() + ": the key of a row changed while its large (TOASTed) column "
                        + schema.columns().get(i).name() + " kept its value, which PostgreSQL does not send under REPLICA "
                        + "IDENTITY DEFAULT. Run ALTER TABLE " + schema.id() + " REPLICA IDENTITY FULL on the source, then "
                        + "reload the task (ferry run --reload)");
            }
        }
        return row;
    }

    /**
     * The old row. For a keyed table only the key columns are taken: under the default replica
     * identity the connector fills the other columns with placeholders (empty strings, zeros).
     */
    private Object[] beforeImage(TableSchema schema, Struct struct) {
        if (!schema.hasPrimaryKey()) {
            return row(schema, struct);
        }
        if (struct == null) {
            throw new SourceException("table " + schema.id() + ": change without the old key");
        }
        Object[] row = new Object[schema.columns().size()];
        for (int k : schema.keyIndexes()) {
            Column c = schema.columns().get(k);
            Field f = struct.schema().field(c.name());
            if (f == null) {
                throw new SourceException("table " + schema.id() + ": the old row has no key column " + c.name());
            }
            row[k] = column(schema, c, f, struct);
        }
        return row;
    }

    private Object[] row(TableSchema schema, Struct struct) {
        if (struct == null) {
            throw new SourceException("table " + schema.id() + ": change without row image; for a table without a "
                    + "primary key set REPLICA IDENTITY FULL on the source");
        }
        List<Field> fields = struct.schema().fields();
        if (fields.size() != schema.columns().size()) {
            // The row's shape differs from the one the task started with: a column was added or dropped.
            throw new SourceException("table " + schema.id() + ": the source row has columns " + names(fields)
                    + " but the task replicates " + schema.columnNames()
                    + "; schema changes are not replicated yet: reload the table");
        }
        int[] order = fieldOrder.computeIfAbsent(schema.id(), t -> order(schema, struct.schema()));
        Object[] row = new Object[order.length];
        for (int i = 0; i < order.length; i++) {
            Field f = fields.get(order[i]);
            row[i] = column(schema, schema.columns().get(i), f, struct);
        }
        return row;
    }

    /** One column's value, with a failure naming the table and column. */
    private static Object column(TableSchema schema, Column c, Field f, Struct struct) {
        try {
            return value(c.type().kind(), f.schema(), struct.get(f));
        } catch (RuntimeException e) {
            throw new SourceException("table " + schema.id() + ", column " + c.name() + ": " + e.getMessage(), e);
        }
    }

    private static List<String> names(List<Field> fields) {
        return fields.stream().map(Field::name).toList();
    }

    private static int[] order(TableSchema schema, Schema rowSchema) {
        int[] order = new int[schema.columns().size()];
        for (int i = 0; i < order.length; i++) {
            Field f = rowSchema.field(schema.columns().get(i).name());
            if (f == null) {
                throw new SourceException("table " + schema.id() + ": the source row has no column "
                        + schema.columns().get(i).name() + "; schema changes are not replicated yet: reload the table");
            }
            order[i] = f.index();
        }
        return order;
    }

    /** Converts one connector value into the neutral class of {@code kind}. */
    static Object value(TypeKind kind, Schema schema, Object v) {
        if (v == null) {
            return null;
        }
        if (isUnchanged(v)) {
            return Unchanged.VALUE;
        }
        String logical = schema.name();
        switch (kind) {
            case BOOLEAN:
            case INT16:
            case INT32:
            case INT64:
            case FLOAT32:
            case FLOAT64:
                return RecordConverter.primitive(kind, v);
            case DECIMAL:
                if (v instanceof BigDecimal d) {
                    return d;
                }
                if (v instanceof Struct s) { // io.debezium.data.VariableScaleDecimal
                    Object raw = s.get("value");
                    if (raw == null) {
                        throw new IllegalArgumentException("numeric NaN or Infinity cannot be carried");
                    }
                    return new BigDecimal(new BigInteger(RecordConverter.bytes(raw)), s.getInt32("scale"));
                }
                return new BigDecimal(v.toString());
            case CHAR:
            case VARCHAR:
            case TEXT:
            case JSON:
            case XML:
                if (v instanceof List<?> list) {
                    return arrayLiteral(list);
                }
                if (v instanceof byte[] || v instanceof ByteBuffer) {
                    return new String(RecordConverter.bytes(v), StandardCharsets.UTF_8);
                }
                return v.toString();
            case BYTES:
                return RecordConverter.bytes(v);
            case UUID:
                return UUID.fromString(v.toString());
            case DATE:
                if (v instanceof Number n) {
                    int days = n.intValue();
                    // The connector shifts PostgreSQL's day count (from 2000-01-01) by 10957 days in int
                    // arithmetic, so 'infinity' (INT_MAX) wraps around and '-infinity' (INT_MIN) does not.
                    if (days == DATE_INFINITY) {
                        return LocalDate.MAX;
                    }
                    if (days == DATE_MINUS_INFINITY) {
                        return LocalDate.MIN;
                    }
                    return LocalDate.ofEpochDay(days);
                }
                return LocalDate.parse(v.toString());
            case TIME:
                if (v instanceof Number n) {
                    return ConnectorTime.time(logical, n.longValue()).truncatedTo(ChronoUnit.MICROS);
                }
                return LocalTime.parse(v.toString());
            case TIMETZ:
                return OffsetTime.parse(v.toString());
            case TIMESTAMP:
                if (v instanceof Number n) {
                    // The connector sends 'infinity' as pgjdbc's infinity constants (milliseconds), unscaled.
                    long raw = n.longValue();
                    boolean millis = "io.debezium.time.Timestamp".equals(logical);
                    if (raw >= (millis ? PLUS_INFINITY_MILLIS / 1000 : PLUS_INFINITY_MILLIS)) {
                        return LocalDateTime.MAX;
                    }
                    if (raw <= (millis ? MINUS_INFINITY_MILLIS / 1000 : MINUS_INFINITY_MILLIS)) {
                        return LocalDateTime.MIN;
                    }
                    return ConnectorTime.timestamp(logical, raw).truncatedTo(ChronoUnit.MICROS);
                }
                return LocalDateTime.parse(v.toString());
            case TIMESTAMPTZ:
                String s = v.toString();
                if (s.equals("infinity")) {
                    return Instant.MAX;
                }
                if (s.equals("-infinity")) {
                    return Instant.MIN;
                }
                return OffsetDateTime.parse(s).toInstant();
            case INTERVAL:
                return interval(v.toString());
            default:
                throw new IllegalArgumentException("no conversion to " + kind);
        }
    }


    private static boolean isUnchanged(Object v) {
        if (v instanceof String s) {
            return s.equals(UNCHANGED_PLACEHOLDER);
        }
        if (v instanceof byte[] b) {
            return Arrays.equals(b, UNCHANGED_BYTES);
        }
        if (v instanceof ByteBuffer bb) {
            return bb.remaining() == UNCHANGED_BYTES.length && Arrays.equals(RecordConverter.bytes(bb), UNCHANGED_BYTES);
        }
        if (v instanceof List<?> l) {
            return l.size() == 1 && isUnchanged(l.get(0));
        }
        return false;
    }

    /** ISO 8601 durations as the connector writes PostgreSQL intervals: PnYnMnDTnHnMn.nS, each part signed. */
    static Interval interval(String iso) {
        Matcher m = ISO_INTERVAL.matcher(iso);
        if (!m.matches()) {
            throw new IllegalArgumentException("interval '" + iso + "' is not an ISO 8601 duration");
        }
        int months = Math.addExact(Math.multiplyExact(group(m, 1), 12), group(m, 2));
        int days = group(m, 3);
        long micros = Math.addExact(Math.addExact(group(m, 4) * 3_600_000_000L, group(m, 5) * 60_000_000L),
                group(m, 6) * 1_000_000L);
        if (m.group(7) != null) {
            String frac = (m.group(7) + "000000").substring(0, 6);
            long f = Long.parseLong(frac);
            micros += m.group(6) != null && m.group(6).startsWith("-") ? -f : f;
        }
        return new Interval(months, days, micros);
    }

    private static int group(Matcher m, int g) {
        return m.group(g) == null ? 0 : Integer.parseInt(m.group(g));
    }

    private static boolean needsQuotes(String s) {
        if (s.isEmpty() || s.equalsIgnoreCase("NULL")) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }

    /** A PostgreSQL array literal for a list from the connector: {a,"b c",NULL}. */
    static String arrayLiteral(List<?> list) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object e = list.get(i);
            if (e == null) {
                sb.append("NULL");
            } else if (e instanceof List<?> inner) {
                sb.append(arrayLiteral(inner));
            } else {
                String s = e instanceof byte[] || e instanceof ByteBuffer ? new String(RecordConverter.bytes(e), StandardCharsets.UTF_8) : e.toString();
                // Quoted only where PostgreSQL's array output quotes: so the text is what the source shows.
                if (needsQuotes(s)) {
                    sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                } else {
                    sb.append(s);
                }
            }
        }
        return sb.append('}').toString();
    }
}
