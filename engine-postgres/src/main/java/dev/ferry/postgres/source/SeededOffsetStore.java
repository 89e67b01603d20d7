package dev.ferry.postgres.source;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Debezium's offset store for a Ferry change stream. It starts with the offset the target's
 * checkpoint holds (passed in the engine property {@value #SEED}) and keeps later offsets in
 * memory only: the durable copy is the one the target commits with each batch. Instantiated by
 * the engine through its no-argument constructor, so it holds no reference to anything else.
 */
public final class SeededOffsetStore extends MemoryOffsetBackingStore {

    /** Engine property: the serialised {@link PgPosition} to resume from. */
    static final String SEED = "ferry.offset.seed";
    /** Engine property: the engine name, the namespace of offset keys. */
    static final String ENGINE_NAME = "name";

    private Map<String, Object> partition = Map.of();

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object seed = config.originals().get(SEED);
        Object engine = config.originals().get(ENGINE_NAME);
        if (seed == null || seed.toString().isBlank()) {
            return;
        }
        PgPosition position = PgPosition.parse(seed.toString());
        if (position.isMark()) {
            return;
        }
        partition = position.partition();
        // Offset keys and values are written exactly as the engine's OffsetStorageWriter writes them.
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false", "converter.type", "key"), true);
            byte[] key = converter.fromConnectData(engine.toString(), null, List.of(engine.toString(), position.partition()));
            JsonConverter values = new JsonConverter();
            values.configure(Map.of("schemas.enable", "false", "converter.type", "value"), false);
            byte[] value = values.fromConnectData(engine.toString(), null, position.offset());
            values.close();
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
