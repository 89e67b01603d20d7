package dev.ferry.postgres.source;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.Interval;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import dev.ferry.debezium.ChangeEnvelope;
import dev.ferry.debezium.ConnectorTime;
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Decimal;
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
    private final Map<TableId, Layout> layouts = new HashMap<>();
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
        Layout layout = layout(schema, struct);
        List<Field> fields = layout.rowSchema().fields();
        Object[] row = new Object[schema.columns().size()];
        for (int k : schema.keyIndexes()) {
            int f = layout.fieldOf()[k];
            if (f < 0) {
                // the assessment refuses such a table at the start
                throw new SourceException("table " + schema.id() + ": primary-key column " + schema.columns().get(k).name()
                        + " is generated, and PostgreSQL sends no value of a generated column with changes");
            }
            row[k] = column(schema, schema.columns().get(k), fields.get(f), struct);
        }
        return row;
    }

    private Object[] row(TableSchema schema, Struct struct) {
        if (struct == null) {
            throw new SourceException("table " + schema.id() + ": change without row image; for a table without a "
                    + "primary key set REPLICA IDENTITY FULL on the source");
        }
        Layout layout = layout(schema, struct);
        List<Field> fields = layout.rowSchema().fields();
        Object[] row = new Object[schema.columns().size()];
        for (int i = 0; i < row.length; i++) {
            int f = layout.fieldOf()[i];
            if (f >= 0) { // a generated column stays null: PostgreSQL does not send it, the target computes it
                row[i] = column(schema, schema.columns().get(i), fields.get(f), struct);
            }
        }
        return row;
    }

    /** One column's value, with a failure naming the table and column. */
    private static Object column(TableSchema schema, Column c, Field f, Struct struct) {
        try {
            return value(c.type().kind(), f.schema(), RecordConverter.valueOf(struct, f));
        } catch (RuntimeException e) {
            throw new SourceException("table " + schema.id() + ", column " + c.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The fields of a row, one per column of the task in the same order but for generated columns,
     * checked once per row schema object: the connector builds a new one whenever PostgreSQL sends
     * the table's relation again (at the first change of each session and after every ALTER TABLE
     * of it), so the check costs nothing per row and sees every change of the columns before a row
     * in the new shape goes anywhere.
     */
    private Layout layout(TableSchema schema, Struct struct) {
        Layout layout = layouts.get(schema.id());
        if (layout == null || layout.rowSchema() != struct.schema()) {
            layout = Layout.check(schema, struct.schema(), layout);
            layouts.put(schema.id(), layout);
        }
        return layout;
    }

    /**
     * A row schema of the connector that matches the task's columns: the same names in the same
     * order (PostgreSQL sends columns in the order of their attribute numbers, so a column dropped
     * and added again moves to the end), each of a type its kind arrives as. Text kinds arrive in
     * several shapes (arrays and bit strings as text, unknown types as bytes, oid as a number), so
     * for them a later schema must keep the shape of the first one. Generated columns are not sent
     * (pgoutput leaves them out before PostgreSQL 18, and from 18 unless the publication sets
     * {@code publish_generated_columns}, which Ferry's does not): {@code fieldOf} gives each column's
     * field, -1 for those; {@code types} the field's type per column, null for those.
     */
    record Layout(Schema rowSchema, Schema.Type[] types, int[] fieldOf) {

        static Layout check(TableSchema schema, Schema rowSchema, Layout previous) {
            List<Field> fields = rowSchema.fields();
            List<String> names = fields.stream().map(Field::name).toList();
            List<String> expected = schema.columns().stream().filter(c -> !c.generated()).map(Column::name).toList();
            if (!names.equals(expected)) {
                List<String> dropped = expected.stream().filter(n -> !names.contains(n)).toList();
                List<String> added = names.stream().filter(n -> !expected.contains(n)).toList();
                StringBuilder what = new StringBuilder("the columns now come as (" + String.join(", ", names)
                        + ") where the task replicates (" + String.join(", ", expected) + ")");
                if (!dropped.isEmpty()) {
                    what.append("; dropped or renamed: ").append(String.join(", ", dropped));
                }
                if (!added.isEmpty()) {
                    what.append("; added: ").append(String.join(", ", added));
                }
                if (dropped.isEmpty() && added.isEmpty()) {
                    what.append("; a column was dropped and added again");
                }
                throw changed(schema, what.toString());
            }
            Schema.Type[] types = new Schema.Type[schema.columns().size()];
            int[] fieldOf = new int[types.length];
            int field = 0;
            for (int i = 0; i < types.length; i++) {
                Column c = schema.columns().get(i);
                if (c.generated()) {
                    fieldOf[i] = -1;
                    continue;
                }
                fieldOf[i] = field;
                Schema f = fields.get(field++).schema();
                types[i] = f.type();
                String problem = typeProblem(c, f, previous == null ? null : previous.types()[i]);
                if (problem != null) {
                    String declared = c.nativeType().isEmpty() ? c.type().toString() : c.nativeType();
                    throw changed(schema, "column " + c.name() + " (" + declared + ") now arrives as " + problem
                            + ": its type changed (ALTER COLUMN ... TYPE, or dropped and added again)");
                }
            }
            return new Layout(rowSchema, types, fieldOf);
        }

        /** How the connector's field disagrees with the column, or null when it fits. */
        private static String typeProblem(Column c, Schema f, Schema.Type before) {
            Schema.Type t = f.type();
            String shape = t.getName() + (f.name() == null ? "" : " " + f.name().substring(f.name().lastIndexOf('.') + 1));
            LogicalType type = c.type();
            boolean fits = switch (type.kind()) {
                case BOOLEAN -> t == Schema.Type.BOOLEAN;
                case INT16 -> t == Schema.Type.INT16;
                case INT32, DATE -> t == Schema.Type.INT32;
                case INT64 -> t == Schema.Type.INT64;
                case FLOAT32 -> t == Schema.Type.FLOAT32;
                case FLOAT64 -> t == Schema.Type.FLOAT64;
                case TIME, TIMESTAMP -> t == Schema.Type.INT32 || t == Schema.Type.INT64;
                case BYTES -> t == Schema.Type.BYTES;
                case TIMETZ, TIMESTAMPTZ, INTERVAL, UUID, JSON, XML -> t == Schema.Type.STRING;
                case DECIMAL -> {
                    if (type.precision() == 0) {
                        yield t == Schema.Type.BYTES || t == Schema.Type.STRUCT;
                    }
                    // numeric(p,s): a scale that changed would round the values silently on the target
                    String scale = f.parameters() == null ? null : f.parameters().get(Decimal.SCALE_FIELD);
                    if (Decimal.LOGICAL_NAME.equals(f.name()) && scale != null && !scale.equals(String.valueOf(type.scale()))) {
                        shape = "numeric with scale " + scale;
                    }
                    yield Decimal.LOGICAL_NAME.equals(f.name()) && String.valueOf(type.scale()).equals(scale);
                }
                case CHAR, VARCHAR, TEXT -> before == null || t == before;
            };
            return fits ? null : shape;
        }
    }

    private static SourceException changed(TableSchema schema, String what) {
        return new SourceException("table " + schema.id() + " changed on the source: " + what
                + "; schema changes are not replicated yet: reload the task (ferry run --reload) to load the table as it is now");
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
                return text(schema, v);
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


    /**
     * A value of a column Ferry carries as text: the text PostgreSQL sent (arrays and bit strings
     * through {@link RawTextColumns}, unknown types as its bytes), or an integer (oid), whose text is
     * its decimal form. Anything else is the connector's own rendering of the value (money as a
     * number without its currency, geometric types as structs, vectors as lists), whose text is not
     * what the full load wrote: refused rather than written as a Java {@code toString()}.
     */
    private static String text(Schema schema, Object v) {
        if (v instanceof String s) {
            return s;
        }
        if ((v instanceof byte[] || v instanceof ByteBuffer) && schema.name() == null) {
            return new String(RecordConverter.bytes(v), StandardCharsets.UTF_8);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return v.toString();
        }
        throw new IllegalArgumentException("the change stream sends this type as " + schema.type().getName()
                + (schema.name() == null ? "" : " " + schema.name()) + ", not as its PostgreSQL text, so CDC cannot write "
                + "what the full load wrote; change the column's type on the source or exclude the table (a selection rule with "
                + "rule-action exclude)");
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
}
