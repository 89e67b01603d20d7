package dev.ferry.core.mapping;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.ChangeChunk;

import java.util.function.Consumer;

/**
 * Turns the rows and changes of one source table into the rows and changes of its target table,
 * as the transformation rules say (names, removed and added columns, types, keys). Compiled once
 * per table; called per row, so it must not allocate more than the target row.
 */
public interface RowTransform {

    /** The target table: its id, its columns in target row order, its key. */
    TableSchema target();

    /** Whether rows and changes pass unchanged (then nothing is called per row). */
    default boolean isIdentity() {
        return false;
    }

    /** The target row of a source row read by the full load. */
    Object[] load(Object[] sourceRow);

    /**
     * The target's changes for source change {@code event} (already filtered), which is the
     * {@code index}-th change of {@code chunk} (for header values: position, commit time).
     */
    void change(ChangeEvent event, ChangeChunk chunk, int index, Consumer<ChangeEvent> out);

    /** Rows and changes as they are: the target table is the source table. */
    static RowTransform identity(TableSchema table) {
        return new RowTransform() {
            @Override
            public TableSchema target() {
                return table;
            }

            @Override
            public boolean isIdentity() {
                return true;
            }

            @Override
            public Object[] load(Object[] sourceRow) {
                return sourceRow;
            }

            @Override
            public void change(ChangeEvent event, ChangeChunk chunk, int index, Consumer<ChangeEvent> out) {
                out.accept(event);
            }
        };
    }
}
