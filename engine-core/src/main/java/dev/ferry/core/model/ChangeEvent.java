package dev.ferry.core.model;

/**
 * One row change, in source commit order. Rows are {@code Object[]} in the column order of the
 * table's {@link TableSchema}, holding values of the classes {@link TypeKind} documents, or
 * {@link Unchanged#VALUE} for a value the source did not send.
 */
public sealed interface ChangeEvent {

    TableId table();

    /** A new row. */
    record Insert(TableId table, Object[] after) implements ChangeEvent {
    }

    /**
     * A changed row. {@code before} is the old row when the source sends it (all columns, or at
     * least the key columns when the key changed); null when the source sends only the new row.
     */
    record Update(TableId table, Object[] before, Object[] after) implements ChangeEvent {
    }

    /** A removed row; {@code before} holds at least the key columns, all columns for keyless tables. */
    record Delete(TableId table, Object[] before) implements ChangeEvent {
    }

    /** All rows of the table removed. */
    record Truncate(TableId table) implements ChangeEvent {
    }
}
