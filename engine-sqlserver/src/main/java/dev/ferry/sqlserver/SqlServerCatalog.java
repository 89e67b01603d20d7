package dev.ferry.sqlserver;

import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog of a SQL Server database, read from the sys views in three queries (objects,
 * columns, keys) and assembled by pure code ({@link #assemble}), which the unit tests drive with
 * rows as the queries return them.
 */
final class SqlServerCatalog {

    /** Which key a table's rows are identified by. */
    public enum KeyKind { PRIMARY_KEY, UNIQUE_INDEX, NONE }

    /**
     * A user table or view as Ferry reads it.
     *
     * @param schema          the neutral schema (columns in physical order, column sets left out)
     * @param view            a view: loaded by the full load, never captured
     * @param columns         the native columns, in the order of {@code schema}'s columns
     * @param mappings        the type mapping of each column, same order
     * @param keyKind         where {@code schema.primaryKey()} comes from
     * @param keyName         the name of that constraint or index; empty for none
     * @param cdcEnabled      the table has a CDC capture instance
     * @param changeTracking  Change Tracking is enabled on the table
     * @param temporalType    0 plain, 1 history table, 2 system-versioned
     * @param memoryOptimized a memory-optimized table
     * @param clusteredColumnstore has a clustered columnstore index
     * @param columnSets      names of XML column sets left out (they repeat the sparse columns)
     */
    public record Table(TableSchema schema, boolean view, List<NativeColumn> columns, List<SqlServerTypes.Mapping> mappings,
                        KeyKind keyKind, String keyName, boolean cdcEnabled, boolean changeTracking, int temporalType,
                        boolean memoryOptimized, boolean clusteredColumnstore, List<String> columnSets) {
        public Table {
            columns = List.copyOf(columns);
            mappings = List.copyOf(mappings);
            columnSets = List.copyOf(columnSets);
        }

        public TableId id() {
            return schema.id();
        }
    }

    /** One row of {@link #OBJECTS_SQL}. */
    public record ObjectRow(String schema, String name, boolean view, boolean cdc, boolean changeTracking, int temporalType,
                            boolean memoryOptimized, boolean clusteredColumnstore, long rows) {
    }

    /** One row of {@link #COLUMNS_SQL}, in column_id order per table. */
    public record ColumnRow(String schema, String table, NativeColumn column) {
    }

    /** One row of {@link #KEYS_SQL}: a key column of a primary key or unique index, in key order. */
    public record KeyRow(String schema, String table, String index, boolean primaryKey, String column) {
    }

    static final String OBJECTS_SQL = """
            SELECT s.name, o.name, CAST(CASE WHEN o.type = 'V' THEN 1 ELSE 0 END AS bit),
                   CAST(ISNULL(t.is_tracked_by_cdc, 0) AS bit),
                   CAST(CASE WHEN ctt.object_id IS NULL THEN 0 ELSE 1 END AS bit),
                   ISNULL(t.temporal_type, 0),
                   CAST(ISNULL(t.is_memory_optimized, 0) AS bit),
                   CAST(CASE WHEN EXISTS (SELECT 1 FROM sys.indexes i WHERE i.object_id = o.object_id AND i.type = 5)
                        THEN 1 ELSE 0 END AS bit),
                   ISNULL((SELECT SUM(p.rows) FROM sys.partitions p WHERE p.object_id = o.object_id AND p.index_id IN (0, 1)), -1)
            FROM sys.objects o
            JOIN sys.schemas s ON s.schema_id = o.schema_id
            LEFT JOIN sys.tables t ON t.object_id = o.object_id
            LEFT JOIN sys.change_tracking_tables ctt ON ctt.object_id = o.object_id
            WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0
              AND s.name NOT IN ('cdc', 'sys', 'INFORMATION_SCHEMA')
              AND NOT (s.name = 'dbo' AND o.name = 'systranschemas')
            ORDER BY s.name, o.name""";

    // An alias type resolves to its base type; sysname is nvarchar; a user CLR type is 'clr'.
    static final String COLUMNS_SQL = """
            SELECT s.name, o.name, c.name,
                   CASE WHEN ut.is_assembly_type = 1 AND ut.is_user_defined = 1 THEN 'clr'
                        WHEN ut.user_type_id <> ut.system_type_id AND ut.is_assembly_type = 0 THEN TYPE_NAME(ut.system_type_id)
                        ELSE ut.name END,
                   ut.name, c.max_length, c.precision, c.scale, c.is_nullable, c.is_identity, c.is_computed, c.is_sparse,
                   c.is_column_set, ISNULL(c.generated_always_type, 0)
            FROM sys.columns c
            JOIN sys.objects o ON o.object_id = c.object_id
            JOIN sys.schemas s ON s.schema_id = o.schema_id
            JOIN sys.types ut ON ut.user_type_id = c.user_type_id
            WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0 AND s.name NOT IN ('cdc', 'sys', 'INFORMATION_SCHEMA')
            ORDER BY s.name, o.name, c.column_id""";

    // Filtered and disabled indexes do not identify rows.
    static final String KEYS_SQL = """
            SELECT s.name, o.name, i.name, i.is_primary_key, c.name
            FROM sys.indexes i
            JOIN sys.objects o ON o.object_id = i.object_id
            JOIN sys.schemas s ON s.schema_id = o.schema_id
            JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
            JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
            WHERE (i.is_primary_key = 1 OR i.is_unique = 1) AND ic.key_ordinal > 0 AND i.has_filter = 0
              AND i.is_disabled = 0 AND o.type = 'U' AND o.is_ms_shipped = 0
            ORDER BY s.name, o.name, i.is_primary_key DESC, i.name, ic.key_ordinal""";

    private SqlServerCatalog() {
    }

    /** Reads and assembles the catalog of the connection's current database. */
    public static List<Table> read(Connection c) throws SQLException {
        List<ObjectRow> objects = new ArrayList<>();
        List<ColumnRow> columns = new ArrayList<>();
        List<KeyRow> keys = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(OBJECTS_SQL)) {
                while (rs.next()) {
                    objects.add(new ObjectRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                            rs.getBoolean(5), rs.getInt(6), rs.getBoolean(7), rs.getBoolean(8), rs.getLong(9)));
                }
            }
            try (ResultSet rs = st.executeQuery(COLUMNS_SQL)) {
                while (rs.next()) {
                    columns.add(new ColumnRow(rs.getString(1), rs.getString(2), new NativeColumn(rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getBoolean(9), rs.getBoolean(10),
                            rs.getBoolean(11), rs.getBoolean(12), rs.getBoolean(13), rs.getInt(14))));
                }
            }
            try (ResultSet rs = st.executeQuery(KEYS_SQL)) {
                while (rs.next()) {
                    keys.add(new KeyRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5)));
                }
            }
        }
        return assemble(objects, columns, keys);
    }

    /**
     * Builds the tables from the rows of the three queries. A table's key is its primary key, or
     * else its first unique index (by name) whose columns are all NOT NULL, as DMS does; views
     * have no key. Objects without readable columns are left out.
     */
    public static List<Table> assemble(List<ObjectRow> objects, List<ColumnRow> columns, List<KeyRow> keys) {
        Map<TableId, List<NativeColumn>> columnsByTable = new LinkedHashMap<>();
        for (ColumnRow r : columns) {
            columnsByTable.computeIfAbsent(new TableId(r.schema(), r.table()), k -> new ArrayList<>()).add(r.column());
        }
        Map<TableId, Map<String, KeyCandidate>> keysByTable = new LinkedHashMap<>();
        for (KeyRow r : keys) {
            keysByTable.computeIfAbsent(new TableId(r.schema(), r.table()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.index(), k -> new KeyCandidate(r.index(), r.primaryKey(), new ArrayList<>()))
                    .columns().add(r.column());
        }
        List<Table> result = new ArrayList<>();
        for (ObjectRow o : objects) {
            TableId id = new TableId(o.schema(), o.name());
            List<NativeColumn> all = columnsByTable.getOrDefault(id, List.of());
            List<NativeColumn> read = new ArrayList<>();
            List<String> columnSets = new ArrayList<>();
            for (NativeColumn c : all) {
                if (c.columnSet()) {
                    columnSets.add(c.name());
                } else {
                    read.add(c);
                }
            }
            if (read.isEmpty()) {
                continue;
            }
            List<Column> neutral = new ArrayList<>(read.size());
            List<SqlServerTypes.Mapping> mappings = new ArrayList<>(read.size());
            for (NativeColumn c : read) {
                SqlServerTypes.Mapping m = SqlServerTypes.map(c);
                mappings.add(m);
                neutral.add(new Column(c.name(), m.type(), c.nullable(), c.declaration()));
            }
            KeyCandidate key = o.view() ? null : chooseKey(keysByTable.getOrDefault(id, Map.of()).values(), read);
            KeyKind kind = key == null ? KeyKind.NONE : key.primaryKey() ? KeyKind.PRIMARY_KEY : KeyKind.UNIQUE_INDEX;
            TableSchema schema = new TableSchema(id, neutral, key == null ? List.of() : key.columns(), o.rows());
            result.add(new Table(schema, o.view(), read, mappings, kind, key == null ? "" : key.name(), o.cdc(),
                    o.changeTracking(), o.temporalType(), o.memoryOptimized(), o.clusteredColumnstore(), columnSets));
        }
        return result;
    }

    private record KeyCandidate(String name, boolean primaryKey, List<String> columns) {
    }

    private static KeyCandidate chooseKey(Iterable<KeyCandidate> candidates, List<NativeColumn> columns) {
        KeyCandidate unique = null;
        for (KeyCandidate k : candidates) {
            if (k.primaryKey()) {
                return k;
            }
            if (unique == null && allNotNull(k.columns(), columns)) {
                unique = k;
            }
        }
        return unique;
    }

    private static boolean allNotNull(List<String> keyColumns, List<NativeColumn> columns) {
        for (String k : keyColumns) {
            NativeColumn c = columns.stream().filter(x -> x.name().equals(k)).findFirst().orElse(null);
            if (c == null || c.nullable()) {
                return false;
            }
        }
        return true;
    }
}
