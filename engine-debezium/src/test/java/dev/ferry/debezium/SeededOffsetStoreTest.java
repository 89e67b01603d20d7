package dev.ferry.debezium;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class SeededOffsetStoreTest {

    /** The store configured as the embedded engine configures it, read back as the engine reads offsets. */
    record ReadBack(Map<String, Object> offset, java.util.Set<Map<String, Object>> partitions) {
    }

    static ReadBack readBack(Properties engine, Map<String, Object> partition) {
        Map<String, String> config = new HashMap<>();
        engine.forEach((k, v) -> config.put(k.toString(), v.toString()));
        config.put("key.converter", JsonConverter.class.getName());
        config.put("value.converter", JsonConverter.class.getName());
        config.put("offset.storage.file.filename", "");
        SeededOffsetStore store = new SeededOffsetStore();
        store.configure(new StandaloneConfig(config));
        store.start();
        try (JsonConverter keys = new JsonConverter(); JsonConverter values = new JsonConverter()) {
            keys.configure(Map.of("schemas.enable", "false"), true);
            values.configure(Map.of("schemas.enable", "false"), false);
            OffsetStorageReaderImpl reader = new OffsetStorageReaderImpl(store, engine.getProperty("name"), keys, values);
            return new ReadBack(reader.offset(partition), store.connectorPartitions(engine.getProperty("name")));
        } finally {
            store.stop();
        }
    }

    @Test
    @DisplayName("when a checkpoint's offset is seeded, then the engine reads exactly that offset for the connector's partition")
    void engineReadsTheSeededOffset() {
        Properties engine = EngineChangeStream.properties("orders", "io.debezium.connector.sqlserver.SqlServerConnector", 100, 500);
        Map<String, Object> partition = Map.of("server", "ferry-orders", "database", "shop");
        Map<String, Object> offset = new HashMap<>();
        offset.put("commit_lsn", "0000002a:00000c38:0003");
        offset.put("change_lsn", "0000002a:00000c30:0002");
        offset.put("event_serial_no", 2L);
        SeededOffsetStore.seed(engine, partition, offset);
        assertThat(engine).containsEntry("offset.storage", SeededOffsetStore.class.getName()).containsEntry("offset.flush.interval.ms", "0");
        ReadBack back = readBack(engine, partition);
        assertThat(back.offset()).isEqualTo(offset);
        assertThat(back.partitions()).containsExactly(partition);
    }

    @Test
    void nothingSeededForAMark() {
        Properties engine = EngineChangeStream.properties("orders", "io.debezium.connector.postgresql.PostgresConnector", 100, 500);
        SeededOffsetStore.seed(engine, Map.of(), Map.of());
        ReadBack back = readBack(engine, Map.of("server", "ferry-orders"));
        assertThat(back.offset()).isNull();
        assertThat(back.partitions()).isEmpty();
    }
}
