package dev.ferry.core.task;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.mapping.TableSettingsRule;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.spi.KeyBounds;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How one table's full load is split into ranges that load in parallel, each its own reader and
 * writer: as its {@code table-settings} rule's {@code parallel-load} says, or, without one, by
 * itself when the table is big and has a single-column integer primary key.
 *
 * <p>Every plan covers every row: range boundaries are DMS's (each the exclusive upper bound of its
 * segment in tuple order, one more segment above the last), the first range is open below and the
 * last open above, a {@code partitions-list} loads the partitions it does not list too, and the
 * columns of ranges must be NOT NULL (a NULL is in no range; DMS documents that such rows are not
 * replicated, Ferry refuses rather than lose them).
 *
 * @param ranges the ranges, in load order; empty when the table loads whole, in one range
 * @param how    what the plan is, for the log ("4 ranges of id, automatic")
 */
record TableSplit(List<KeyRange> ranges, String how) {

    /** Column types DMS refuses for range boundaries (DOUBLE, FLOAT, BLOB, CLOB, NCLOB) and others Ferry cannot compare as written. */
    private static final Set<TypeKind> NOT_FOR_RANGES = EnumSet.of(TypeKind.FLOAT32, TypeKind.FLOAT64, TypeKind.BYTES,
            TypeKind.JSON, TypeKind.XML, TypeKind.INTERVAL);
    private static final Set<TypeKind> INTEGERS = EnumSet.of(TypeKind.INT16, TypeKind.INT32, TypeKind.INT64);

    TableSplit {
        ranges = List.copyOf(ranges);
    }

    static TableSplit whole(String how) {
        return new TableSplit(List.of(), how);
    }

    /**
     * @param rule          the table's table-settings rule, when it has one
     * @param maxRanges     the most ranges an automatic split makes (MaxFullLoadSubTasks)
     * @param autoSplitRows rows per range of an automatic split: a table of fewer than twice as many
     *                      (by the source's estimate) loads whole; 0 turns automatic splits off
     * @throws ConfigurationException when the rule cannot apply to this table; names the rule and the fix
     */
    static TableSplit plan(TableSchema table, Optional<TableSettingsRule> rule, Source source, int maxRanges, long autoSplitRows) {
        TableSettingsRule.ParallelLoad load = rule.map(TableSettingsRule::parallelLoad).orElse(null);
        if (load == null) {
            return automatic(table, source, maxRanges, autoSplitRows);
        }
        String label = rule.get().label();
        return switch (load.type()) {
            case NONE -> whole("whole (parallel-load type none, " + label + ")");
            case RANGES -> ranges(table, load, label);
            case PARTITIONS_AUTO, PARTITIONS_LIST -> partitions(table, load, source, label);
            case SUBPARTITIONS_AUTO -> throw new ConfigurationException("table mappings: " + label + ": subpartitions-auto is not supported");
        };
    }

    private static TableSplit automatic(TableSchema table, Source source, int maxRanges, long autoSplitRows) {
        if (autoSplitRows <= 0 || maxRanges < 2 || table.primaryKey().size() != 1 || table.estimatedRows() < 2 * autoSplitRows) {
            return whole("whole");
        }
        Column key = table.columns().get(table.columnIndex(table.primaryKey().get(0)));
        if (!INTEGERS.contains(key.type().kind())) {
            return whole("whole (its key " + key.name() + " is not an integer)");
        }
        long wanted = Math.min(maxRanges, table.estimatedRows() / autoSplitRows);
        Optional<KeyBounds> bounds = source.keyBounds(table, key.name());
        if (bounds.isEmpty()) {
            return whole("whole (the source gave no bounds of " + key.name() + ")");
        }
        List<Long> cuts = cuts(bounds.get(), (int) wanted);
        if (cuts.isEmpty()) {
            return whole("whole");
        }
        List<KeyRange> ranges = new ArrayList<>();
        Long low = null;
        for (Long cut : cuts) {
            ranges.add(new KeyRange(key.name(), low, cut));
            low = cut;
        }
        ranges.add(new KeyRange(key.name(), low, null));
        return new TableSplit(ranges, ranges.size() + " ranges of " + key.name() + " between " + bounds.get().min() + " and "
                + bounds.get().max() + ", automatic (about " + table.estimatedRows() + " rows)");
    }

    /**
     * The inner boundaries that cut {@code [min, max]} into {@code n} spans of equal width (fewer
     * when it holds fewer values); empty when it cannot be cut.
     */
    static List<Long> cuts(KeyBounds bounds, int n) {
        BigInteger min = BigInteger.valueOf(bounds.min());
        BigInteger width = BigInteger.valueOf(bounds.max()).subtract(min).add(BigInteger.ONE);
        int parts = width.compareTo(BigInteger.valueOf(n)) < 0 ? width.intValue() : n;
        List<Long> cuts = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            cuts.add(min.add(width.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(parts))).longValueExact());
        }
        return cuts;
    }

    private static TableSplit ranges(TableSchema table, TableSettingsRule.ParallelLoad load, String label) {
        List<String> problems = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (String name : load.columns()) {
            Column c = column(table, name);
            if (c == null) {
                problems.add("table " + table.id() + " has no column " + name + " (its columns: " + table.columnNames() + ")");
            } else if (c.nullable()) {
                problems.add("column " + c.name() + " of " + table.id() + " allows NULL, and a row with NULL there is in no "
                        + "range (DMS does not replicate such rows); use NOT NULL columns, such as the primary key "
                        + table.primaryKey());
            } else if (NOT_FOR_RANGES.contains(c.type().kind())) {
                problems.add("column " + c.name() + " of " + table.id() + " is " + c.type().kind() + ", which cannot bound "
                        + "ranges (DMS refuses DOUBLE, FLOAT and LOB columns too)");
            } else {
                columns.add(c);
            }
        }
        List<List<Object>> bounds = new ArrayList<>();
        if (problems.isEmpty()) {
            for (int i = 0; i < load.boundaries().size(); i++) {
                List<String> values = load.boundaries().get(i);
                List<Object> bound = new ArrayList<>();
                for (int j = 0; j < columns.size(); j++) {
                    Object v = value(columns.get(j), values.get(j));
                    if (v == null) {
                        problems.add("boundaries[" + i + "][" + j + "] '" + values.get(j) + "' is not a number, as column "
                                + columns.get(j).name() + " is " + columns.get(j).type().kind());
                    }
                    bound.add(v);
                }
                if (!bound.contains(null) && !bounds.isEmpty() && !bounds.get(bounds.size() - 1).contains(null)
                        && compare(bounds.get(bounds.size() - 1), bound) >= 0) {
                    problems.add("boundaries[" + i + "] " + values + " is not above boundaries[" + (i - 1) + "] "
                            + load.boundaries().get(i - 1) + ": each boundary is the upper bound of one more segment");
                }
                bounds.add(bound);
            }
        }
        if (!problems.isEmpty()) {
            String where = label + ", parallel-load ranges of table " + table.id() + ": ";
            throw new ConfigurationException("table mappings", problems.stream().map(p -> where + p).toList());
        }
        List<String> names = columns.stream().map(Column::name).toList();
        List<KeyRange> ranges = new ArrayList<>();
        List<Object> low = null;
        for (List<Object> bound : bounds) {
            ranges.add(new KeyRange(names, low, bound, null));
            low = bound;
        }
        ranges.add(new KeyRange(names, low, null, null));
        return new TableSplit(ranges, ranges.size() + " ranges of " + names + " (" + label + ")");
    }

    /** Exactly, else the one column whose name differs in case only (DMS JSON from Oracle is upper case). */
    private static Column column(TableSchema table, String name) {
        int i = table.columnIndex(name);
        if (i >= 0) {
            return table.columns().get(i);
        }
        Column found = null;
        for (Column c : table.columns()) {
            if (c.name().equalsIgnoreCase(name)) {
                if (found != null) {
                    return null;
                }
                found = c;
            }
        }
        return found;
    }

    /** A boundary as the column compares: a number for numeric columns, else the text, which the source converts. */
    private static Object value(Column c, String text) {
        try {
            if (INTEGERS.contains(c.type().kind())) {
                return Long.parseLong(text.trim());
            }
            if (c.type().kind() == TypeKind.DECIMAL) {
                return new BigDecimal(text.trim());
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return text;
    }

    /** Tuple order where Ferry can tell it (numbers); text compares as the source collates it, so it counts as increasing. */
    @SuppressWarnings("unchecked")
    private static int compare(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            if (x instanceof String || y instanceof String) {
                return x.equals(y) ? 0 : -1;
            }
            int c = ((Comparable<Object>) x).compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static TableSplit partitions(TableSchema table, TableSettingsRule.ParallelLoad load, Source source, String label) {
        List<TableId> all = source.partitions(table);
        if (load.type() == TableSettingsRule.Type.PARTITIONS_AUTO) {
            if (all.isEmpty()) {
                return whole("whole (" + label + " asks for its partitions, and it has none)");
            }
            return new TableSplit(all.stream().map(KeyRange::partition).toList(), all.size() + " partitions (" + label + ")");
        }
        Set<TableId> order = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : load.partitions()) {
            TableId found = null;
            for (TableId p : all) {
                if (p.name().equals(name) || p.toString().equals(name)) {
                    found = p;
                }
            }
            if (found == null) {
                unknown.add(name);
            } else {
                order.add(found);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("table mappings", List.of(label + ": table " + table.id() + " has no partition(s) " + unknown
                    + (all.isEmpty() ? "; it is not partitioned: use parallel-load type 'ranges'" : "; its partitions: " + all)));
        }
        int listed = order.size();
        // the partitions it does not list load too, each its own range: a parallel-load setting never filters rows
        order.addAll(all);
        return new TableSplit(order.stream().map(KeyRange::partition).toList(), order.size() + " partitions, the " + listed
                + " listed first (" + label + ")");
    }
}
