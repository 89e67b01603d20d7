package dev.ferry.postgres.target;

import dev.ferry.core.TargetException;
import dev.ferry.core.model.TableSchema;
import dev.ferry.postgres.PgType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * A target table as it really is: the wire type of each column the source sends, read from the
 * target's catalog after preparation, so that a pre-existing table with wider types still loads.
 * For casting text parameters: {@code fullTypes} are the column types with their modifiers
 * ({@code character(5)}, {@code numeric(10,2)}), which turn a value into what the column stores, for
 * comparing with it; {@code openTypes} are the same types without a modifier, written so that none
 * is implied ({@code bpchar}, not {@code character}, which means {@code character(1)}), for values
 * to insert: the column's own modifier then applies on assignment, and rejects a value too long
 * where an explicit cast to {@code varchar(n)} or {@code character(n)} would cut it silently.
 */
record PgTargetTable(TableSchema schema, String[] columns, PgType[] types, String[] fullTypes, String[] openTypes) {

    static PgTargetTable resolve(Connection c, TableSchema schema) throws SQLException {
        Map<String, PgType> actual = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> open = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, coalesce(bt.typname, t.typname), coalesce(bt.typtype, t.typtype), format_type(a.atttypid, a.atttypmod),
                       format_type(a.atttypid, -1)
                FROM pg_attribute a
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
                WHERE a.attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND a.attnum > 0 AND NOT a.attisdropped""")) {
            ps.setString(1, schema.id().schema());
            ps.setString(2, schema.id().name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    PgType t = PgType.ofTypeName(rs.getString(2), rs.getString(3).charAt(0));
                    actual.put(rs.getString(1), t);
                    names.put(rs.getString(1), rs.getString(4));
                    open.put(rs.getString(1), rs.getString(5));
                }
            }
        }
        String[] columns = new String[schema.columns().size()];
        PgType[] types = new PgType[columns.length];
        String[] fullTypes = new String[columns.length];
        String[] openTypes = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            String name = schema.columns().get(i).name();
            if (!names.containsKey(name)) {
                throw new TargetException("target table " + schema.id() + " has no column " + name);
            }
            if (actual.get(name) == null) {
                throw new TargetException("target table " + schema.id() + ", column " + name + ": type "
                        + names.get(name) + " cannot be written by Ferry; use a standard type or DROP_AND_CREATE");
            }
            columns[i] = name;
            types[i] = actual.get(name);
            fullTypes[i] = names.get(name);
            openTypes[i] = open.get(name);
        }
        return new PgTargetTable(schema, columns, types, fullTypes, openTypes);
    }
}
