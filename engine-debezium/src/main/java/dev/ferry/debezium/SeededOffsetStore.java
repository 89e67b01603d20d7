package dev.ferry.debezium;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Debezium's offset store for a Ferry change stream. It starts with the offset the target's
 * checkpoint holds (passed in the engine properties by {@link #seed}) and keeps later offsets in
 * memory only: the durable copy is the one the target commits with each batch. Instantiated by
 * the engine through its no-argument constructor, so it holds no reference to anything else.
 *
 * <p>A connector that finds no offset for its partition does not fail: with
 * {@code snapshot.mode=no_data} it starts from the current end of the change history and every
 * change since the stored position is skipped, silently. So the store matches the partition the
 * connector asks for by content (not by the bytes of its JSON, whose key order may differ), and
 * records, per seed, whether the connector got the seeded offset; {@link #notStartedFromSeed}
 * lets the change stream refuse to go on when it did not.
 */
public final class SeededOffsetStore extends MemoryOffsetBackingStore {

    private static final String PARTITION = "ferry.offset.partition";
    private static final String OFFSET = "ferry.offset.offset";
    /** Engine property: identifies one seeding, the key of {@link #READS}. */
    private static final String TOKEN = "ferry.offset.token";
    /** Per seed token: the partitions the connector asked for, and whether it got the seeded offset. */
    private static final Map<String, Reads> READS = new ConcurrentHashMap<>();
    /** Engine property: the engine name, the namespace of offset keys. */
    private static final String ENGINE_NAME = "name";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Map<String, Object> partition = Map.of();
    private String engineName;
    private String token;
    private ByteBuffer seededValue;

    private record Reads(List<Object> asked, boolean[] served) {
    }

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
            engine.setProperty(TOKEN, UUID.randomUUID().toString());
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
            seededValue = ByteBuffer.wrap(value);
        }
        engineName = engine.toString();
        Object t = config.originals().get(TOKEN);
        if (t != null) {
            token = t.toString();
            READS.putIfAbsent(token, new Reads(new ArrayList<>(), new boolean[1]));
        }
    }

    /**
     * Offsets for {@code keys}; a key naming the seeded partition gets the seeded offset until the
     * connector stores a newer one, whatever the order of the key's JSON fields.
     */
    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> found;
        try {
            found = new HashMap<>(super.get(keys).get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        } catch (ExecutionException e) {
            return CompletableFuture.failedFuture(e.getCause());
        }
        if (token == null) {
            return CompletableFuture.completedFuture(found);
        }
        Reads reads = READS.get(token);
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false", "converter.type", "key"), true);
            for (ByteBuffer key : keys) {
                Object asked = converter.toConnectData(engineName, bytes(key)).value();
                boolean seededPartition = asked instanceof List<?> l && l.size() == 2 && engineName.equals(l.get(0))
                        && l.get(1) instanceof Map<?, ?> m && text(m).equals(text(partition));
                if (reads != null) {
                    synchronized (reads) {
                        reads.asked().add(asked instanceof List<?> l && l.size() == 2 ? l.get(1) : asked);
                        reads.served()[0] |= seededPartition;
                    }
                }
                if (seededPartition && found.get(key) == null) {
                    found.put(key, seededValue.duplicate());
                }
            }
        }
        return CompletableFuture.completedFuture(found);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static Map<String, String> text(Map<?, ?> m) {
        Map<String, String> t = new TreeMap<>();
        m.forEach((k, v) -> t.put(String.valueOf(k), String.valueOf(v)));
        return t;
    }

    /**
     * Null when the connector of {@code engine} started from the seeded offset, or nothing was
     * seeded; otherwise what went wrong, for the error that stops the stream. Call it once the
     * connector delivered its first record (it reads its offsets before that).
     */
    public static String notStartedFromSeed(Properties engine) {
        String t = engine.getProperty(TOKEN);
        if (t == null) {
            return null;
        }
        Reads reads = READS.get(t);
        if (reads == null) {
            return "the connector never opened Ferry's offset store, so it did not read the stored position";
        }
        synchronized (reads) {
            if (reads.served()[0]) {
                return null;
            }
            return reads.asked().isEmpty() ? "the connector read no stored offset"
                    : "the connector asked for the offset of partition(s) " + reads.asked() + ", but the stored position is for "
                    + engine.getProperty(PARTITION);
        }
    }

    /** Forgets what {@link #notStartedFromSeed} would report for {@code engine}: its stream closed. */
    public static void release(Properties engine) {
        String t = engine.getProperty(TOKEN);
        if (t != null) {
            READS.remove(t);
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return partition.isEmpty() ? Set.of() : Set.of(partition);
    }
}
