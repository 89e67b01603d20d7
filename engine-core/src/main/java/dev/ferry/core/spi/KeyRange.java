package dev.ferry.core.spi;

import java.math.BigDecimal;
import java.util.function.UnaryOperator;

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

    /**
     * The range as a SQL condition: {@code col >= low AND col < high}, with the column quoted by
     * {@code identifier} and text bounds by {@code text} (numbers are written as they are), or
     * {@code always} when both bounds are open.
     */
    public String condition(UnaryOperator<String> identifier, UnaryOperator<String> text, String always) {
        String col = identifier.apply(column);
        String low = lowInclusive == null ? null : col + " >= " + literal(lowInclusive, text);
        String high = highExclusive == null ? null : col + " < " + literal(highExclusive, text);
        if (low == null && high == null) {
            return always;
        }
        return low == null ? high : high == null ? low : low + " AND " + high;
    }

    private static String literal(Object v, UnaryOperator<String> text) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            return v.toString();
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return text.apply(v.toString());
    }
}
