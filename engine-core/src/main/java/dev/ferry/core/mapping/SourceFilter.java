package dev.ferry.core.mapping;

import dev.ferry.core.model.ChangeEvent;

import java.util.function.Consumer;

/**
 * Which rows of a source table move: the {@code filters} of the selection rules that select it.
 * Applied twice, with the same meaning: as a condition pushed into the full load's read, and to
 * every change of the table in CDC, where a row updated out of the filter is deleted on the target
 * and one updated into it is inserted.
 */
public class SourceFilter {

    /** Every row moves. */
    public static final SourceFilter NONE = new SourceFilter();

    protected SourceFilter() {
    }

    /** Whether this filter lets every row through (the full load reads the table as it is). */
    public boolean isNone() {
        return this == NONE;
    }

    /** Whether {@code row} (values in the source table's column order) passes. */
    public boolean matches(Object[] row) {
        return true;
    }

    /**
     * This filter as a SQL condition for the WHERE of a full-load query, written with
     * {@code dialect}; null for {@link #NONE}.
     */
    public String condition(FilterDialect dialect) {
        return null;
    }

    /**
     * The changes the target must apply for source change {@code event} of a filtered table, in
     * source terms (the source table's id and column order); none when it does not concern the
     * filtered rows.
     */
    public void route(ChangeEvent event, Consumer<ChangeEvent> out) {
        out.accept(event);
    }
}
