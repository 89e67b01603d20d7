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
 * Reads user tables, columns, types and primary keys from pg_catalog, and decides for each column
 * how it is read: natively in binary, or through a ::text cast for types the neutral model has no
 * kind for (enums, arrays, network and geometric types), which then travel as text.
 */
final class PgCatalog {

    /** How one source column is read: the SELECT expression and the wire type of its binary value. */
    record ReadColumn(String expression, PgType wire) {
    }

    /** A table plus the read plan of its columns and its replica identity. */
    record Table(TableSchema schema, List<ReadColumn> read, char replicaIdentity) {
    }

    private static final String COLUMNS = """
            SELECT n.nspname, c.relname,
                   -- a table never analysed has reltuples -1; the statistics' live row count is a fair guess then
                   CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, -1) END,
                   c.relreplident, a.attname, a.atttypmod, a.attnotnull,
                   t.typname, t.typtype, bt.typname AS basename, bt.typtype AS basetype, a.attndims,
                   format_type(a.atttypid, a.atttypmod)
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

    private PgCatalog() {
    }

    static List<Table> read(Connection conn) throws SQLException {
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
                Builder b = tables.computeIfAbsent(id, k -> new Builder(k, estimate, identity));
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
                b.columns.add(new Column(name, m.type, !notNull, formatted));
                b.read.add(new ReadColumn(expr, m.wire));
            }
        }
        List<Table> result = new ArrayList<>();
        for (Builder b : tables.values()) {
            result.add(new Table(new TableSchema(b.id, b.columns, keys.getOrDefault(b.id, List.of()), Math.max(b.estimate, -1)),
                    b.read, b.identity));
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
        final List<Column> columns = new ArrayList<>();
        final List<ReadColumn> read = new ArrayList<>();

        Builder(TableId id, long estimate, char identity) {
            this.id = id;
            this.estimate = estimate;
            this.identity = identity;
        }
    }
}
