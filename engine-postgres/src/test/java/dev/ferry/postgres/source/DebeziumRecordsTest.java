package dev.ferry.postgres.source;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.Interval;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
