package dev.ferry.debezium;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecordConverterTest {

    /** A row schema as the connectors build it for a table whose column {@code qty} has DEFAULT 7. */
    private static final Schema ROW = SchemaBuilder.struct()
            .field("id", Schema.INT32_SCHEMA)
            .field("qty", SchemaBuilder.int32().optional().defaultValue(7).build())
            .build();

    @Test
    @DisplayName("when the application wrote NULL into a column with a DEFAULT, then the value is NULL, not the default")
    void nullIsNotTheDefault() {
        Struct row = new Struct(ROW).put("id", 1).put("qty", null);
        assertThat(row.get(ROW.field("qty"))).as("Kafka Connect's own get").isEqualTo(7);
        assertThat(RecordConverter.valueOf(row, ROW.field("qty"))).isNull();
    }

    @Test
    @DisplayName("when a column with a DEFAULT holds a value, then that value comes through")
    void valuesComeThrough() {
        Struct row = new Struct(ROW).put("id", 1).put("qty", 3);
        assertThat(RecordConverter.valueOf(row, ROW.field("qty"))).isEqualTo(3);
        assertThat(RecordConverter.valueOf(row, ROW.field("id"))).isEqualTo(1);
    }
}
