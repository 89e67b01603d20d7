package dev.ferry.core.mapping;

import dev.ferry.core.model.Column;

/**
 * How a source writes a {@link SourceFilter} into the WHERE of its full-load query. The filter
 * builds the condition; the dialect quotes names and writes each value as a literal of the
 * column's own type, so that the database compares exactly as the in-memory filter does in CDC.
 */
public interface FilterDialect {

    /** The quoted column name. */
    String identifier(String name);

    /**
     * A literal of {@code value} (of the class {@link dev.ferry.core.model.TypeKind} gives for the
     * column's type) that the database compares as a value of {@code column}'s type.
     */
    String literal(Object value, Column column);

    /**
     * {@code column = 'value'} ({@code negated}: {@code <>}) for a text column, comparing exactly
     * (code point by code point; trailing spaces are ignored for fixed-length CHAR columns only).
     * The default suits databases whose plain {@code =} is exact, as PostgreSQL's is under its
     * deterministic collations.
     */
    default String textEquals(String column, String value, Column c, boolean negated) {
        return column + (negated ? " <> " : " = ") + literal(value, c);
    }
}
