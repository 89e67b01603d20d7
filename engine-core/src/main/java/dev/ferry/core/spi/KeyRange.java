package dev.ferry.core.spi;

import dev.ferry.core.model.TableId;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * A slice of a table to read on its own: the rows whose key tuple lies in
 * {@code lowInclusive <= (columns) < highExclusive}, compared in tuple order (the first column most
 * significant, as DMS compares its {@code ranges} boundaries), within {@code partition} when it is
 * not null. A null bound is open; a range with no columns is the whole partition. Bounds hold one
 * Long, Integer, BigDecimal or String value per column (a String is written as a text literal, which
 * the source converts to the column's type). Columns must not hold NULL: a NULL is in no range.
 *
 * @param columns       the key columns, in significance order; empty for a whole partition
 * @param lowInclusive  one value per column, or null for no lower bound
 * @param highExclusive one value per column, or null for no upper bound
 * @param partition     the partition to read (as the source names it), or null for the whole table
 */
public record KeyRange(List<String> columns, List<Object> lowInclusive, List<Object> highExclusive, TableId partition) {
    public KeyRange {
        columns = List.copyOf(columns);
        lowInclusive = bound(lowInclusive, columns, "lowInclusive");
        highExclusive = bound(highExclusive, columns, "highExclusive");
        if (columns.isEmpty() && partition == null) {
            throw new IllegalArgumentException("KeyRange needs columns or a partition");
        }
    }

    /** A range of one column: {@code lowInclusive <= column < highExclusive}; a null bound is open. */
    public KeyRange(String column, Object lowInclusive, Object highExclusive) {
        this(List.of(nonEmpty(column)), lowInclusive == null ? null : Collections.singletonList(lowInclusive),
                highExclusive == null ? null : Collections.singletonList(highExclusive), null);
    }

    /** All rows of one partition. */
    public static KeyRange partition(TableId partition) {
        return new KeyRange(List.of(), null, null, partition);
    }

    /** The first key column; for a range of one column, that column. */
    public String column() {
        return columns.isEmpty() ? null : columns.get(0);
    }

    /**
     * The key part of the range as a SQL condition, with columns quoted by {@code identifier} and text
     * bounds by {@code text} (numbers are written as they are), or {@code always} when both bounds are
     * open. One column: {@code col >= low AND col < high}. Several: the tuple comparison written out
     * (row values are not portable), in the form DMS's documentation shows for its segments:
     * {@code (a < 1) OR ((a = 1) AND (b < 2))} for {@code (a, b) < (1, 2)}, and {@code NOT (...)} for
     * the lower bound; the first column's own bound is added so that an index on it can be used.
     * The partition is not part of it: the source reads from the partition instead of the table.
     */
    public String condition(UnaryOperator<String> identifier, UnaryOperator<String> text, String always) {
        List<String> parts = new ArrayList<>();
        if (columns.size() == 1) {
            String col = identifier.apply(columns.get(0));
            if (lowInclusive != null) {
                parts.add(col + " >= " + literal(lowInclusive.get(0), text));
            }
            if (highExclusive != null) {
                parts.add(col + " < " + literal(highExclusive.get(0), text));
            }
        } else if (!columns.isEmpty()) {
            String first = identifier.apply(columns.get(0));
            if (lowInclusive != null) {
                parts.add(first + " >= " + literal(lowInclusive.get(0), text));
                parts.add("NOT (" + lessThan(lowInclusive, identifier, text) + ")");
            }
            if (highExclusive != null) {
                parts.add(first + " <= " + literal(highExclusive.get(0), text));
                parts.add("(" + lessThan(highExclusive, identifier, text) + ")");
            }
        }
        return parts.isEmpty() ? always : String.join(" AND ", parts);
    }

    /** {@code (a < 1) OR ((a = 1) AND (b < 2)) OR ...}: the key tuple is below {@code bound}. */
    private String lessThan(List<Object> bound, UnaryOperator<String> identifier, UnaryOperator<String> text) {
        StringJoiner or = new StringJoiner(" OR ");
        for (int i = 0; i < columns.size(); i++) {
            StringJoiner and = new StringJoiner(" AND ");
            for (int j = 0; j < i; j++) {
                and.add("(" + identifier.apply(columns.get(j)) + " = " + literal(bound.get(j), text) + ")");
            }
            and.add("(" + identifier.apply(columns.get(i)) + " < " + literal(bound.get(i), text) + ")");
            or.add(i == 0 ? and.toString() : "(" + and + ")");
        }
        return or.toString();
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

    private static List<Object> bound(List<Object> values, List<String> columns, String what) {
        if (values == null) {
            return null;
        }
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("KeyRange." + what + " has " + values.size() + " value(s) for " + columns.size()
                    + " column(s)");
        }
        for (Object v : values) {
            if (v == null) {
                throw new IllegalArgumentException("KeyRange." + what + " holds a null; leave the whole bound null to open it");
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(values));
    }

    private static String nonEmpty(String column) {
        if (column == null || column.isEmpty()) {
            throw new IllegalArgumentException("KeyRange.column must not be empty");
        }
        return column;
    }
}
