package dev.ferry.core.spi;

/**
 * A slice of a table by one key column: {@code lowInclusive <= column < highExclusive}; a null
 * bound is open. Bounds are Long, Integer, BigDecimal or String values.
 */
public record KeyRange(String column, Object lowInclusive, Object highExclusive) {
    public KeyRange {
        if (column == null || column.isEmpty()) {
            throw new IllegalArgumentException("KeyRange.column must not be empty");
        }
    }
}
