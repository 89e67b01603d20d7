package dev.ferry.postgres.source;

import dev.ferry.debezium.EngineChangeStream;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PgChangeStreamTest {
    static final Schema ENVELOPE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();

    /** A record as the connector makes it: offset lsn/lsn_proc, op, and the key-change header on a delete half. */
    static RecordChangeEvent<SourceRecord> record(long lsn, String op, boolean keyChangeDelete) {
        SourceRecord r = new SourceRecord(Map.of("server", "ferry-t"), Map.of("lsn", lsn, "lsn_proc", lsn), "topic",
                ENVELOPE, new Struct(ENVELOPE).put("op", op));
        if (keyChangeDelete) {
            r.headers().addString("__debezium.newkey", "{id=100}");
        }
        return () -> r;
    }

    @Test
    @DisplayName("when a batch ends with the delete half of a key change, then its checkpoint stops before that message")
    void keyChangeSplitAcrossBatches() {
        List<RecordChangeEvent<SourceRecord>> batch = List.of(record(10, "c", false), record(20, "u", false), record(30, "d", true));
        assertThat(EngineChangeStream.coveredRecords(batch, PgChangeStream::message)).isEqualTo(2);
    }

    @Test
    void completeKeyChangeIsCovered() {
        List<RecordChangeEvent<SourceRecord>> batch = List.of(record(10, "c", false), record(30, "d", true), record(30, "c", false));
        assertThat(EngineChangeStream.coveredRecords(batch, PgChangeStream::message)).isEqualTo(3);
    }

    @Test
    @DisplayName("when a batch ends with truncates of one statement, then none of them is covered")
    void trailingTruncates() {
        List<RecordChangeEvent<SourceRecord>> batch = List.of(record(10, "c", false), record(40, "t", false), record(40, "t", false));
        assertThat(EngineChangeStream.coveredRecords(batch, PgChangeStream::message)).isEqualTo(1);
        assertThat(EngineChangeStream.coveredRecords(List.of(record(40, "t", false)), PgChangeStream::message)).isZero();
    }

    @Test
    void ordinaryBatchIsCoveredWhole() {
        assertThat(EngineChangeStream.coveredRecords(List.of(record(10, "c", false), record(20, "d", false)), PgChangeStream::message)).isEqualTo(2);
    }
}
