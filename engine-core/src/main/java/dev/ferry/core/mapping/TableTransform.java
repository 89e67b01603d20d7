package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.SourceException;
import dev.ferry.core.mapping.expr.ChangeHeader;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.Unchanged;
import dev.ferry.core.spi.ChangeChunk;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * The {@link RowTransform} of one source table under transformation rules: the target row is built
 * from a per-column plan made once ({@link Transformations} makes it): a source column (converted
 * when its type changed), an added column (a constant NULL or an expression of the source row and
 * the change's header), or a before-image column (the source's old value of a column in updates).
 * Immutable but for the change sequence; called by one thread at a time per stream.
 */
final class TableTransform implements RowTransform {

    /** What {@code add-column} puts in one target column. */
    interface Added {
        /** The value for source row {@code row} (source column order) under {@code header}. */
        Object value(Object[] row, ChangeHeader header);

        /** Whether it is an {@code operation_indicator(...)}: deletes then flag the row instead of removing it. */
        boolean flagsDeletes();

        /** A constant NULL: an add-column rule without an expression. */
        Added NULL = new Added() {
            @Override
            public Object value(Object[] row, ChangeHeader header) {
                return null;
            }

            @Override
            public boolean flagsDeletes() {
                return false;
            }
        };
    }

    private final TableSchema source;
    private final TableSchema target;
    /** Per target column: the source column it comes from, or -1. */
    private final int[] from;
    /** Per target column: the conversion of its source value, or null. */
    private final ValueConversion[] conversions;
    /** Per target column: the added column's value, or null. */
    private final Added[] added;
    /** Per target column: for a before-image column, the source column whose old value it holds; else -1. */
    private final int[] beforeOf;
    /** Per target column: the rule that made it, for messages. */
    private final String[] rules;
    /** Target key columns that the source key does not hold (their old values must come with every update/delete). */
    private final int[] keyOutsideSourceKey;
    private final String keyRule;
    private final boolean[] sourceKey;
    private final boolean rowsAsTheyAre;
    private final boolean needsHeader;
    private final boolean flagsDeletes;
    private long lastSeq;

    TableTransform(TableSchema source, TableSchema target, int[] from, ValueConversion[] conversions, Added[] added,
                   int[] beforeOf, String[] rules, int[] keyOutsideSourceKey, String keyRule) {
        this.source = source;
        this.target = target;
        this.from = from;
        this.conversions = conversions;
        this.added = added;
        this.beforeOf = beforeOf;
        this.rules = rules;
        this.keyOutsideSourceKey = keyOutsideSourceKey;
        this.keyRule = keyRule;
        this.sourceKey = new boolean[source.columns().size()];
        for (int k : source.keyIndexes()) {
            sourceKey[k] = true;
        }
        boolean same = from.length == source.columns().size();
        boolean header = false;
        boolean flags = false;
        for (int i = 0; i < from.length; i++) {
            same &= from[i] == i && conversions[i] == null;
            if (added[i] != null) {
                header = true;
                flags |= added[i].flagsDeletes();
            }
        }
        this.rowsAsTheyAre = same;
        this.needsHeader = header;
        this.flagsDeletes = flags;
    }

    @Override
    public TableSchema target() {
        return target;
    }

    TableSchema source() {
        return source;
    }

    /** Whether rows keep the source's columns and values (only names may change). */
    boolean rowsAsTheyAre() {
        return rowsAsTheyAre;
    }

    @Override
    public Object[] load(Object[] row) {
        if (rowsAsTheyAre) {
            return row;
        }
        ChangeHeader header = needsHeader ? ChangeHeader.fullLoad(Instant.now()) : null;
        return map(row, null, header, false, false);
    }

    @Override
    public void change(ChangeEvent event, ChangeChunk chunk, int index, Consumer<ChangeEvent> out) {
        if (event instanceof ChangeEvent.Insert i) {
            out.accept(new ChangeEvent.Insert(target.id(), rowsAsTheyAre ? i.after()
                    : map(i.after(), null, header(ChangeHeader.Operation.INSERT, chunk, index), false, false)));
        } else if (event instanceof ChangeEvent.Update u) {
            checkOldKey(u.before(), "an update");
            if (rowsAsTheyAre) {
                out.accept(new ChangeEvent.Update(target.id(), u.before(), u.after()));
                return;
            }
            Object[] before = u.before() == null ? null : map(u.before(), null, null, true, false);
            out.accept(new ChangeEvent.Update(target.id(), before, map(u.after(), u.before(), header(ChangeHeader.Operation.UPDATE, chunk, index),
                    false, true)));
        } else if (event instanceof ChangeEvent.Delete d) {
            checkOldKey(d.before(), "a delete");
            if (rowsAsTheyAre) {
                out.accept(new ChangeEvent.Delete(target.id(), d.before()));
            } else if (flagsDeletes) {
                out.accept(new ChangeEvent.Update(target.id(), null, flagged(d.before(), header(ChangeHeader.Operation.DELETE, chunk, index))));
            } else {
                out.accept(new ChangeEvent.Delete(target.id(), map(d.before(), null, null, true, false)));
            }
        } else if (event instanceof ChangeEvent.Truncate) {
            out.accept(new ChangeEvent.Truncate(target.id()));
        }
    }

    private ChangeHeader header(ChangeHeader.Operation op, ChangeChunk chunk, int index) {
        if (!needsHeader) {
            return null;
        }
        // DMS: a number unique at task level, the commit time's digits first; ours increases within a run too
        long seq = Math.max(lastSeq + 1, chunk.sourceTimeMillis() * 1_000_000L + index);
        lastSeq = seq;
        Instant time = chunk.sourceTimeMillis() > 0 ? Instant.ofEpochMilli(chunk.sourceTimeMillis()) : Instant.now();
        return new ChangeHeader(op, time, chunk.position().describe(), seq);
    }

    /**
     * The target row of {@code row}. {@code old} is the source's old row of an update (for
     * before-image columns, which hold values in updates only); {@code keyOnly} maps an old row,
     * whose added columns stay null.
     */
    private Object[] map(Object[] row, Object[] old, ChangeHeader header, boolean keyOnly, boolean update) {
        Object[] result = new Object[from.length];
        for (int i = 0; i < from.length; i++) {
            int f = from[i];
            if (f >= 0) {
                result[i] = convert(i, row[f]);
            } else if (added[i] != null && !keyOnly) {
                result[i] = addedValue(i, row, header);
            } else if (beforeOf[i] >= 0 && update) {
                int b = beforeOf[i];
                // no old row: the source sent none because the key did not change, so the key's old value is its value
                Object v = old != null ? old[b] : sourceKey[b] ? row[b] : null;
                result[i] = v == Unchanged.VALUE ? null : convert(i, v);
            }
        }
        return result;
    }

    /** A deleted row kept and flagged (operation_indicator): its key, the flag; every other column as it is. */
    private Object[] flagged(Object[] before, ChangeHeader header) {
        Object[] result = new Object[from.length];
        java.util.Arrays.fill(result, Unchanged.VALUE);
        for (int k : target.keyIndexes()) {
            result[k] = convert(k, before[from[k]]);
        }
        for (int i = 0; i < from.length; i++) {
            if (added[i] != null && added[i].flagsDeletes()) {
                result[i] = addedValue(i, before, header);
            }
        }
        return result;
    }

    private Object addedValue(int i, Object[] row, ChangeHeader header) {
        // a column the expression reads that the source did not send fails in evaluate, naming the rule and the fix
        Object v = added[i].value(row, header);
        return convert(i, v);
    }

    private Object convert(int i, Object v) {
        ValueConversion c = conversions[i];
        if (c == null || v == null || v == Unchanged.VALUE) {
            return v;
        }
        try {
            return c.convert(v);
        } catch (RuntimeException e) {
            String value = String.valueOf(v);
            if (value.length() > 100) {
                value = value.substring(0, 100) + "...";
            }
            int f = from[i] >= 0 ? from[i] : beforeOf[i];
            String what = f >= 0 ? "column " + source.columns().get(f).name() + " of source table " + source.id()
                    : "the value of " + rules[i];
            throw new ConfigurationException(what + ": value '" + value + "' does not fit " + target.columns().get(i).type()
                    + " of target column " + target.id() + "." + target.columns().get(i).name() + " (" + rules[i] + "): "
                    + e.getMessage() + "; fix: choose a data-type that holds every value, or correct the value on the source");
        }
    }

    /**
     * A target key that the source's key does not hold needs the old values of its columns with
     * every update and delete: without them an update that changed one of them would add a second
     * row instead of moving the first, and a delete would miss its row.
     */
    private void checkOldKey(Object[] before, String what) {
        if (keyOutsideSourceKey.length == 0) {
            return;
        }
        for (int k : keyOutsideSourceKey) {
            if (before == null || before[from[k]] == null || before[from[k]] == Unchanged.VALUE) {
                throw new SourceException("table " + source.id() + ": " + keyRule + " keys target table " + target.id() + " on "
                        + String.join(", ", target.primaryKey()) + ", but the source sent " + what + " without the old value of "
                        + source.columns().get(from[k]).name() + ", which the source's own key does not hold, so the target "
                        + "row cannot be found; fix: define the target's key on columns of the source's key ("
                        + String.join(", ", source.primaryKey()) + "), or load the table without CDC. Only sources that "
                        + "send whole old rows bring other columns' old values: SQL Server CDC, and PostgreSQL for a table "
                        + "without a primary key under REPLICA IDENTITY FULL");
            }
        }
    }
}
