package dev.ferry.core.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table as a source describes it (or as a target will create it): columns in their physical
 * order, which is the order of values in every row of this table, and the primary key columns.
 * An empty primary key means the table has none. Immutable and shared by every row.
 */
public record TableSchema(TableId id, List<Column> columns, List<String> primaryKey, long estimatedRows) {

    public TableSchema {
        if (id == null) {
            throw new IllegalArgumentException("TableSchema.id must not be null");
        }
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + id + " has no columns");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            if (seen.put(columns.get(i).name(), i) != null) {
                throw new IllegalArgumentException("table " + id + " has column " + columns.get(i).name() + " twice");
            }
        }
        for (String key : primaryKey) {
            if (!seen.containsKey(key)) {
                throw new IllegalArgumentException("table " + id + ": primary key column " + key + " is not a column");
            }
        }
    }

    public TableSchema(TableId id, List<Column> columns, List<String> primaryKey) {
        this(id, columns, primaryKey, -1);
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }

    /** Index of the named column, or -1. */
    public int columnIndex(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Positions of the primary key columns in a row, in key order. Empty when there is no key. */
    public int[] keyIndexes() {
        int[] result = new int[primaryKey.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = columnIndex(primaryKey.get(i));
        }
        return result;
    }

    public List<String> columnNames() {
        List<String> names = new ArrayList<>(columns.size());
        for (Column c : columns) {
            names.add(c.name());
        }
        return names;
    }

    public TableSchema withId(TableId newId) {
        return new TableSchema(newId, columns, primaryKey, estimatedRows);
    }
}
