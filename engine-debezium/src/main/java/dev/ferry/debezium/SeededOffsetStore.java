package dev.ferry.debezium;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Debezium's offset store for a Ferry change stream. It starts with the offset the target's
 * checkpoint holds (passed in the engine properties by {@link #seed}) and keeps later offsets in
 * memory only: the durable copy is the one the target commits with each batch. Instantiated by
 * the engine through its no-argument constructor, so it holds no reference to anything else.
 */
public final class SeededOffsetStore extends MemoryOffsetBackingStore {

    private static final String PARTITION = "ferry.offset.partition";
    private static final String OFFSET = "ferry.offset.offset";
    /** Engine property: the engine name, the namespace of offset keys. */
    private static final String ENGINE_NAME = "name";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Map<String, Object> partition = Map.of();

    /**
     * Makes the engine configured by {@code engine} use this store, starting from {@code offset} of
     * {@code partition} (Debezium's own maps, as its records carry them). Nothing is seeded when
     * {@code offset} is empty: the connector then starts as it would without any stored offset.
     */
    public static void seed(Properties engine, Map<String, ?> partition, Map<String, ?> offset) {
        engine.setProperty("offset.storage", SeededOffsetStore.class.getName());
        engine.setProperty("offset.flush.interval.ms", "0");
        if (offset.isEmpty()) {
            return;
        }
        try {
            engine.setProperty(PARTITION, JSON.writeValueAsString(partition));
            engine.setProperty(OFFSET, JSON.writeValueAsString(offset));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("offset " + offset + " cannot be written as JSON", e);
        }
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object p = config.originals().get(PARTITION);
        Object o = config.originals().get(OFFSET);
        Object engine = config.originals().get(ENGINE_NAME);
        if (p == null || o == null) {
            return;
        }
        Map<String, Object> offset;
        try {
            partition = JSON.readValue(p.toString(), new TypeReference<>() { });
            offset = JSON.readValue(o.toString(), new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the seeded offset is not JSON: " + e.getOriginalMessage(), e);
        }
        // Offset keys and values are written exactly as the engine's OffsetStorageWriter writes them.
        try (JsonConverter keys = new JsonConverter(); JsonConverter values = new JsonConverter()) {
            keys.configure(Map.of("schemas.enable", "false", "converter.type", "key"), true);
            values.configure(Map.of("schemas.enable", "false", "converter.type", "value"), false);
            byte[] key = keys.fromConnectData(engine.toString(), null, List.of(engine.toString(), partition));
            byte[] value = values.fromConnectData(engine.toString(), null, offset);
            Map<ByteBuffer, ByteBuffer> seeded = new HashMap<>();
            seeded.put(ByteBuffer.wrap(key), ByteBuffer.wrap(value));
            data = seeded;
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return partition.isEmpty() ? Set.of() : Set.of(partition);
    }
}
