package dev.ferry.core.mapping;

import dev.ferry.core.model.TableSchema;

import java.util.Objects;

/**
 * How one selected source table moves: which of its rows ({@link SourceFilter}), into which target
 * table and as which rows ({@link RowTransform}).
 *
 * @param source    the table as the source describes it
 * @param filter    the rows that move
 * @param transform the target table and how rows become its rows
 * @param loadOrder the selection rule's {@code load-order}: higher loads first (DMS); 0 by default
 */
public record MappedTable(TableSchema source, SourceFilter filter, RowTransform transform, int loadOrder) {

    public MappedTable {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(transform, "transform");
    }

    /** The table as it is, every row. */
    public static MappedTable identity(TableSchema table) {
        return new MappedTable(table, SourceFilter.NONE, RowTransform.identity(table), 0);
    }

    public TableSchema target() {
        return transform.target();
    }

    /** Whether rows and changes pass as they are (no filter, no transformation). */
    public boolean isIdentity() {
        return filter.isNone() && transform.isIdentity();
    }
}
