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
import io.debezium.data.Envelope;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.jdbc.JdbcValueConverters;
import io.debezium.jdbc.TemporalPrecisionMode;
import io.debezium.relational.Column;
import microsoft.sql.DateTimeOffset;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Records built exactly as Debezium's SQL Server connector builds them: its value converters (with
 * the settings {@link SqlServerCdcStream} gives it) turn the driver's values into the row structs,
 * its offset context makes the source block and the offset, its envelope wraps them.
 */
class SqlServerRecordsTest {

    static final SqlServerConnectorConfig CONFIG = new SqlServerConnectorConfig(Configuration.create()
            .with("topic.prefix", "ferry-orders").with("database.names", "shop").with("database.hostname", "localhost")
            .with("database.user", "sa").build());
    static final SqlServerValueConverters CONVERTERS = new SqlServerValueConverters(JdbcValueConverters.DecimalMode.PRECISE,
            TemporalPrecisionMode.ISOSTRING, CommonConnectorConfig.BinaryHandlingMode.BYTES);
    static final TableId TABLE = new TableId("dbo", "every_type");

    /** One column: as SQL Server's catalog shows it, as the driver's metadata types it, and a value as the driver returns it. */
    record Col(NativeColumn nativeColumn, int jdbcType, Object driverValue) {
    }

    static Col col(String name, String type, int maxLength, int precision, int scale, int jdbcType, Object driverValue) {
        return new Col(new NativeColumn(name, type, type, maxLength, precision, scale, !name.equals("id"), false, false, false, false, 0),
                jdbcType, driverValue);
    }

    static final LocalDateTime DT2_MAX = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_900);
    static final UUID GUID = UUID.fromString("6f9619ff-8b86-d011-b42d-00c04fc964ff");

    static List<Col> columns(int id) {
        return List.of(
                col("id", "int", 4, 10, 0, Types.INTEGER, id),
                col("b", "bit", 1, 1, 0, Types.BIT, true),
                col("ti", "tinyint", 1, 3, 0, Types.TINYINT, (short) 255),
                col("si", "smallint", 2, 5, 0, Types.SMALLINT, (short) -32768),
                col("bi", "bigint", 8, 19, 0, Types.BIGINT, Long.MIN_VALUE),
                col("d38", "decimal", 17, 38, 0, Types.DECIMAL, new BigDecimal("99999999999999999999999999999999999999")),
                col("n", "numeric", 9, 10, 3, Types.NUMERIC, new BigDecimal("-1234567.891")),
                col("m", "money", 8, 19, 4, microsoft.sql.Types.MONEY, new BigDecimal("-922337203685477.5808")),
                col("sm", "smallmoney", 4, 10, 4, microsoft.sql.Types.SMALLMONEY, new BigDecimal("-214748.3648")),
                col("r", "real", 4, 24, 0, Types.REAL, 3.4028235E38f),
                col("f", "float", 8, 53, 0, Types.DOUBLE, -1.7976931348623157E308),
                col("dt", "date", 3, 10, 0, Types.DATE, java.sql.Date.valueOf(LocalDate.of(9999, 12, 31))),
                col("t", "time", 5, 16, 7, Types.TIME, Timestamp.valueOf(LocalDateTime.of(1900, 1, 1, 23, 59, 59, 999_999_900))),
                col("dtm", "datetime", 8, 23, 3, Types.TIMESTAMP, Timestamp.valueOf(LocalDateTime.of(1753, 1, 1, 0, 0, 0, 3_000_000))),
                col("sdt", "smalldatetime", 4, 16, 0, Types.TIMESTAMP, Timestamp.valueOf(LocalDateTime.of(2079, 6, 6, 23, 59))),
                col("dt2", "datetime2", 8, 27, 7, Types.TIMESTAMP, Timestamp.valueOf(DT2_MAX)),
                col("dto_east", "datetimeoffset", 10, 34, 7, microsoft.sql.Types.DATETIMEOFFSET,
                        DateTimeOffset.valueOf(Timestamp.from(Instant.parse("2023-12-31T10:00:00.1234567Z")), 14 * 60)),
                col("dto_west", "datetimeoffset", 10, 34, 7, microsoft.sql.Types.DATETIMEOFFSET,
                        DateTimeOffset.valueOf(Timestamp.from(Instant.parse("2024-01-01T14:00:00Z")), -14 * 60)),
                col("c", "nchar", 10, 0, 0, Types.NCHAR, "ab   "),
                col("vc", "varchar", 20, 0, 0, Types.VARCHAR, "O'Brien"),
                col("nvmax", "nvarchar", -1, 0, 0, Types.NVARCHAR, "Zürich \uD83D\uDE00"),
                col("txt", "text", 16, 0, 0, Types.LONGVARCHAR, "old text"),
                col("bin", "varbinary", -1, 0, 0, Types.VARBINARY, new byte[]{0, 1, (byte) 0xff}),
                col("u", "uniqueidentifier", 16, 0, 0, Types.CHAR, "6F9619FF-8B86-D011-B42D-00C04FC964FF"),
                col("x", "xml", -1, 0, 0, Types.LONGNVARCHAR, "<a b=\"1\"/>"),
                col("rv", "timestamp", 8, 0, 0, Types.BINARY, new byte[]{0, 0, 0, 0, 0, 0, 7, (byte) 0xd1}));
    }

    static TableSchema tableSchema() {
        List<SqlServerCatalog.ColumnRow> rows = new ArrayList<>();
        for (Col c : columns(1)) {
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
            SchemaBuilder field = CONVERTERS.schemaBuilder(column);
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
            struct.put(f, CONVERTERS.converter(dbz.get(i), f).convert(columns.get(i).driverValue()));
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

    @Test
    @DisplayName("when a row of every type is created, then each value arrives exactly as the full load reads it")
    void everyTypeInsert() {
        SqlServerRecords records = new SqlServerRecords(List.of(tableSchema()));
        RecordConverter.Result result = records.convert(record("c", null, row(columns(1)), COMMIT, CHANGE, 1));
        assertThat(result).isInstanceOf(RecordConverter.Change.class);
        assertThat(((RecordConverter.Change) result).sourceTimeMillis()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
        ChangeEvent.Insert insert = (ChangeEvent.Insert) ((RecordConverter.Change) result).event();
        assertThat(insert.table()).isEqualTo(TABLE);
        Object[] v = insert.after();
        assertThat(v[0]).isEqualTo(1);
        assertThat(v[1]).isEqualTo(true);
        assertThat(v[2]).isEqualTo((short) 255);
        assertThat(v[3]).isEqualTo((short) -32768);
        assertThat(v[4]).isEqualTo(Long.MIN_VALUE);
        assertThat(v[5]).isEqualTo(new BigDecimal("99999999999999999999999999999999999999"));
        assertThat(v[6]).isEqualTo(new BigDecimal("-1234567.891"));
        assertThat(v[7]).isEqualTo(new BigDecimal("-922337203685477.5808"));
        assertThat(v[8]).isEqualTo(new BigDecimal("-214748.3648"));
        assertThat(v[9]).isEqualTo(3.4028235E38f);
        assertThat(v[10]).isEqualTo(-1.7976931348623157E308);
        assertThat(v[11]).isEqualTo(LocalDate.of(9999, 12, 31));
        assertThat(v[12]).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
        assertThat(v[13]).isEqualTo(LocalDateTime.of(1753, 1, 1, 0, 0, 0, 3_000_000));
        assertThat(v[14]).isEqualTo(LocalDateTime.of(2079, 6, 6, 23, 59));
        assertThat(v[15]).isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(v[16]).isEqualTo(Instant.parse("2023-12-31T10:00:00.123456Z"));
        assertThat(v[17]).isEqualTo(Instant.parse("2024-01-01T14:00:00Z"));
        assertThat(v[18]).isEqualTo("ab   ");
        assertThat(v[19]).isEqualTo("O'Brien");
        assertThat(v[20]).isEqualTo("Zürich \uD83D\uDE00");
        assertThat(v[21]).isEqualTo("old text");
        assertThat((byte[]) v[22]).containsExactly(0, 1, 0xff);
        assertThat(v[23]).isEqualTo(GUID);
        assertThat(v[24]).isEqualTo("<a b=\"1\"/>");
        assertThat((byte[]) v[25]).containsExactly(0, 0, 0, 0, 0, 0, 7, 0xd1);
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
