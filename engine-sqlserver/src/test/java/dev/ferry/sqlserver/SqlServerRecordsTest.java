package dev.ferry.sqlserver;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.debezium.EngineChangeStream;
import dev.ferry.debezium.RecordConverter;
import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.sqlserver.SqlServerConnectorConfig;
import io.debezium.connector.sqlserver.SqlServerOffsetContext;
import io.debezium.connector.sqlserver.SqlServerPartition;
import io.debezium.connector.sqlserver.SqlServerValueConverters;
import io.debezium.connector.sqlserver.TxLogPosition;
import io.debezium.converters.custom.CustomConverterServiceProvider;
import io.debezium.data.Envelope;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.jdbc.JdbcValueConverters;
import io.debezium.jdbc.TemporalPrecisionMode;
import io.debezium.relational.Column;
import io.debezium.relational.CustomConverterRegistry;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Records built exactly as Debezium's SQL Server connector builds them: the driver's own temporal
 * objects ({@link DriverValues}), its value converters and the custom converters that {@link
 * SqlServerCdcStream}'s settings register (chosen as Debezium's {@code TableSchemaBuilder} does)
 * turn values into the row structs, its offset context makes the source block and the offset, its
 * envelope wraps them.
 */
class SqlServerRecordsTest {

    static final SqlServerConnectorConfig CONFIG = new SqlServerConnectorConfig(Configuration.create()
            .with("topic.prefix", "ferry-orders").with("database.names", "shop").with("database.hostname", "localhost")
            .with("database.user", "sa").build());
    static final SqlServerValueConverters CONVERTERS = new SqlServerValueConverters(JdbcValueConverters.DecimalMode.PRECISE,
            TemporalPrecisionMode.ISOSTRING, CommonConnectorConfig.BinaryHandlingMode.BYTES);
    /** The custom converters the connector instantiates from Ferry's settings, by name. */
    static final CustomConverterRegistry CUSTOM = new CustomConverterServiceProvider().createService(Configuration.from(
            SqlServerCdcStream.properties("orders", SqlServerCdcStreamTest.endpoint(), List.of(), 100, 100)), null);
    static final TableId TABLE = new TableId("dbo", "every_type");
    static final io.debezium.relational.TableId DBZ_TABLE = new io.debezium.relational.TableId("shop", "dbo", "every_type");

    /**
     * One column: as SQL Server's catalog shows it, as the driver's metadata types it, a stored value
     * as the driver returns it to Debezium's connector, and what Ferry's full load makes of the same
     * stored value (null where a test does not say).
     */
    record Col(NativeColumn nativeColumn, int jdbcType, Object driverValue, Object fullLoad) {
        Col(NativeColumn nativeColumn, int jdbcType, Object driverValue) {
            this(nativeColumn, jdbcType, driverValue, null);
        }
    }

    static NativeColumn nativeColumn(String name, String type, int maxLength, int precision, int scale) {
        return new NativeColumn(name, type, type, maxLength, precision, scale, !name.equals("id"), false, false, false, false, 0);
    }

    static Col col(String name, String type, int maxLength, int precision, int scale, int jdbcType, Object driverValue) {
        return new Col(nativeColumn(name, type, maxLength, precision, scale), jdbcType, driverValue);
    }

    static Col col(String name, String type, int maxLength, int precision, int scale, int jdbcType, Object driverValue,
                   Object fullLoad) {
        return new Col(nativeColumn(name, type, maxLength, precision, scale), jdbcType, driverValue, fullLoad);
    }

    /**
     * A temporal column holding {@code stored}: the driver's object for Debezium (its {@code getObject},
     * or {@code getTimestamp} for time), and the full load's value: the driver's {@code java.time}
     * object for the column's select expression, converted by {@link SqlServerValues#temporal} with
     * the column's mapped read. Both depend on the JVM's default time zone where the driver's do.
     */
    static Col temporal(NativeColumn n, int jdbcType, Object driverValue, Object fullLoadDriverValue) {
        SqlServerTypes.Mapping m = SqlServerTypes.map(n);
        assertThat(fullLoadDriverValue).isInstanceOf(SqlServerValues.driverClass(m.read()));
        return new Col(n, jdbcType, driverValue, SqlServerValues.temporal(m.read(), fullLoadDriverValue));
    }

    static Col date(String name, LocalDate stored) {
        return temporal(nativeColumn(name, "date", 3, 10, 0), Types.DATE, DriverValues.date(stored), DriverValues.localDate(stored));
    }

    static Col time7(String name, LocalTime stored) {
        return temporal(nativeColumn(name, "time", 5, 16, 7), Types.TIME, DriverValues.timeAsTimestamp(stored),
                DriverValues.localTime(stored));
    }

    static Col datetime(String name, LocalDateTime stored) {
        return temporal(nativeColumn(name, "datetime", 8, 23, 3), Types.TIMESTAMP, DriverValues.datetime(stored, false),
                DriverValues.localDateTimeOfDatetime(stored));
    }

    static Col smalldatetime(String name, LocalDateTime stored) {
        return temporal(nativeColumn(name, "smalldatetime", 4, 16, 0), Types.TIMESTAMP, DriverValues.datetime(stored, true),
                DriverValues.localDateTimeOfDatetime(stored));
    }

    static Col datetime2(String name, LocalDateTime stored) {
        return temporal(nativeColumn(name, "datetime2", 8, 27, 7), Types.TIMESTAMP, DriverValues.datetime2(stored),
                DriverValues.localDateTime(stored));
    }

    /** The full load reads the UTC form of a datetimeoffset (a datetime2: SqlServerTypes.utc). */
    static Col datetimeoffset(String name, OffsetDateTime stored) {
        return temporal(nativeColumn(name, "datetimeoffset", 10, 34, 7), microsoft.sql.Types.DATETIMEOFFSET,
                DriverValues.datetimeoffset(stored), DriverValues.localDateTime(stored.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()));
    }

    static final LocalDateTime DT2_MAX = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_900);
    static final UUID GUID = UUID.fromString("6f9619ff-8b86-d011-b42d-00c04fc964ff");

    /** A row of every type; each value with what the full load reads for it (its getter, then SqlServerValues). */
    static List<Col> columns(int id) {
        return List.of(
                col("id", "int", 4, 10, 0, Types.INTEGER, id, id),
                col("b", "bit", 1, 1, 0, Types.BIT, true, true),
                col("ti", "tinyint", 1, 3, 0, Types.TINYINT, (short) 255, (short) 255),
                col("si", "smallint", 2, 5, 0, Types.SMALLINT, (short) -32768, (short) -32768),
                col("bi", "bigint", 8, 19, 0, Types.BIGINT, Long.MIN_VALUE, Long.MIN_VALUE),
                col("d38", "decimal", 17, 38, 0, Types.DECIMAL, new BigDecimal("99999999999999999999999999999999999999"),
                        new BigDecimal("99999999999999999999999999999999999999")),
                col("n", "numeric", 9, 10, 3, Types.NUMERIC, new BigDecimal("-1234567.891"), new BigDecimal("-1234567.891")),
                col("m", "money", 8, 19, 4, microsoft.sql.Types.MONEY, new BigDecimal("-922337203685477.5808"),
                        SqlServerValues.money(new BigDecimal("-922337203685477.5808"))),
                col("sm", "smallmoney", 4, 10, 4, microsoft.sql.Types.SMALLMONEY, new BigDecimal("-214748.3648"),
                        SqlServerValues.money(new BigDecimal("-214748.3648"))),
                col("r", "real", 4, 24, 0, Types.REAL, 3.4028235E38f, 3.4028235E38f),
                col("f", "float", 8, 53, 0, Types.DOUBLE, -1.7976931348623157E308, -1.7976931348623157E308),
                date("dt", LocalDate.of(9999, 12, 31)),
                time7("t", LocalTime.of(23, 59, 59, 999_999_900)),
                datetime("dtm", LocalDateTime.of(1753, 1, 1, 0, 0, 0, 3_000_000)),
                smalldatetime("sdt", LocalDateTime.of(2079, 6, 6, 23, 59)),
                datetime2("dt2", DT2_MAX),
                datetimeoffset("dto_east", OffsetDateTime.parse("2024-01-01T00:00:00.1234567+14:00")),
                datetimeoffset("dto_west", OffsetDateTime.parse("2024-01-01T00:00:00-14:00")),
                col("c", "nchar", 10, 0, 0, Types.NCHAR, "ab   ", "ab   "),
                col("vc", "varchar", 20, 0, 0, Types.VARCHAR, "O'Brien", "O'Brien"),
                col("nvmax", "nvarchar", -1, 0, 0, Types.NVARCHAR, "Zürich \uD83D\uDE00", "Zürich \uD83D\uDE00"),
                col("txt", "text", 16, 0, 0, Types.LONGVARCHAR, "old text", "old text"),
                col("bin", "varbinary", -1, 0, 0, Types.VARBINARY, new byte[]{0, 1, (byte) 0xff}, new byte[]{0, 1, (byte) 0xff}),
                // the connector reads a uniqueidentifier as its text, the full load as its 16 stored bytes
                col("u", "uniqueidentifier", 16, 0, 0, Types.CHAR, "6F9619FF-8B86-D011-B42D-00C04FC964FF",
                        SqlServerValues.uuid(SqlServerValues.bytes(GUID))),
                col("x", "xml", -1, 0, 0, Types.LONGNVARCHAR, "<a b=\"1\"/>", "<a b=\"1\"/>"),
                col("rv", "timestamp", 8, 0, 0, Types.BINARY, new byte[]{0, 0, 0, 0, 0, 0, 7, (byte) 0xd1},
                        new byte[]{0, 0, 0, 0, 0, 0, 7, (byte) 0xd1}));
    }

    static TableSchema tableSchema() {
        return tableSchema(columns(1));
    }

    static TableSchema tableSchema(List<Col> columns) {
        List<SqlServerCatalog.ColumnRow> rows = new ArrayList<>();
        for (Col c : columns) {
            rows.add(new SqlServerCatalog.ColumnRow(TABLE.schema(), TABLE.name(), c.nativeColumn()));
        }
        return SqlServerCatalog.assemble(
                List.of(new SqlServerCatalog.ObjectRow(TABLE.schema(), TABLE.name(), false, true, false, 0, false, false, 1)), rows,
                List.of(new SqlServerCatalog.KeyRow(TABLE.schema(), TABLE.name(), "PK_every_type", true, "id"))).get(0).schema();
    }

    /** The connector's row schema and converted row for {@code columns}. */
    static Struct row(List<Col> columns) {
        SchemaBuilder builder = SchemaBuilder.struct().name("ferry-orders.shop.dbo.every_type.Value").optional();
        List<Column> dbz = new ArrayList<>();
        for (Col c : columns) {
            NativeColumn n = c.nativeColumn();
            Column column = Column.editor().name(n.name()).jdbcType(c.jdbcType()).type(n.typeName())
                    .length(n.typeName().contains("money") || n.typeName().startsWith("dec") || n.typeName().startsWith("num")
                            ? n.precision() : n.maxLength())
                    .scale(n.scale()).optional(n.nullable()).create();
            dbz.add(column);
            // as TableSchemaBuilder.addField: a custom converter's schema, else the connector's own
            SchemaBuilder field = CUSTOM.registerConverterFor(DBZ_TABLE, column, null).orElse(CONVERTERS.schemaBuilder(column));
            assertThat(field).as("the connector maps column %s", n.name()).isNotNull();
            if (n.nullable()) {
                field.optional();
            }
            builder.field(n.name(), field.build());
        }
        Schema schema = builder.build();
        Struct struct = new Struct(schema);
        for (int i = 0; i < columns.size(); i++) {
            Field f = schema.field(columns.get(i).nativeColumn().name());
            // as TableSchemaBuilder.createValueConverterFor
            Column column = dbz.get(i);
            struct.put(f, CUSTOM.getValueConverter(DBZ_TABLE, column).orElse(CONVERTERS.converter(column, f))
                    .convert(columns.get(i).driverValue()));
        }
        return struct;
    }

    /** A record of operation {@code op} at (commit, change, serial), as the connector emits it. */
    static SourceRecord record(String op, Struct before, Struct after, String commit, String change, int serial) {
        SqlServerOffsetContext offset = new SqlServerOffsetContext(CONFIG, TxLogPosition.NULL, null, false);
        offset.setChangePosition(TxLogPosition.valueOf(io.debezium.connector.sqlserver.Lsn.valueOf(commit),
                io.debezium.connector.sqlserver.Lsn.valueOf(change)), serial);
        offset.event(new io.debezium.relational.TableId("shop", TABLE.schema(), TABLE.name()), Instant.parse("2026-11-25T10:00:00Z"));
        Schema rowSchema = (after != null ? after : before).schema();
        Envelope envelope = Envelope.defineSchema().withName("ferry-orders.shop.dbo.every_type.Envelope").withRecord(rowSchema)
                .withSource(offset.getSourceInfoSchema()).build();
        Instant now = Instant.now();
        Struct value = switch (op) {
            case "c" -> envelope.create(after, offset.getSourceInfo(), now);
            case "r" -> envelope.read(after, offset.getSourceInfo(), now);
            case "u" -> envelope.update(before, after, offset.getSourceInfo(), now);
            case "d" -> envelope.delete(before, offset.getSourceInfo(), now);
            default -> throw new IllegalArgumentException(op);
        };
        Map<String, String> partition = new SqlServerPartition("ferry-orders", "shop").getSourcePartition();
        return new SourceRecord(partition, offset.getOffset(), "ferry-orders.shop.dbo.every_type", envelope.schema(), value);
    }

    static final String COMMIT = "0000002a:00000c38:0003";
    static final String CHANGE = "0000002a:00000c30:0002";

    /** Runs {@code body} with the JVM's default time zone set to {@code zone}, as a service embedding Ferry may have it. */
    static void inZone(String zone, Runnable body) {
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        try {
            body.run();
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    static Object[] after(RecordConverter.Result result) {
        ChangeEvent e = ((RecordConverter.Change) result).event();
        return e instanceof ChangeEvent.Insert i ? i.after() : ((ChangeEvent.Update) e).after();
    }

    /** Where the change stream's values differ from the full load's, column by column. */
    static List<String> differences(List<Col> columns, Object[] values, String where) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Col c = columns.get(i);
            boolean same = c.fullLoad() instanceof byte[] b ? values[i] instanceof byte[] v && java.util.Arrays.equals(b, v)
                    : java.util.Objects.equals(c.fullLoad(), values[i]);
            if (!same) {
                out.add(where + ", column " + c.nativeColumn().name() + " (the driver's " + c.driverValue() + "): full load "
                        + c.fullLoad() + ", change stream " + values[i]);
            }
        }
        return out;
    }

    @Test
    @DisplayName("when a row of every type is created, then each value arrives exactly as the full load reads the same stored value")
    void everyTypeInsert() {
        for (String zone : List.of("UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata")) {
            inZone(zone, () -> {
                List<Col> columns = columns(1);
                SqlServerRecords records = new SqlServerRecords(List.of(tableSchema(columns)));
                RecordConverter.Result result = records.convert(record("c", null, row(columns), COMMIT, CHANGE, 1));
                assertThat(((RecordConverter.Change) result).sourceTimeMillis())
                        .isEqualTo(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
                assertThat(((RecordConverter.Change) result).event().table()).isEqualTo(TABLE);
                assertThat(differences(columns, after(result), "default zone " + zone)).isEmpty();
            });
        }
        // and what both paths hold, as the documentation says
        Object[] v = after(new SqlServerRecords(List.of(tableSchema())).convert(record("c", null, row(columns(1)), COMMIT, CHANGE, 1)));
        assertThat(v[11]).isEqualTo(LocalDate.of(9999, 12, 31));
        assertThat(v[12]).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
        assertThat(v[13]).isEqualTo(LocalDateTime.of(1753, 1, 1, 0, 0, 0, 3_000_000));
        assertThat(v[14]).isEqualTo(LocalDateTime.of(2079, 6, 6, 23, 59));
        assertThat(v[15]).isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(v[16]).isEqualTo(Instant.parse("2023-12-31T10:00:00.123456Z"));
        assertThat(v[17]).isEqualTo(Instant.parse("2024-01-01T14:00:00Z"));
        assertThat(v[23]).isEqualTo(GUID);
        assertThat(v[7]).isEqualTo(new BigDecimal("-922337203685477.5808"));
    }

    /**
     * A change table as {@link ChangeTableReader} reads it: per change LSN the stored row, each
     * value as the full load reads it ({@code Col.fullLoad}: the driver's {@code java.time} object
     * and {@link SqlServerValues#temporal}); remembers what it was asked for.
     */
    static final class ChangeTableAsTheFullLoadReadsIt implements SqlServerRecords.ChangeRows {
        final Map<Lsn, List<Col>> rows = new LinkedHashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public Object[] read(TableSchema table, Lsn commitLsn, Lsn changeLsn, int[] operations, int[] columns) {
            assertThat(commitLsn).isEqualTo(Lsn.parse(COMMIT));
            List<Col> row = rows.get(changeLsn);
            Object[] values = new Object[columns.length];
            List<String> names = new ArrayList<>();
            for (int k = 0; k < columns.length; k++) {
                values[k] = row.get(columns[k]).fullLoad();
                names.add(table.columns().get(columns[k]).name());
            }
            asked.add(row.get(0).driverValue() + " " + java.util.Arrays.toString(operations) + " " + names);
            return values;
        }
    }

    /** Temporal values that the connector's objects cannot carry exactly, in rows with the same columns. */
    static List<Col> temporalRow(int id, LocalDate dt, LocalTime t, LocalDateTime dtm, LocalDateTime sdt, LocalDateTime dt2,
                                 OffsetDateTime dto) {
        return List.of(col("id", "int", 4, 10, 0, Types.INTEGER, id, id), date("dt", dt), time7("t", t), datetime("dtm", dtm),
                smalldatetime("sdt", sdt), datetime2("dt2", dt2), datetimeoffset("dto", dto));
    }

    static List<List<Col>> temporalRows() {
        return List.of(
                // the largest values
                temporalRow(1, LocalDate.of(9999, 12, 31), LocalTime.of(23, 59, 59, 999_999_900),
                        LocalDateTime.of(9999, 12, 31, 23, 59, 59, 997_000_000), LocalDateTime.of(2079, 6, 6, 23, 59), DT2_MAX,
                        OffsetDateTime.parse("9999-12-31T23:59:59.9999999+14:00")),
                // the smallest values
                temporalRow(2, LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT, LocalDateTime.of(1753, 1, 1, 0, 0),
                        LocalDateTime.of(1900, 1, 1, 0, 0), LocalDateTime.of(1, 1, 1, 0, 0, 0, 100),
                        OffsetDateTime.parse("0001-01-01T14:00:00+14:00")),
                // 02:30 on the day New York springs forward: no such local time there
                temporalRow(3, LocalDate.of(2024, 3, 10), LocalTime.of(2, 30, 0, 500_000_000),
                        LocalDateTime.of(2024, 3, 10, 2, 30, 0, 3_000_000), LocalDateTime.of(2024, 3, 10, 2, 30),
                        LocalDateTime.of(2024, 3, 10, 2, 30, 0, 123_456_700), OffsetDateTime.parse("2024-03-10T02:30:00.5-05:00")),
                // 03:30 that day, which the driver also makes of 02:30
                temporalRow(4, LocalDate.of(2024, 3, 10), LocalTime.of(3, 30), LocalDateTime.of(2024, 3, 10, 3, 30),
                        LocalDateTime.of(2024, 3, 10, 3, 30), LocalDateTime.of(2024, 3, 10, 3, 30, 0, 123_456_700),
                        OffsetDateTime.parse("2024-03-10T03:30:00-04:00")),
                // before 1970 with fractions
                temporalRow(5, LocalDate.of(1969, 12, 31), LocalTime.of(23, 59, 59, 500_000_000),
                        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 997_000_000), LocalDateTime.of(1969, 12, 31, 23, 59),
                        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_900), OffsetDateTime.parse("1969-12-31T20:59:59.5-03:00")),
                // before the Gregorian calendar: a day java.util skips, a Julian-only leap day between local and UTC date
                temporalRow(6, LocalDate.of(1582, 10, 10), LocalTime.NOON, LocalDateTime.of(1753, 1, 1, 0, 0, 0, 3_000_000),
                        LocalDateTime.of(1900, 1, 1, 0, 1), LocalDateTime.of(1582, 10, 4, 12, 0, 0, 100_000_000),
                        OffsetDateTime.parse("1500-02-28T23:30:00-01:00")),
                // days java.util's calendar makes of the days it skips, and one it skips in UTC
                temporalRow(7, LocalDate.of(1582, 10, 20), LocalTime.NOON, LocalDateTime.of(1753, 1, 1, 0, 0),
                        LocalDateTime.of(1900, 1, 1, 0, 0), LocalDateTime.of(1582, 10, 14, 23, 59, 59, 999_999_900),
                        OffsetDateTime.parse("1582-10-10T12:00:00Z")),
                // the first year, with 100 ns, and a value UTC puts into those days
                temporalRow(8, LocalDate.of(1, 12, 31), LocalTime.of(0, 0, 0, 100), LocalDateTime.of(1753, 1, 1, 0, 0),
                        LocalDateTime.of(1900, 1, 1, 0, 0), LocalDateTime.of(1, 1, 1, 0, 0, 0, 123_456_700),
                        OffsetDateTime.parse("1582-10-20T00:30:00+01:00")));
    }

    static String change(int row) {
        return String.format("0000002a:00000c30:%04x", row);
    }

    @Test
    @DisplayName("when a temporal value is one the driver's objects cannot carry exactly, then it arrives as the full load reads it")
    void temporalValuesAsTheFullLoadReadsThem() {
        inZone("America/New_York", () -> {
            List<List<Col>> rows = temporalRows();
            ChangeTableAsTheFullLoadReadsIt changeTable = new ChangeTableAsTheFullLoadReadsIt();
            for (List<Col> row : rows) {
                changeTable.rows.put(Lsn.parse(change((Integer) row.get(0).driverValue())), row);
            }
            SqlServerRecords records = new SqlServerRecords(List.of(tableSchema(rows.get(0))), changeTable);
            List<String> differences = new ArrayList<>();
            for (List<Col> row : rows) {
                int id = (Integer) row.get(0).driverValue();
                differences.addAll(differences(row, after(records.convert(record("c", null, row(row), COMMIT, change(id), 1))), "row " + id));
            }
            assertThat(differences).isEmpty();
            // only values the driver may have moved were read again, each from its change row's new image
            assertThat(changeTable.asked).containsExactly(
                    "3 [2, 4] [dtm, sdt, dt2]",
                    "4 [2, 4] [dtm, sdt, dt2]",
                    "6 [2, 4] [dt]",
                    "7 [2, 4] [dt, dt2, dto]",
                    "8 [2, 4] [dto]");

            changeTable.asked.clear();
            ChangeEvent.Update update = (ChangeEvent.Update) ((RecordConverter.Change) records.convert(
                    record("u", row(rows.get(2)), row(rows.get(3)), COMMIT, change(3), 2))).event();
            assertThat(changeTable.asked).containsExactly("3 [1, 3] [dtm, sdt, dt2]", "3 [2, 4] [dtm, sdt, dt2]");
            assertThat(update.before()[5]).isEqualTo(LocalDateTime.of(2024, 3, 10, 2, 30, 0, 123_456_000));
        });
    }

    @Test
    @DisplayName("when a value the driver may have moved cannot be read again, then the task stops naming it, never writes it")
    void movedValueWithoutTheChangeTable() {
        inZone("America/New_York", () -> {
            List<Col> row = temporalRows().get(2);
            SqlServerRecords records = new SqlServerRecords(List.of(tableSchema(row)));
            assertThatThrownBy(() -> records.convert(record("c", null, row(row), COMMIT, CHANGE, 1)))
                    .hasMessageContaining("table dbo.every_type: column dtm has a value at commit LSN " + COMMIT)
                    .hasMessageContaining("may have been moved by the JVM's default time zone");
        });
    }

    @Test
    void nullsStayNull() {
        List<Col> nulls = new ArrayList<>();
        for (Col c : columns(5)) {
            nulls.add(c.nativeColumn().name().equals("id") ? c : new Col(c.nativeColumn(), c.jdbcType(), null));
        }
        ChangeEvent.Insert insert = (ChangeEvent.Insert) ((RecordConverter.Change) new SqlServerRecords(List.of(tableSchema()))
                .convert(record("r", null, row(nulls), COMMIT, CHANGE, 1))).event();
        assertThat(insert.after()[0]).isEqualTo(5);
        for (int i = 1; i < insert.after().length; i++) {
            assertThat(insert.after()[i]).as("column %d", i).isNull();
        }
    }

    @Test
    void updateAndDeleteCarryTheirImages() {
        SqlServerRecords records = new SqlServerRecords(List.of(tableSchema()));
        ChangeEvent.Update update = (ChangeEvent.Update) ((RecordConverter.Change) records.convert(
                record("u", row(columns(1)), row(columns(2)), COMMIT, CHANGE, 2))).event();
        assertThat(update.before()[0]).isEqualTo(1);
        assertThat(update.after()[0]).isEqualTo(2);
        ChangeEvent.Delete delete = (ChangeEvent.Delete) ((RecordConverter.Change) records.convert(
                record("d", row(columns(2)), null, COMMIT, CHANGE, 3))).event();
        assertThat(delete.before()[0]).isEqualTo(2);
        assertThat(delete.before()[23]).isEqualTo(GUID);
    }

    @Test
    @DisplayName("when a record is made, then its position is the commit LSN, change LSN and serial number of its offset")
    void positionOfARecord() {
        SourceRecord r = record("c", null, row(columns(1)), COMMIT, CHANGE, 4);
        SqlServerPosition.Cdc p = SqlServerPosition.Cdc.of(r.sourcePartition(), r.sourceOffset());
        assertThat(p.commitLsn()).isEqualTo(Lsn.parse(COMMIT));
        assertThat(p.changeLsn()).isEqualTo(Lsn.parse(CHANGE));
        assertThat(p.eventSerialNo()).isEqualTo(4);
        assertThat(p.partition()).containsEntry("server", "ferry-orders").containsEntry("database", "shop");
        // what the target stores is what the connector loads back
        SqlServerPosition.Cdc back = (SqlServerPosition.Cdc) SqlServerPosition.parse(p.serialize());
        assertThat(back.offset()).isEqualTo(new java.util.TreeMap<>(r.sourceOffset()));
        assertThat(back.offset().get("event_serial_no")).isInstanceOf(Long.class);
        SqlServerPosition later = SqlServerPosition.Cdc.of(r.sourcePartition(),
                record("c", null, row(columns(1)), COMMIT, CHANGE, 5).sourceOffset());
        assertThat(later).isGreaterThan(p);
    }

    @Test
    @DisplayName("when a batch ends with the delete half of a key change, then its checkpoint stops before that change")
    void keyChangeSplitAcrossBatches() {
        SourceRecord earlier = record("c", null, row(columns(1)), "0000002a:00000c30:0003", "0000002a:00000c28:0002", 1);
        SourceRecord deleteHalf = record("d", row(columns(1)), null, COMMIT, CHANGE, 1);
        deleteHalf.headers().addString("__debezium.newkey", "{id=2}");
        SourceRecord createHalf = record("c", null, row(columns(2)), COMMIT, CHANGE, 1);
        List<RecordChangeEvent<SourceRecord>> split = List.of(() -> earlier, () -> deleteHalf);
        assertThat(EngineChangeStream.coveredRecords(split, SqlServerCdcStream::message)).isEqualTo(1);
        List<RecordChangeEvent<SourceRecord>> whole = List.of(() -> earlier, () -> deleteHalf, () -> createHalf);
        assertThat(EngineChangeStream.coveredRecords(whole, SqlServerCdcStream::message)).isEqualTo(3);
    }

    @Test
    void unselectedTablesAndHeartbeatsOnlyMoveThePosition() {
        SqlServerRecords records = new SqlServerRecords(List.of(tableSchema().withId(new TableId("dbo", "other"))));
        assertThat(records.convert(record("c", null, row(columns(1)), COMMIT, CHANGE, 1))).isInstanceOf(RecordConverter.PositionOnly.class);
        Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord hb = new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat", heartbeat, new Struct(heartbeat).put("ts_ms", 1L));
        assertThat(records.convert(hb)).isInstanceOf(RecordConverter.PositionOnly.class);
    }

    @Test
    @DisplayName("when the capture instance lacks a column the task loaded, then the error says what the DBA must run")
    void columnMissingFromCaptureInstance() {
        List<Col> fewer = new ArrayList<>(columns(1));
        fewer.remove(fewer.size() - 1);
        SqlServerRecords records = new SqlServerRecords(List.of(tableSchema()));
        assertThatThrownBy(() -> records.convert(record("c", null, row(fewer), COMMIT, CHANGE, 1)))
                .hasMessageContaining("table dbo.every_type: column rv is not in the table's CDC capture instance")
                .hasMessageContaining("EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'every_type', "
                        + "@role_name = NULL, @capture_instance = N'dbo_every_type_v2'");
    }

    @Test
    void columnAddedByANewCaptureInstanceStopsTheTask() {
        List<Col> more = new ArrayList<>(columns(1));
        more.add(col("added", "int", 4, 10, 0, Types.INTEGER, 1));
        SqlServerRecords records = new SqlServerRecords(List.of(tableSchema()));
        assertThatThrownBy(() -> records.convert(record("c", null, row(more), COMMIT, CHANGE, 1)))
                .hasMessageContaining("carries column(s) [added] that the task did not load");
    }
}
