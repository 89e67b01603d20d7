package dev.ferry.postgres.target;

import dev.ferry.core.TargetException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableSchema;
import dev.ferry.postgres.PgIdentifiers;
import dev.ferry.postgres.PgType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A target table as it really is: the wire type of each column the source sends, read from the
 * target's catalog after preparation, so that a pre-existing table with wider types still loads.
 * For casting text parameters: {@code fullTypes} are the column types with their modifiers
 * ({@code character(5)}, {@code numeric(10,2)}), which turn a value into what the column stores, for
 * comparing with it; {@code openTypes} are the same types without a modifier, written so that none
 * is implied ({@code bpchar}, not {@code character}, which means {@code character(1)}), for values
 * to insert: the column's own modifier then applies on assignment, and rejects a value too long
 * where an explicit cast to {@code varchar(n)} or {@code character(n)} would cut it silently.
 * {@code generated} marks the columns the target computes itself (GENERATED ALWAYS AS): Ferry never
 * writes them, nor matches rows on them; {@link #written} lists the others. {@code columnsSql} and
 * {@code sqlName} are the names as {@code quote_ident} writes them, for the SQL of messages.
 */
record PgTargetTable(TableSchema schema, String[] columns, PgType[] types, String[] fullTypes, String[] openTypes,
                     boolean[] generated, String[] columnsSql, String sqlName) {

    static PgTargetTable resolve(Connection c, TableSchema schema) throws SQLException {
        Map<String, PgType> actual = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> open = new HashMap<>();
        Map<String, Boolean> computed = new HashMap<>();
        Map<String, String> quoted = new HashMap<>();
        String sqlName = null;
        // generated columns came with PostgreSQL 12
        String generatedSql = c.getMetaData().getDatabaseMajorVersion() >= 12 ? "a.attgenerated <> ''" : "false";
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, coalesce(bt.typname, t.typname), coalesce(bt.typtype, t.typtype), format_type(a.atttypid, a.atttypmod),
                       format_type(a.atttypid, -1), %s, quote_ident(a.attname), quote_ident(?) || '.' || quote_ident(?)
                FROM pg_attribute a
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
                WHERE a.attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND a.attnum > 0 AND NOT a.attisdropped"""
                .formatted(generatedSql))) {
            ps.setString(1, schema.id().schema());
            ps.setString(2, schema.id().name());
            ps.setString(3, schema.id().schema());
            ps.setString(4, schema.id().name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    PgType t = PgType.ofTypeName(rs.getString(2), rs.getString(3).charAt(0));
                    actual.put(rs.getString(1), t);
                    names.put(rs.getString(1), rs.getString(4));
                    open.put(rs.getString(1), rs.getString(5));
                    computed.put(rs.getString(1), rs.getBoolean(6));
                    quoted.put(rs.getString(1), rs.getString(7));
                    sqlName = rs.getString(8);
                }
            }
        }
        String[] columns = new String[schema.columns().size()];
        PgType[] types = new PgType[columns.length];
        String[] fullTypes = new String[columns.length];
        String[] openTypes = new String[columns.length];
        boolean[] generated = new boolean[columns.length];
        String[] columnsSql = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            String name = schema.columns().get(i).name();
            if (!names.containsKey(name)) {
                throw new TargetException("target table " + schema.id() + " has no column " + name);
            }
            generated[i] = computed.get(name);
            columnsSql[i] = quoted.get(name);
            if (actual.get(name) == null && !generated[i]) {
                throw new TargetException("target table " + schema.id() + ", column " + name + ": type "
                        + names.get(name) + " cannot be written by Ferry; use a standard type or DROP_AND_CREATE");
            }
            columns[i] = name;
            types[i] = actual.get(name);
            fullTypes[i] = names.get(name);
            openTypes[i] = open.get(name);
        }
        return new PgTargetTable(schema, columns, types, fullTypes, openTypes, generated, columnsSql, sqlName);
    }

    /** The positions, in the row, of the columns Ferry writes: all but those the target generates. */
    int[] written() {
        int n = 0;
        for (boolean g : generated) {
            n += g ? 0 : 1;
        }
        int[] result = new int[n];
        int j = 0;
        for (int i = 0; i < generated.length; i++) {
            if (!generated[i]) {
                result[j++] = i;
            }
        }
        return result;
    }

    /** The names of the columns Ferry writes ({@link #written}), quoted and joined for SQL. */
    String writtenList() {
        StringJoiner list = new StringJoiner(", ");
        for (int i : written()) {
            list.add(PgIdentifiers.quote(columns[i]));
        }
        return list.toString();
    }

    /**
     * Refuses a column the source generates (it sends no value for it with changes) that the target
     * holds as an ordinary column: changes would leave it as the full load wrote it.
     */
    void requireGeneratedWhereTheSourceIs() {
        for (int i = 0; i < columns.length; i++) {
            Column c = schema.columns().get(i);
            if (c.generated() && !generated[i]) {
                throw new TargetException("target table " + schema.id() + ", column " + c.name() + ": the source computes it "
                        + "(GENERATED ALWAYS AS (" + c.generatedAs() + ")) and sends no value for it with changes, but on the "
                        + "target it is an ordinary column, which changes would leave as the full load wrote it; make it "
                        + "generated on the target (ALTER TABLE " + sqlName + " DROP COLUMN " + columnsSql[i] + ", ADD COLUMN "
                        + columnsSql[i] + " " + fullTypes[i] + " GENERATED ALWAYS AS ("
                        + c.generatedAs() + ") STORED), then start the task again; or exclude the table from the table mappings");
            }
        }
    }

    /**
     * The unique indexes and exclusion constraints of the target table beside its primary key that
     * are checked before the transaction commits: every one but {@code DEFERRABLE INITIALLY DEFERRED}
     * constraints, including partial and expression indexes, and leaving out unique indexes whose key
     * columns include all of the primary key's (the key already keeps them). Such a constraint holds
     * only if the table passes through states the source's own constraints allowed: the net change
     * per key does not, applying the changes in source order does. Names are sorted; empty when none.
     */
    static List<String> constraintsBesideKey(Connection c, TableSchema schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT ic.relname
                FROM pg_index i
                JOIN pg_class ic ON ic.oid = i.indexrelid
                LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                LEFT JOIN pg_index pk ON pk.indrelid = i.indrelid AND pk.indisprimary
                WHERE i.indrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass
                  AND NOT i.indisprimary AND (i.indisunique OR i.indisexclusion)
                  AND NOT coalesce(con.condeferred, false)
                  AND NOT (i.indisunique AND pk.indexrelid IS NOT NULL
                           AND (pk.indkey::int2[])[0:pk.indnkeyatts - 1] <@ (i.indkey::int2[])[0:i.indnkeyatts - 1])
                ORDER BY 1""")) {
            ps.setString(1, schema.id().schema());
            ps.setString(2, schema.id().name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
