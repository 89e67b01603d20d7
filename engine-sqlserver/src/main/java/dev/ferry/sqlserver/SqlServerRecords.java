package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.debezium.ChangeEnvelope;
import dev.ferry.debezium.ConnectorTime;
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns records of Debezium's SQL Server connector into core change events. Values arrive as the
 * connector represents them under the settings {@link SqlServerCdcStream} gives it (precise
 * decimals, ISO-8601 strings for dates and times so that datetime2(7) keeps its full range and
 * digits, raw bytes, datetimeoffset through {@link DateTimeOffsetConverter}) and leave as the
 * neutral classes, equal to what the full load reads for the same stored value. Debezium types
 * never leave this package.
 *
 * <p>Where the connector's values cannot be exact ({@link ShiftedTimes}: a local time in a gap of
 * the JVM's default time zone, a date the Julian/Gregorian calendar skips; a datetimeoffset in
 * October 1582, {@link SqlServerValues#mayBeShiftedByTheDriver}), a value that may have been moved
 * is read again from the change table, by the change's LSNs, exactly as the full load reads it
 * ({@link ChangeRows}). That is rare (one hour a year in a zone with daylight saving time) and
 * never silent: a value that cannot be read again stops the task.
 */
final class SqlServerRecords implements RecordConverter {

    /**
     * Reads some columns of one row image of a change again, from the table's change table, as
     * {@link SqlServerValues#read} reads them in the full load.
     */
    interface ChangeRows {
        /**
         * @param table      the captured table
         * @param commitLsn  the change's {@code __$start_lsn} (Debezium's {@code commit_lsn})
         * @param changeLsn  the change's {@code __$seqval} (Debezium's {@code change_lsn})
         * @param operations the {@code __$operation} values the image may have: 1 or 3 for an old
         *                   image, 2 or 4 for a new one (a key change comes as a delete of the old
         *                   image and a create of the new one of one update)
         * @param columns    indexes into {@code table}'s columns
         * @return the values of {@code columns}, in that order
         * @throws SourceException when the row is not in the change table any more, or cannot be read
         */
        Object[] read(TableSchema table, Lsn commitLsn, Lsn changeLsn, int[] operations, int[] columns);
    }

    /** For callers without a connection: any value that may have been moved stops the task, naming it. */
    static final ChangeRows CANNOT_READ_AGAIN = (table, commit, change, operations, columns) -> {
        throw new SourceException("table " + table.id() + ": column " + table.columns().get(columns[0]).name()
                + " has a value at commit LSN " + commit + " that may have been moved by the JVM's default time zone or calendar, "
                + "and it cannot be read again from the change table here");
    };

    private static final int[] OLD_IMAGE = {1, 3};
    private static final int[] NEW_IMAGE = {2, 4};

    private final Map<TableId, TableSchema> tables = new HashMap<>();
    private final ChangeRows changeRows;
    /** Field positions per table, for the row schema they were computed from (a new capture instance brings a new one). */
    private final Map<TableId, Order> orders = new HashMap<>();

    private record Order(Schema rowSchema, int[] fields) {
    }

    private final String taskName;
    private final Map<TableId, KeylessHandoff> handoffs;

    SqlServerRecords(List<TableSchema> tables) {
        this(tables, null, Map.of(), CANNOT_READ_AGAIN);
    }

    SqlServerRecords(List<TableSchema> tables, ChangeRows changeRows) {
        this(tables, null, Map.of(), changeRows);
    }

    SqlServerRecords(List<TableSchema> tables, String taskName, Map<TableId, KeylessHandoff> handoffs) {
        this(tables, taskName, handoffs, CANNOT_READ_AGAIN);
    }

    /**
     * @param taskName   whose sync markers ({@link SyncMarker}) to report; null for none
     * @param handoffs   where the full loads of keyless tables hand over ({@link KeylessHandoff})
     * @param changeRows reads a value again from the change table where the driver may have shifted it
     */
    SqlServerRecords(List<TableSchema> tables, String taskName, Map<TableId, KeylessHandoff> handoffs, ChangeRows changeRows) {
        for (TableSchema t : tables) {
            this.tables.put(t.id(), t);
        }
        this.taskName = taskName;
        this.handoffs = Map.copyOf(handoffs);
        this.changeRows = changeRows;
    }

    @Override
    public Result convert(SourceRecord record) {
        ChangeEnvelope change = ChangeEnvelope.of(record);
        if (change == null) {
            return PositionOnly.INSTANCE; // heartbeat or tombstone
        }
        String op = change.op();
        Struct source = change.source();
        TableId table = change.table();
        if (SyncMarker.TABLE.equals(table)) {
            return SyncMarker.convert(change.envelope(), taskName);
        }
        TableSchema schema = tables.get(table);
        if (schema == null) {
            return PositionOnly.INSTANCE; // captured, but not selected by this task
        }
        if (KeylessHandoff.inSnapshot(handoffs, table, source)) {
            return PositionOnly.INSTANCE; // in the table's loaded snapshot already
        }
        long ts = change.sourceTimeMillis();
        Struct before = change.before();
        Struct after = change.after();
        ChangeEvent event = switch (op) {
            case "c", "r" -> new ChangeEvent.Insert(table, row(schema, after, source, NEW_IMAGE));
            case "u" -> new ChangeEvent.Update(table, before == null ? null : row(schema, before, source, OLD_IMAGE),
                    row(schema, after, source, NEW_IMAGE));
            case "d" -> new ChangeEvent.Delete(table, row(schema, before, source, OLD_IMAGE));
            default -> throw new SourceException("table " + table + ": unknown change operation '" + op + "'");
        };
        return new Change(event, ts);
    }

    private Object[] row(TableSchema schema, Struct struct, Struct source, int[] operations) {
        if (struct == null) {
            throw new SourceException("table " + schema.id() + ": change without its row image");
        }
        Order order = orders.get(schema.id());
        if (order == null || order.rowSchema() != struct.schema()) {
            order = new Order(struct.schema(), order(schema, struct.schema()));
            orders.put(schema.id(), order);
        }
        List<Field> fields = struct.schema().fields();
        Object[] row = new Object[order.fields().length];
        ShiftedTimes.Zone zone = null;
        int[] again = null;
        int count = 0;
        for (int i = 0; i < row.length; i++) {
            Field f = fields.get(order.fields()[i]);
            Column c = schema.columns().get(i);
            try {
                row[i] = value(c.type(), f.schema(), RecordConverter.valueOf(struct, f));
            } catch (RuntimeException e) {
                throw new SourceException("table " + schema.id() + ", column " + c.name() + ": " + e.getMessage(), e);
            }
            if (row[i] != null && isTemporal(c.type())) {
                if (zone == null) {
                    zone = ShiftedTimes.defaultZone();
                }
                if (mayBeMoved(zone, row[i])) {
                    if (again == null) {
                        again = new int[row.length];
                    }
                    again[count++] = i;
                }
            }
        }
        if (count > 0) {
            readAgain(schema, row, java.util.Arrays.copyOf(again, count), source, operations);
        }
        return row;
    }

    private static boolean isTemporal(LogicalType type) {
        return switch (type.kind()) {
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> true;
            default -> false;
        };
    }

    /** Whether a converted temporal value may differ from the stored one (see the class comment). */
    static boolean mayBeMoved(ShiftedTimes.Zone zone, Object v) {
        if (v instanceof LocalDateTime t) {
            return zone.mayBeMoved(t);
        }
        if (v instanceof LocalDate d) {
            return zone.mayBeMoved(d);
        }
        if (v instanceof LocalTime t) {
            return zone.mayBeMoved(t);
        }
        return v instanceof Instant i && SqlServerValues.mayBeShiftedByTheDriver(i);
    }

    private void readAgain(TableSchema schema, Object[] row, int[] columns, Struct source, int[] operations) {
        String commit = source.getString("commit_lsn");
        String change = source.getString("change_lsn");
        Lsn commitLsn;
        Lsn changeLsn;
        try {
            commitLsn = Lsn.parse(commit);
            changeLsn = Lsn.parse(change);
        } catch (IllegalArgumentException e) {
            throw new SourceException("table " + schema.id() + ": column " + schema.columns().get(columns[0]).name()
                    + " must be read again from the change table, but the change has no LSNs (" + commit + ", " + change + ")", e);
        }
        Object[] exact = changeRows.read(schema, commitLsn, changeLsn, operations, columns);
        for (int k = 0; k < columns.length; k++) {
            row[columns[k]] = exact[k];
        }
    }

    private static int[] order(TableSchema schema, Schema rowSchema) {
        List<String> added = new ArrayList<>();
        for (Field f : rowSchema.fields()) {
            if (schema.columnIndex(f.name()) < 0) {
                added.add(f.name());
            }
        }
        if (!added.isEmpty()) {
            throw new SourceException("table " + schema.id() + ": the capture instance now carries column(s) " + added
                    + " that the task did not load; schema changes are not replicated yet: reload the table (ferry run --reload)");
        }
        int[] order = new int[schema.columns().size()];
        for (int i = 0; i < order.length; i++) {
            Field f = rowSchema.field(schema.columns().get(i).name());
            if (f == null) {
                String column = schema.columns().get(i).name();
                throw new SourceException("table " + schema.id() + ": column " + column + " is not in the table's CDC capture "
                        + "instance, so its changes cannot be replicated. " + SqlServerSql.newCaptureInstanceAdvice(schema.id()));
            }
            order[i] = f.index();
        }
        return order;
    }

    /** Converts one connector value into the neutral class of {@code type}. */
    static Object value(LogicalType type, Schema schema, Object v) {
        if (v == null) {
            return null;
        }
        String logical = schema.name() == null ? "" : schema.name();
        switch (type.kind()) {
            case BOOLEAN:
            case INT16:
            case INT32:
            case INT64:
            case FLOAT32:
            case FLOAT64:
                return RecordConverter.primitive(type.kind(), v);
            case DECIMAL: {
                BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
                // money arrives with the scale of its value; the column has four places
                return type.precision() > 0 && d.scale() < type.scale() ? d.setScale(type.scale(), RoundingMode.UNNECESSARY) : d;
            }
            case CHAR:
            case VARCHAR:
            case TEXT:
            case JSON:
            case XML:
                return v instanceof byte[] || v instanceof ByteBuffer ? new String(RecordConverter.bytes(v), java.nio.charset.StandardCharsets.UTF_8)
                        : v.toString();
            case BYTES:
                return RecordConverter.bytes(v);
            case UUID:
                return UUID.fromString(v.toString());
            case DATE:
                if (v instanceof Number n) {
                    return LocalDate.ofEpochDay(n.longValue());
                }
                return LocalDate.parse(stripZone(v.toString()));
            case TIME:
                if (v instanceof Number n) {
                    return ConnectorTime.time(logical, n.longValue()).truncatedTo(ChronoUnit.MICROS);
                }
                return LocalTime.parse(stripZone(v.toString())).truncatedTo(ChronoUnit.MICROS);
            case TIMESTAMP:
                if (v instanceof Number n) {
                    return ConnectorTime.timestamp(logical, n.longValue()).truncatedTo(ChronoUnit.MICROS);
                }
                return localDateTime(v.toString());
            case TIMESTAMPTZ:
                return instant(v.toString());
            default:
                throw new IllegalArgumentException("no conversion to " + type);
        }
    }

    /** A datetime2 in ISO form; the connector may mark it as UTC with a trailing Z. */
    static LocalDateTime localDateTime(String iso) {
        String s = iso.trim();
        if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) {
            return OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().truncatedTo(ChronoUnit.MICROS);
        }
        return LocalDateTime.parse(s).truncatedTo(ChronoUnit.MICROS);
    }

    /** A datetimeoffset as the connector sends it (ISO-8601 with offset) as the instant, to the microsecond. */
    static Instant instant(String iso) {
        return OffsetDateTime.parse(iso.trim()).toInstant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String stripZone(String s) {
        String t = s.trim();
        return t.endsWith("Z") ? t.substring(0, t.length() - 1) : t;
    }

}
