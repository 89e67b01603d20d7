package dev.ferry.core.task;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.Unchanged;
import dev.ferry.core.spi.ChangeBatch;
import dev.ferry.core.spi.ChangeBatch.TableChanges;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reduces a run of change events to the net change per key, per table. For a keyed table the
 * last event per key wins: an insert or update becomes an upsert of the after image, a delete
 * removes any pending upsert of the key; an update that changes the key deletes the old key.
 * An update carrying {@link Unchanged} values takes them from a pending upsert of the same key.
 * A truncate drops what is pending for the table and truncates first. Every table also keeps its
 * events in order since its last truncate: a keyless table has nothing else, and a target may apply
 * a keyed table's events one by one where the net change would break a constraint that the source's
 * order respects (a unique index beside the key). The list refers to events the caller holds until
 * the batch is applied anyway (the task keeps its chunks for retries): it costs a reference per
 * event, not a copy. Also counts raw inserts, updates and deletes per table for statistics.
 * Not thread-safe: one reducer per batch. Public for tools that feed a target directly (benchmarks).
 */
public final class NetChangeReducer {

    private final Map<TableId, TableSchema> schemas;
    private final Map<TableId, TableBuffer> buffers = new LinkedHashMap<>();
    private int events;

    public NetChangeReducer(Map<TableId, TableSchema> schemas) {
        this.schemas = schemas;
    }

    /** Raw counts per table, for statistics: inserts, updates, deletes, truncates. */
    static final class Counts {
        long inserts;
        long updates;
        long deletes;
        long truncates;
    }

    private static final class TableBuffer {
        final TableSchema schema;
        final int[] key;
        final Map<Key, Object[]> upserts = new LinkedHashMap<>();
        final Map<Key, Object[]> deletes = new HashMap<>();
        final List<ChangeEvent> ordered = new ArrayList<>();
        final Counts counts = new Counts();
        boolean truncateFirst;

        TableBuffer(TableSchema schema) {
            this.schema = schema;
            this.key = schema.keyIndexes();
        }
    }

    /** Key values of a row wrapped for hashing; byte[] and other arrays compare by content. */
    private record Key(Object[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.deepEquals(values, k.values);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(values);
        }
    }

    /** Adds the next event in commit order. */
    public void add(ChangeEvent event) {
        TableSchema schema = schemas.get(event.table());
        if (schema == null) {
            // The stream only carries selected tables; anything else is a source bug worth failing on.
            throw new IllegalStateException("change for table " + event.table() + ", which the task does not replicate");
        }
        TableBuffer b = buffers.computeIfAbsent(event.table(), t -> new TableBuffer(schema));
        events++;
        if (!(event instanceof ChangeEvent.Truncate)) {
            b.ordered.add(event); // one call site rather than one per branch: measurably faster in this hot loop
        }
        if (event instanceof ChangeEvent.Insert i) {
            b.counts.inserts++;
            if (b.key.length > 0) {
                upsert(b, i.after());
            }
        } else if (event instanceof ChangeEvent.Update u) {
            b.counts.updates++;
            if (b.key.length == 0) {
                return;
            }
            if (u.before() != null) {
                Key old = key(b, u.before());
                if (!old.equals(key(b, u.after()))) {
                    b.upserts.remove(old);
                    b.deletes.put(old, u.before());
                }
            }
            upsert(b, u.after());
        } else if (event instanceof ChangeEvent.Delete d) {
            b.counts.deletes++;
            if (b.key.length == 0) {
                return;
            }
            Key k = key(b, d.before());
            b.upserts.remove(k);
            b.deletes.put(k, d.before());
        } else if (event instanceof ChangeEvent.Truncate) {
            b.counts.truncates++;
            b.upserts.clear();
            b.deletes.clear();
            b.ordered.clear();
            b.truncateFirst = true;
        }
    }

    private void upsert(TableBuffer b, Object[] after) {
        Key k = key(b, after);
        b.deletes.remove(k);
        Object[] previous = b.upserts.get(k);
        if (previous != null && hasUnchanged(after)) {
            Object[] merged = after.clone();
            for (int i = 0; i < merged.length; i++) {
                if (merged[i] == Unchanged.VALUE) {
                    merged[i] = previous[i];
                }
            }
            after = merged;
        }
        b.upserts.put(k, after);
    }

    private static boolean hasUnchanged(Object[] row) {
        for (Object v : row) {
            if (v == Unchanged.VALUE) {
                return true;
            }
        }
        return false;
    }

    private static Key key(TableBuffer b, Object[] row) {
        Object[] values = new Object[b.key.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = row[b.key[i]];
        }
        return new Key(values);
    }

    /** Events added so far. */
    public int events() {
        return events;
    }

    Map<TableId, Counts> counts() {
        Map<TableId, Counts> result = new LinkedHashMap<>();
        buffers.forEach((t, b) -> result.put(t, b.counts));
        return result;
    }

    /**
     * The net change of everything added, per table. The ordered changes are a view of the reducer's
     * own list, not a copy: add nothing after this.
     */
    public ChangeBatch toBatch() {
        List<TableChanges> tables = new ArrayList<>(buffers.size());
        for (TableBuffer b : buffers.values()) {
            tables.add(new TableChanges(b.schema, b.truncateFirst, new ArrayList<>(b.deletes.values()),
                    new ArrayList<>(b.upserts.values()), Collections.unmodifiableList(b.ordered)));
        }
        return new ChangeBatch(tables);
    }
}
