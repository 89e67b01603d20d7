package dev.ferry.sqlserver;

import io.debezium.config.Configuration;
import io.debezium.relational.Tables;
import io.debezium.relational.ddl.DdlParser;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The SQL Server connector's schema history, rebuilt from the database at every start instead of
 * stored. The connector needs the structure of each captured table before it reads its change
 * table; Ferry's position lives in the target checkpoint, not next to a history topic, so on
 * every start this history reads, for each selected table, the columns of the capture instance
 * that was active at the position to resume from (see {@link SqlServerCdcStream}). Later capture
 * instances are then followed by the connector itself, as it does with a stored history.
 *
 * <p>The engine instantiates this class by name; it finds its stream's reader through the key in
 * the engine property {@value #KEY}.
 */
public final class CaptureSchemaHistory extends AbstractSchemaHistory {

    static final String KEY = "schema.history.internal.ferry.stream";
    private static final Map<String, Reader> READERS = new ConcurrentHashMap<>();

    /** Fills {@code tables} with the captured structure as of {@code offset}. */
    @FunctionalInterface
    interface Reader {
        void read(Map<String, ?> offset, Tables tables) throws Exception;
    }

    static void register(String key, Reader reader) {
        READERS.put(key, reader);
    }

    /** Removes {@code reader}, unless a newer stream of the same task registered its own meanwhile. */
    static void unregister(String key, Reader reader) {
        READERS.remove(key, reader);
    }

    private String key;

    @Override
    public void configure(Configuration config, HistoryRecordComparator comparator, SchemaHistoryListener listener,
                          boolean useCatalogBeforeSchema) {
        super.configure(config, comparator, listener, useCatalogBeforeSchema);
        key = config.getString(KEY);
    }

    @Override
    public void recover(Map<Map<String, ?>, Map<String, ?>> offsets, Tables schema, DdlParser ddlParser) throws InterruptedException {
        Reader reader = key == null ? null : READERS.get(key);
        if (reader == null) {
            throw new SchemaHistoryException("no table structure reader is registered for change stream '" + key + "'");
        }
        for (Map<String, ?> offset : offsets.values()) {
            try {
                reader.read(offset == null ? Map.of() : offset, schema);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new SchemaHistoryException("reading the structure of the captured tables failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    protected void storeRecord(HistoryRecord record) {
        // nothing to store: the structure is read from the database at every start
    }

    @Override
    protected void recoverRecords(Consumer<HistoryRecord> records) {
        // replaced by recover()
    }

    @Override
    public void start() {
        super.start();
    }

    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public boolean storageExists() {
        return true;
    }

    @Override
    public void initializeStorage() {
        // no storage
    }

    @Override
    public String toString() {
        return "capture instances of the source database";
    }
}
