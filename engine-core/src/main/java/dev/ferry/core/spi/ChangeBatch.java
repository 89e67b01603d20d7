package dev.ferry.core.spi;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableSchema;

import java.util.List;

/**
 * A CDC batch reduced to what a target must do, per table. Built by the task runner.
 *
 * @param tables the changes per table, in first-seen order
 */
public record ChangeBatch(List<TableChanges> tables) {

    public ChangeBatch {
        tables = List.copyOf(tables);
    }

    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * The changes of one table, after the truncate when {@code truncateFirst}. For a table with a
     * primary key, the net change: the rows to delete (by the key values in {@code deletes}, found at
     * the key positions) and the rows to upsert, disjoint by key; rows in {@code upserts} may hold
     * {@link dev.ferry.core.model.Unchanged#VALUE}. {@code ordered} holds the same changes as they
     * happened, in commit order, for every table: a keyless table is applied from it alone (one
     * change at a time, matching whole rows; its {@code upserts} and {@code deletes} are empty), and
     * a target applies a keyed table either way: the net change is faster, the ordered changes pass
     * through every state the source did (which a unique constraint beside the key may need).
     *
     * @param truncateFirst remove all rows before applying the rest
     */
    public record TableChanges(TableSchema schema, boolean truncateFirst, List<Object[]> deletes,
                               List<Object[]> upserts, List<ChangeEvent> ordered) {
        /** The rows the net change touches (keyed tables) or the changes (keyless tables). */
        public int size() {
            return schema.hasPrimaryKey() ? deletes.size() + upserts.size() : ordered.size();
        }
    }
}
