package dev.ferry.debezium;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.spi.ChangeChunk;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Debezium's real embedded engine and Kafka Connect's offset machinery, with a connector that does
 * what every source connector does at start — read the offset of its partition — and then emits
 * one record. The connector is a stand-in for lifecycle only: what is under test is whether the
 * stream notices that the connector did not get the seeded offset.
 */
class EngineStartPositionTest {

    /** Asks for the offset of partition {@code {"server": <asked.server>}}, then emits one record at that partition. */
    public static final class AskingConnector extends SourceConnector {
        private Map<String, String> props;

        @Override
        public void start(Map<String, String> props) {
            this.props = props;
        }

        @Override
        public Class<? extends Task> taskClass() {
            return AskingTask.class;
        }

        @Override
        public List<Map<String, String>> taskConfigs(int maxTasks) {
            return List.of(props);
        }

        @Override
        public void stop() {
        }

        @Override
        public ConfigDef config() {
            return new ConfigDef();
        }

        @Override
        public String version() {
            return "1";
        }
    }

    public static final class AskingTask extends SourceTask {
        private Map<String, Object> partition;
        private boolean sent;

        @Override
        public void start(Map<String, String> props) {
            partition = Map.of("server", props.get("asked.server"));
            context.offsetStorageReader().offset(partition);
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            if (sent) {
                Thread.sleep(50);
                return null;
            }
            sent = true;
            return List.of(new SourceRecord(partition, Map.of("pos", 8L), "t", null, null));
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "1";
        }
    }

    record Pos(long value) implements SourcePosition {
        @Override
        public String serialize() {
            return Long.toString(value);
        }

        @Override
        public String describe() {
            return "position " + value;
        }

        @Override
        public int compareTo(SourcePosition o) {
            return Long.compare(value, ((Pos) o).value);
        }
    }

    static EngineChangeStream open(String task, String askedServer) {
        Properties p = EngineChangeStream.properties(task, AskingConnector.class.getName(), 10, 50);
        p.setProperty("asked.server", askedServer);
        SeededOffsetStore.seed(p, Map.of("server", "ferry-" + task), Map.of("pos", 7L));
        return new EngineChangeStream(task, "Test", p, record -> RecordConverter.PositionOnly.INSTANCE,
                new EngineChangeStream.Positions() {
                    @Override
                    public SourcePosition of(SourceRecord record) {
                        return new Pos((Long) record.sourceOffset().get("pos"));
                    }

                    @Override
                    public Object message(SourceRecord record) {
                        return record.sourceOffset();
                    }
                }, new Pos(7));
    }

    /** Polls until a chunk arrives or the stream fails; bounded by a deadline, never a fixed sleep. */
    static ChangeChunk firstChunk(EngineChangeStream stream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            ChangeChunk c = stream.poll(100, TimeUnit.MILLISECONDS);
            if (c != null) {
                return c;
            }
        }
        throw new AssertionError("no chunk and no failure within 60 s");
    }

    @Test
    @DisplayName("when the connector reads the seeded offset, then its records flow")
    void startsFromTheSeed() throws InterruptedException {
        try (EngineChangeStream stream = open("seeded", "ferry-seeded")) {
            ChangeChunk chunk = firstChunk(stream);
            assertThat(chunk.position()).isEqualTo(new Pos(8));
            stream.committed(chunk);
        }
    }

    @Test
    @DisplayName("when the connector asks for another partition than the seeded one, then the stream stops before handing anything over")
    void refusesAConnectorThatDidNotStartFromTheSeed() {
        try (EngineChangeStream stream = open("renamed", "ferry-other")) {
            assertThatThrownBy(() -> firstChunk(stream)).isInstanceOf(SourceException.class)
                    .hasMessageStartingWith("Test change capture did not start from the stored position (position 7): "
                            + "the connector asked for the offset of partition(s) [{server=ferry-other}], but the stored position is for "
                            + "{\"server\":\"ferry-renamed\"}")
                    .hasMessageContaining("ferry run --reload");
        }
    }
}
