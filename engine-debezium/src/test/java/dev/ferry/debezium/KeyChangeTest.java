package dev.ferry.debezium;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableId;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The halves of a key change, as relational Debezium connectors emit them, make one update. */
class KeyChangeTest {
    private static final TableId T = new TableId("s", "t");

    private static SourceRecord record(String header) {
        ConnectHeaders headers = new ConnectHeaders();
        if (header != null) {
            headers.addString(header, "key");
        }
        return new SourceRecord(Map.of(), Map.of(), "topic", null, null, null, null, null, null, headers);
    }

    @Test
    @DisplayName("when a delete is followed by the create that carries the old key, then they are one update from the old "
            + "key to the new row")
    void halvesMakeOneUpdate() {
        ChangeEvent.Update u = EngineChangeStream.keyChange(new ChangeEvent.Delete(T, new Object[]{1, null}),
                new ChangeEvent.Insert(T, new Object[]{10, "x"}), record("__debezium.oldkey"));
        assertThat(u).isNotNull();
        assertThat(u.before()).containsExactly(1, null);
        assertThat(u.after()).containsExactly(10, "x");
    }

    @Test
    @DisplayName("when the create carries no old key, or is of another table, then nothing is merged")
    void otherwiseNothingIsMerged() {
        ChangeEvent delete = new ChangeEvent.Delete(T, new Object[]{1, null});
        assertThat(EngineChangeStream.keyChange(delete, new ChangeEvent.Insert(T, new Object[]{10, "x"}), record(null))).isNull();
        assertThat(EngineChangeStream.keyChange(delete, new ChangeEvent.Insert(new TableId("s", "u"), new Object[]{10, "x"}),
                record("__debezium.oldkey"))).isNull();
        assertThat(EngineChangeStream.keyChange(new ChangeEvent.Insert(T, new Object[]{1, "a"}),
                new ChangeEvent.Insert(T, new Object[]{10, "x"}), record("__debezium.oldkey"))).isNull();
    }
}
