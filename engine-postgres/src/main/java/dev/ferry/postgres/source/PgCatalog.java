package dev.ferry.postgres.source;

import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.postgres.PgType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads user tables, columns, types, generated columns and primary keys from pg_catalog, and decides
 * for each column how it is read: natively in binary, or through a ::text cast for types the neutral
 * model has no kind for (enums, arrays, network and geometric types), which then travel as text.
 */
final class PgCatalog {

    /** How one source column is read: the SELECT expression and the wire type of its binary value. */
    record ReadColumn(String expression, PgType wire) {
    }

    /**
     * A table plus the read plan of its columns and its replica identity. {@code partitioned}: a
     * declarative partitioned table (relkind {@code p}), whose rows live in its partitions, so it is
     * read through its name; an ordinary table is read {@code ONLY}, without the rows of tables
     * that INHERIT from it (they are tables of their own).
     */
    record Table(TableSchema schema, List<ReadColumn> read, char replicaIdentity, boolean partitioned) {

        /** The table as a query reads its own rows: {@code ONLY schema.name}, or the partitioned table's name. */
        String readSql() {
            return (partitioned ? "" : "ONLY ") + dev.ferry.postgres.PgIdentifiers.quote(schema.id());
        }
    }

    private static final String COLUMNS = """
            SELECT n.nspname, c.relname,
                   -- a table never analysed has reltuples -1; the statistics' live row count is a fair guess then
                   CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, -1) END,
                   c.relreplident, a.attname, a.atttypmod, a.attnotnull,
                   t.typname, t.typtype, bt.typname AS basename, bt.typtype AS basetype, a.attndims,
                   format_type(a.atttypid, a.atttypmod),
                   c.relkind
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
            LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
              AND has_table_privilege(c.oid, 'SELECT')
            ORDER BY n.nspname, c.relname, a.attnum""";

    private static final String KEYS = """
            SELECT n.nspname, c.relname, a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE i.indisprimary
            ORDER BY n.nspname, c.relname, k.ord""";

    /**
     * What PostgreSQL writes to the WAL about the rows of one table a task may replicate: its kind,
     * its primary-key constraint and, for each relation that holds its rows, the replica identity.
     * A partitioned table holds no rows: its leaf partitions do, each with its own replica identity
     * ({@code ALTER TABLE ... REPLICA IDENTITY} on the parent does not reach them), so
     * {@code relations} lists those; an ordinary table lists itself.
     *
     * @param sqlName       the table's name quoted for SQL ({@code quote_ident}), for the fixes Ferry prints
     * @param keyConstraint the primary-key constraint's name quoted for SQL, null without a primary key
     * @param keyColumnsSql the primary key's columns quoted for SQL, empty without a primary key
     * @param keyDeferrable the primary key is DEFERRABLE (PostgreSQL checks it at the end of the statement
     *                      or transaction, not row by row, and cannot use it as replica identity)
     */
    record Capture(TableId id, String sqlName, boolean partitioned, String keyConstraint, List<String> keyColumnsSql,
                   boolean keyDeferrable, List<Relation> relations) {
    }

    /**
     * One relation that holds rows of a table, with its replica identity: {@code relreplident}
     * ({@code d} default, {@code n} nothing, {@code f} full, {@code i} index), and for {@code i} the
     * index and its key columns, as named and quoted for SQL (INCLUDE columns are not part of the
     * identity: PostgreSQL does not send them).
     */
    record Relation(TableId id, String sqlName, char identity, String identityIndex, List<String> identityColumns,
                    List<String> identityColumnsSql) {
    }

    /**
     * Every table the catalog offers, with each of its leaf partitions, its replica identity and
     * identity index columns, and its primary-key constraint. Partitions are reached through
     * pg_inherits rows of relations marked relispartition (classic inheritance children are tables of
     * their own). {@code %1$s} is the number of key columns of an index (indnkeyatts, PostgreSQL 11+;
     * before, every column of an index is a key column).
     */
    private static final String CAPTURES = """
            WITH RECURSIVE tree(root, rel) AS (
                SELECT c.oid, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
                UNION ALL
                SELECT t.root, i.inhrelid FROM tree t JOIN pg_inherits i ON i.inhparent = t.rel
                JOIN pg_class p ON p.oid = i.inhrelid WHERE p.relispartition
            )
            SELECT rn.nspname, r.relname, quote_ident(rn.nspname) || '.' || quote_ident(r.relname), r.relkind,
                   quote_ident(pk.conname), coalesce(pk.condeferrable, false),
                   ARRAY(SELECT quote_ident(a.attname) FROM unnest(pk.conkey) WITH ORDINALITY AS k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum ORDER BY k.ord),
                   n.nspname, c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, c.relreplident,
                   ix.relname,
                   ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                         WHERE k.ord <= %1$s ORDER BY k.ord),
                   ARRAY(SELECT quote_ident(a.attname) FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                         WHERE k.ord <= %1$s ORDER BY k.ord)
            FROM tree t
            JOIN pg_class r ON r.oid = t.root JOIN pg_namespace rn ON rn.oid = r.relnamespace
            JOIN pg_class c ON c.oid = t.rel JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_constraint pk ON pk.conrelid = r.oid AND pk.contype = 'p'
            LEFT JOIN pg_index x ON x.indrelid = c.oid AND x.indisreplident
            LEFT JOIN pg_class ix ON ix.oid = x.indexrelid
            WHERE c.relkind = 'r' OR c.oid = t.root
            ORDER BY 1, 2, 8, 9""";

    private PgCatalog() {
    }

    /** The capture facts of every table the catalog offers, by table; {@code serverVersion} as server_version_num. */
    static Map<TableId, Capture> captures(Connection conn, int serverVersion) throws SQLException {
        String sql = CAPTURES.formatted(serverVersion >= 110000 ? "x.indnkeyatts" : "x.indnatts");
        Map<TableId, Capture> captures = new LinkedHashMap<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                TableId id = new TableId(rs.getString(1), rs.getString(2));
                Capture capture = captures.get(id);
                if (capture == null) {
                    capture = new Capture(id, rs.getString(3), rs.getString(4).charAt(0) == 'p', rs.getString(5), strings(rs, 7),
                            rs.getBoolean(6), new ArrayList<>());
                    captures.put(id, capture);
                }
                if (rs.getString(11).charAt(0) != 'r') {
                    continue; // the partitioned table itself: its partitions hold the rows
                }
                capture.relations().add(new Relation(new TableId(rs.getString(8), rs.getString(9)), rs.getString(10),
                        rs.getString(12).charAt(0), rs.getString(13), strings(rs, 14), strings(rs, 15)));
            }
        }
        captures.replaceAll((id, c) -> new Capture(id, c.sqlName(), c.partitioned(), c.keyConstraint(), c.keyColumnsSql(),
                c.keyDeferrable(), List.copyOf(c.relations())));
        return captures;
    }

    /**
     * A column and its type: {@code columnSql} its name as {@code quote_ident} writes it, {@code declared}
     * its type as the table declares it ({@code format_type}), {@code typname} the type's own name,
     * {@code root} the name of the type under every domain (the type itself when it is no domain).
     */
    record TypedColumn(String column, String columnSql, String declared, String typname, String root) {
    }

    /** The columns of user tables whose root type is named in {@code roots}, by table. */
    private static final String COLUMNS_OF_ROOT_TYPES = """
            WITH RECURSIVE col(attrelid, attnum, typ) AS (
                SELECT a.attrelid, a.attnum, a.atttypid FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                UNION ALL
                SELECT col.attrelid, col.attnum, t.typbasetype FROM col JOIN pg_type t ON t.oid = col.typ WHERE t.typtype = 'd'
            )
            SELECT n.nspname, c.relname, a.attname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), o.typname,
                   r.typname
            FROM col
            JOIN pg_type r ON r.oid = col.typ AND r.typtype <> 'd'
            JOIN pg_attribute a ON a.attrelid = col.attrelid AND a.attnum = col.attnum
            JOIN pg_type o ON o.oid = a.atttypid
            JOIN pg_class c ON c.oid = col.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE r.typname = ANY (?)
            ORDER BY 1, 2, a.attnum""";

    static Map<TableId, List<TypedColumn>> columnsOfRootTypes(Connection conn, java.util.Collection<String> roots)
            throws SQLException {
        Map<TableId, List<TypedColumn>> result = new HashMap<>();
        try (java.sql.PreparedStatement ps = conn.prepareStatement(COLUMNS_OF_ROOT_TYPES)) {
            ps.setArray(1, conn.createArrayOf("text", roots.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.computeIfAbsent(new TableId(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
                            .add(new TypedColumn(rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                                    rs.getString(7)));
                }
            }
        }
        return result;
    }

    private static List<String> strings(ResultSet rs, int column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    /**
     * Generated columns (PostgreSQL 12+) with the expression that computes them, by table and column.
     * The expression is printed under an empty search_path, as pg_dump prints it: names outside
     * pg_catalog come qualified with their schema, so the target reads it the same whatever its own
     * search_path.
     */
    private static final String GENERATED = """
            SELECT n.nspname, c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attgenerated <> '' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')""";

    private static Map<TableId, Map<String, String>> generated(Connection conn) throws SQLException {
        Map<TableId, Map<String, String>> result = new HashMap<>();
        if (conn.getMetaData().getDatabaseMajorVersion() < 12) {
            return result; // no generated columns before PostgreSQL 12
        }
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            st.execute("SET LOCAL search_path = ''");
            try (ResultSet rs = st.executeQuery(GENERATED)) {
                while (rs.next()) {
                    result.computeIfAbsent(new TableId(rs.getString(1), rs.getString(2)), k -> new HashMap<>())
                            .put(rs.getString(3), rs.getString(4));
                }
            }
        } finally {
            conn.rollback(); // ends SET LOCAL; the transaction only read
            conn.setAutoCommit(autoCommit);
        }
        return result;
    }

    static List<Table> read(Connection conn) throws SQLException {
        Map<TableId, Map<String, String>> generated = generated(conn);
        Map<TableId, List<String>> keys = new HashMap<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(KEYS)) {
            while (rs.next()) {
                keys.computeIfAbsent(new TableId(rs.getString(1), rs.getString(2)), k -> new ArrayList<>()).add(rs.getString(3));
            }
        }
        Map<TableId, Builder> tables = new LinkedHashMap<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(COLUMNS)) {
            while (rs.next()) {
                TableId id = new TableId(rs.getString(1), rs.getString(2));
                long estimate = rs.getLong(3);
                char identity = rs.getString(4).charAt(0);
                boolean partitioned = rs.getString(14).charAt(0) == 'p';
                Builder b = tables.computeIfAbsent(id, k -> new Builder(k, estimate, identity, partitioned));
                String name = rs.getString(5);
                int typmod = rs.getInt(6);
                boolean notNull = rs.getBoolean(7);
                String typname = rs.getString(8);
                char typtype = rs.getString(9).charAt(0);
                String basename = rs.getString(10);
                String basetype = rs.getString(11);
                String formatted = rs.getString(13);
                if (typtype == 'd' && basename != null) {
                    typname = basename;
                    typtype = basetype.charAt(0);
                }
                Mapped m = map(typname, typtype, typmod);
                String expr = dev.ferry.postgres.PgIdentifiers.quote(name);
                if (m.castToText) {
                    // format() uses the type's output function: '::1' stays '::1' (a ::text cast of inet adds /128)
                    expr = "CASE WHEN " + expr + " IS NULL THEN NULL ELSE format('%s', " + expr + ") END";
                }
                String generatedAs = generated.getOrDefault(id, Map.of()).getOrDefault(name, "");
                b.columns.add(new Column(name, m.type, !notNull, formatted, generatedAs));
                b.read.add(new ReadColumn(expr, m.wire));
            }
        }
        List<Table> result = new ArrayList<>();
        for (Builder b : tables.values()) {
            result.add(new Table(new TableSchema(b.id, b.columns, keys.getOrDefault(b.id, List.of()), Math.max(b.estimate, -1)),
                    b.read, b.identity, b.partitioned));
        }
        return result;
    }

    private record Mapped(LogicalType type, PgType wire, boolean castToText) {
    }

    /** The neutral type of a PostgreSQL type; types without a neutral kind are read as text. */
    static Mapped map(String typname, char typtype, int typmod) {
        PgType wire = PgType.ofTypeName(typname, typtype);
        if (wire == null || typtype == 'e' || typname.equals("citext") || typname.equals("name")) {
            return new Mapped(LogicalType.of(TypeKind.TEXT), PgType.TEXT, wire == null);
        }
        LogicalType type = switch (wire) {
            case NUMERIC -> {
                if (typmod < 4) {
                    yield LogicalType.decimal(0, 0);
                }
                int precision = ((typmod - 4) >> 16) & 0xffff;
                int scale = (short) ((typmod - 4) & 0xffff);
                // PostgreSQL 15+ allows negative scales and scales above precision: keep those unconstrained.
                yield scale < 0 || scale > precision ? LogicalType.decimal(0, 0) : LogicalType.decimal(precision, scale);
            }
            case TEXT -> switch (typname) {
                case "varchar" -> LogicalType.varchar(typmod >= 4 ? typmod - 4 : 0);
                case "bpchar" -> LogicalType.chars(typmod >= 4 ? typmod - 4 : 1);
                default -> LogicalType.of(TypeKind.TEXT);
            };
            case TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ -> LogicalType.temporal(wire.kind(), typmod >= 0 ? typmod : -1);
            default -> LogicalType.of(wire.kind());
        };
        return new Mapped(type, wire, false);
    }

    private static final class Builder {
        final TableId id;
        final long estimate;
        final char identity;
        final boolean partitioned;
        final List<Column> columns = new ArrayList<>();
        final List<ReadColumn> read = new ArrayList<>();

        Builder(TableId id, long estimate, char identity, boolean partitioned) {
            this.id = id;
            this.estimate = estimate;
            this.identity = identity;
            this.partitioned = partitioned;
        }
    }
}
