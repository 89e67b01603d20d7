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
     * The net change of one table. For a table with a primary key: the rows to delete (by the key
     * values in {@code deletes}, found at the key positions) and the rows to upsert, disjoint by key;
     * rows in {@code upserts} may hold {@link dev.ferry.core.model.Unchanged#VALUE}. For a table
     * without a key, {@code ordered} holds the changes in commit order, applied one by one matching
     * whole rows; {@code upserts} and {@code deletes} are then empty.
     *
     * @param truncateFirst remove all rows before applying the rest
     */
    public record TableChanges(TableSchema schema, boolean truncateFirst, List<Object[]> deletes,
                               List<Object[]> upserts, List<ChangeEvent> ordered) {
        public int size() {
            return deletes.size() + upserts.size() + ordered.size();
        }
    }
}
