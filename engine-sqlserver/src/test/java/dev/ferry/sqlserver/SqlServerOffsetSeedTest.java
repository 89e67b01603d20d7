package dev.ferry.sqlserver;

import dev.ferry.debezium.SeededOffsetStore;
import io.debezium.connector.common.OffsetReader;
import io.debezium.connector.sqlserver.SqlServerOffsetContext;
import io.debezium.connector.sqlserver.SqlServerPartition;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The position a SQL Server task stores in its checkpoint, seeded into the engine's offset store
 * and read back exactly as the connector reads it at start: Debezium's {@link OffsetReader} with
 * the connector's own partition ({@link SqlServerPartition}) and offset loader.
 */
class SqlServerOffsetSeedTest {

    /** The offsets the connector of {@code engine} loads for {@code partitions}, one per partition (null: none found). */
    static Map<SqlServerPartition, SqlServerOffsetContext> connectorStart(Properties engine, Set<SqlServerPartition> partitions) {
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
            return new OffsetReader<SqlServerPartition, SqlServerOffsetContext, SqlServerOffsetContext.Loader>(reader,
                    new SqlServerOffsetContext.Loader(SqlServerRecordsTest.CONFIG)).offsets(partitions);
        } finally {
            store.stop();
        }
    }

    /** The engine properties of task {@code orders} on database {@code shop}, seeded with {@code stored} as the checkpoint gives it back. */
    static Properties seeded(SqlServerPosition.Cdc stored) {
        SqlServerPosition.Cdc fromCheckpoint = (SqlServerPosition.Cdc) SqlServerPosition.parse(stored.serialize());
        Properties engine = SqlServerCdcStream.properties("orders", SqlServerCdcStreamTest.endpoint(), List.of(SqlServerRecordsTest.tableSchema()),
                100, 500);
        SeededOffsetStore.seed(engine, fromCheckpoint.partition(), fromCheckpoint.offset());
        return engine;
    }

    @Test
    @DisplayName("when a task resumes, then the connector loads the stored position for its own partition (key order of the JSON aside)")
    void connectorLoadsTheStoredPosition() {
        SqlServerPosition.Cdc mark = SqlServerPosition.Cdc.mark(Lsn.parse("0000002a:00000c38:0003"), SqlServerCdcStream.partition("orders", "shop"));
        Properties engine = seeded(mark);
        SqlServerPartition partition = new SqlServerPartition(SqlServerCdcStream.prefix("orders"), "shop");

        SqlServerOffsetContext loaded = connectorStart(engine, Set.of(partition)).get(partition);

        assertThat(loaded).as("the offset the connector starts from").isNotNull();
        assertThat(loaded.getChangePosition().getCommitLsn().toString()).isEqualTo("0000002a:00000c38:0003");
        assertThat(loaded.isSnapshotCompleted()).isTrue();
        assertThat(SeededOffsetStore.notStartedFromSeed(engine)).isNull();
        SeededOffsetStore.release(engine);
    }

    @Test
    @DisplayName("when the connector asks for another partition than the stored one, then the stream is told it did not start from it")
    void anotherPartitionIsReported() {
        SqlServerPosition.Cdc mark = SqlServerPosition.Cdc.mark(Lsn.parse("0000002a:00000c38:0003"), SqlServerCdcStream.partition("orders", "shop"));
        Properties engine = seeded(mark);
        SqlServerPartition renamed = new SqlServerPartition(SqlServerCdcStream.prefix("orders"), "Shop2");

        assertThat(connectorStart(engine, Set.of(renamed)).get(renamed)).isNull();
        assertThat(SeededOffsetStore.notStartedFromSeed(engine))
                .startsWith("the connector asked for the offset of partition(s) [{")
                .contains("database=Shop2").contains("but the stored position is for {\"database\":\"shop\",\"server\":\"ferry-orders\"}");
        SeededOffsetStore.release(engine);
    }
}
