package dev.ferry.sqlserver;

import dev.ferry.core.model.TableId;
import io.debezium.connector.sqlserver.SqlServerOffsetContext;
import io.debezium.connector.sqlserver.SqlServerPartition;
import io.debezium.connector.sqlserver.TxLogPosition;
import io.debezium.data.Envelope;
import io.debezium.relational.Column;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Records of any table, built as Debezium's SQL Server connector builds them: its value converters
 * make the row structs from driver values, its offset context the source block and offset, its
 * envelope the value (the settings are {@link SqlServerRecordsTest#CONFIG} and
 * {@link SqlServerRecordsTest#CONVERTERS}, those {@link SqlServerCdcStream} gives the connector).
 */
final class ConnectorRecords {

    private ConnectorRecords() {
    }

    /** A column as the driver's metadata describes it, with a value as the driver returns it. */
    record Col(String name, String type, int jdbcType, int length, int scale, Object driverValue) {
    }

    /** The connector's row struct of {@code table} holding {@code columns}' values. */
    static Struct row(TableId table, List<Col> columns) {
        SchemaBuilder builder = SchemaBuilder.struct().name("ferry-orders.shop." + table + ".Value").optional();
        List<Column> dbz = new ArrayList<>();
        for (Col c : columns) {
            Column column = Column.editor().name(c.name()).jdbcType(c.jdbcType()).type(c.type()).length(c.length()).scale(c.scale())
                    .optional(true).create();
            dbz.add(column);
            builder.field(c.name(), SqlServerRecordsTest.CONVERTERS.schemaBuilder(column).optional().build());
        }
        Schema schema = builder.build();
        Struct struct = new Struct(schema);
        for (int i = 0; i < columns.size(); i++) {
            Field f = schema.field(columns.get(i).name());
            struct.put(f, SqlServerRecordsTest.CONVERTERS.converter(dbz.get(i), f).convert(columns.get(i).driverValue()));
        }
        return struct;
    }

    /** A change record of {@code table}, operation {@code op}, at (commit LSN, change LSN, serial number). */
    static SourceRecord record(TableId table, String op, Struct before, Struct after, String commit, String change, long serial) {
        SqlServerOffsetContext offset = new SqlServerOffsetContext(SqlServerRecordsTest.CONFIG, TxLogPosition.NULL, null, false);
        offset.setChangePosition(TxLogPosition.valueOf(io.debezium.connector.sqlserver.Lsn.valueOf(commit),
                io.debezium.connector.sqlserver.Lsn.valueOf(change)), (int) serial);
        offset.event(new io.debezium.relational.TableId("shop", table.schema(), table.name()), Instant.parse("2026-11-25T10:00:00Z"));
        Schema rowSchema = (after != null ? after : before).schema();
        Envelope envelope = Envelope.defineSchema().withName("ferry-orders.shop." + table + ".Envelope").withRecord(rowSchema)
                .withSource(offset.getSourceInfoSchema()).build();
        Instant now = Instant.now();
        Struct value = switch (op) {
            case "c" -> envelope.create(after, offset.getSourceInfo(), now);
            case "u" -> envelope.update(before, after, offset.getSourceInfo(), now);
            case "d" -> envelope.delete(before, offset.getSourceInfo(), now);
            default -> throw new IllegalArgumentException(op);
        };
        return new SourceRecord(new SqlServerPartition("ferry-orders", "shop").getSourcePartition(), offset.getOffset(),
                "ferry-orders.shop." + table, envelope.schema(), value);
    }
}
