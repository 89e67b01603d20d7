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
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DebeziumRecordsTest {

    @Test
    void isoIntervalsKeepTheirThreeParts() {
        assertThat(DebeziumRecords.interval("P1Y2M3DT4H5M6.789012S")).isEqualTo(new Interval(14, 3, 14_706_789_012L));
        assertThat(DebeziumRecords.interval("P0Y0M-1DT0H0M-0.000001S")).isEqualTo(new Interval(0, -1, -1));
        assertThat(DebeziumRecords.interval("P0Y0M0DT0H0M0S")).isEqualTo(new Interval(0, 0, 0));
    }

    @Test
    void infinitiesFromTheConnectorBecomeTheMinMaxConstants() {
        Schema micro = SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build();
        Schema millis = SchemaBuilder.int64().name("io.debezium.time.Timestamp").build();
        Schema date = SchemaBuilder.int32().name("io.debezium.time.Date").build();
        assertThat(DebeziumRecords.value(TypeKind.TIMESTAMP, micro, 9_223_372_036_825_200_000L)).isEqualTo(LocalDateTime.MAX);
        assertThat(DebeziumRecords.value(TypeKind.TIMESTAMP, micro, -9_223_372_036_853_775_810L)).isEqualTo(LocalDateTime.MIN);
        assertThat(DebeziumRecords.value(TypeKind.TIMESTAMP, millis, -9_223_372_036_832_400L)).isEqualTo(LocalDateTime.MIN);
        assertThat(DebeziumRecords.value(TypeKind.TIMESTAMP, millis, 1_000L)).isEqualTo(LocalDateTime.of(1970, 1, 1, 0, 0, 1));
        assertThat(DebeziumRecords.value(TypeKind.DATE, date, -2_147_472_692)).isEqualTo(LocalDate.MAX);
        assertThat(DebeziumRecords.value(TypeKind.DATE, date, -2_440_550)).isEqualTo(LocalDate.of(-4712, 1, 1));
        assertThat(DebeziumRecords.value(TypeKind.TEXT, Schema.STRING_SCHEMA, DebeziumRecords.UNCHANGED_PLACEHOLDER))
                .isSameAs(Unchanged.VALUE);
    }

    @Test
    void recordsWithTheConnectorsEnvelopeBecomeChangeEvents() {
        TableId id = new TableId("public", "t");
        TableSchema table = new TableSchema(id, List.of(
                new Column("id", LogicalType.of(TypeKind.INT32), false),
                new Column("name", LogicalType.of(TypeKind.TEXT), false)), List.of("id"));
        Schema row = SchemaBuilder.struct().name("ferry.public.t.Value").optional()
                .field("id", Schema.INT32_SCHEMA).field("name", Schema.STRING_SCHEMA).build();
        Schema source = SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct src = new Struct(source).put("schema", "public").put("table", "t").put("ts_ms", 5L);
        // a delete under the default replica identity: the non-key column is a placeholder
        Struct before = new Struct(row).put("id", 7).put("name", "");
        Struct value = new Struct(envelope).put("before", before).put("source", src).put("op", "d");
        SourceRecord record = new SourceRecord(Map.of("server", "ferry"), Map.of("lsn", 10L), "ferry.public.t", envelope, value);
        RecordConverter.Result result = new DebeziumRecords(List.of(table), "ferry-sync").convert(record);
        assertThat(result).isInstanceOf(RecordConverter.Change.class);
        ChangeEvent.Delete delete = (ChangeEvent.Delete) ((RecordConverter.Change) result).event();
        assertThat(delete.before()).containsExactly(7, null);
    }

    private static final TableSchema NUMS = new TableSchema(new TableId("public", "n"), List.of(
            new Column("id", LogicalType.of(TypeKind.INT32), false, "integer"),
            new Column("amount", LogicalType.decimal(10, 2), true, "numeric(10,2)"),
            new Column("note", LogicalType.of(TypeKind.TEXT), true, "text")), List.of("id"));

    private static Schema row(Schema amount, Schema note) {
        return SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("amount", amount).field("note", note).build();
    }

    private static Schema decimal(int precision, int scale) {
        return Decimal.builder(scale).parameter("connect.decimal.precision", String.valueOf(precision)).optional().build();
    }

    @Test
    @DisplayName("when the connector's row schema has the task's columns in order with fitting types, then it is accepted")
    void aFittingRowSchemaIsAccepted() {
        DebeziumRecords.Layout first = DebeziumRecords.Layout.check(NUMS, row(decimal(10, 2), Schema.OPTIONAL_STRING_SCHEMA), null);
        // a later schema (a constraint added, NOT NULL set) with the same columns and types
        assertThat(DebeziumRecords.Layout.check(NUMS, row(decimal(10, 2), Schema.STRING_SCHEMA), first)).isNotNull();
    }

    @Test
    @DisplayName("when a column was dropped and added again, then the error names the table, both orders and the fix")
    void reorderedColumnsAreAChange() {
        Schema moved = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .field("amount", decimal(10, 2)).build();
        assertThatThrownBy(() -> DebeziumRecords.Layout.check(NUMS, moved, null))
                .isInstanceOf(SourceException.class)
                .hasMessage("table public.n changed on the source: the columns now come as (id, note, amount) where the task "
                        + "replicates (id, amount, note); a column was dropped and added again; schema changes are not replicated "
                        + "yet: reload the task (ferry run --reload) to load the table as it is now");
        Schema renamed = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("total", decimal(10, 2))
                .field("note", Schema.OPTIONAL_STRING_SCHEMA).build();
        assertThatThrownBy(() -> DebeziumRecords.Layout.check(NUMS, renamed, null))
                .hasMessageContaining("; dropped or renamed: amount; added: total;");
    }

    @Test
    @DisplayName("when a numeric column's scale or a text column's shape changes, then the error names the column")
    void typeChangesAreAChange() {
        assertThatThrownBy(() -> DebeziumRecords.Layout.check(NUMS, row(decimal(12, 4), Schema.OPTIONAL_STRING_SCHEMA), null))
                .hasMessageContaining("column amount (numeric(10,2)) now arrives as numeric with scale 4: its type changed");
        DebeziumRecords.Layout first = DebeziumRecords.Layout.check(NUMS, row(decimal(10, 2), Schema.OPTIONAL_STRING_SCHEMA), null);
        assertThatThrownBy(() -> DebeziumRecords.Layout.check(NUMS, row(decimal(10, 2), Schema.OPTIONAL_INT32_SCHEMA), first))
                .hasMessageContaining("column note (text) now arrives as int32: its type changed");
    }

    @Test
    @DisplayName("when a text-carried column arrives in the connector's own rendering, then it is refused, never written as toString()")
    void connectorRenderingsOfTextColumnsAreRefused() {
        Schema money = Decimal.builder(2).optional().build();
        assertThatThrownBy(() -> DebeziumRecords.value(TypeKind.TEXT, money, new java.math.BigDecimal("12.34")))
                .hasMessageContaining("sends this type as bytes org.apache.kafka.connect.data.Decimal, not as its PostgreSQL text");
        assertThat(DebeziumRecords.value(TypeKind.TEXT, Schema.OPTIONAL_BYTES_SCHEMA, "0/16B3748".getBytes()))
                .isEqualTo("0/16B3748");
        assertThat(DebeziumRecords.value(TypeKind.TEXT, Schema.OPTIONAL_INT64_SCHEMA, 4_000_000_000L)).isEqualTo("4000000000");
    }

    @Test
    @DisplayName("when a table has generated columns, which PostgreSQL does not send with changes, then the other fields "
            + "land in their columns' places and the generated ones stay null, for the target to compute")
    void generatedColumnsAreNotExpected() {
        TableId id = new TableId("public", "g");
        TableSchema table = new TableSchema(id, List.of(
                new Column("id", LogicalType.of(TypeKind.INT32), false, "integer"),
                new Column("c", LogicalType.of(TypeKind.INT32), true, "integer", "(a * 2)"),
                new Column("a", LogicalType.of(TypeKind.INT32), true, "integer"),
                new Column("u", LogicalType.of(TypeKind.TEXT), false, "text", "upper(t)"),
                new Column("t", LogicalType.of(TypeKind.TEXT), true, "text")), List.of("id"));
        Schema row = SchemaBuilder.struct().name("ferry.public.g.Value").optional()
                .field("id", Schema.INT32_SCHEMA).field("a", Schema.OPTIONAL_INT32_SCHEMA).field("t", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Schema source = SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).build();
        Struct src = new Struct(source).put("schema", "public").put("table", "g").put("ts_ms", 5L);
        Struct before = new Struct(row).put("id", 7).put("a", 0).put("t", "");
        Struct after = new Struct(row).put("id", 7).put("a", 3).put("t", "x");
        Struct value = new Struct(envelope).put("before", before).put("after", after).put("source", src).put("op", "u");
        SourceRecord record = new SourceRecord(Map.of("server", "ferry"), Map.of("lsn", 10L), "ferry.public.g", envelope, value);
        ChangeEvent.Update update = (ChangeEvent.Update) ((RecordConverter.Change) new DebeziumRecords(List.of(table), "ferry-sync")
                .convert(record)).event();
        assertThat(update.after()).containsExactly(7, null, 3, null, "x");
        assertThat(update.before()).containsExactly(7, null, null, null, null);
        // were PostgreSQL to send them, the relation would no longer be the one the task replicates
        Schema withGenerated = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("c", Schema.OPTIONAL_INT32_SCHEMA)
                .field("a", Schema.OPTIONAL_INT32_SCHEMA).field("u", Schema.STRING_SCHEMA).field("t", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        assertThatThrownBy(() -> DebeziumRecords.Layout.check(table, withGenerated, null))
                .hasMessageContaining("the columns now come as (id, c, a, u, t) where the task replicates (id, a, t); added: c, u");
    }
}
