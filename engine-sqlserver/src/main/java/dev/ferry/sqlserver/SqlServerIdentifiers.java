package dev.ferry.sqlserver;

import dev.ferry.core.model.TableId;

/** T-SQL quoting of names and literals. */
final class SqlServerIdentifiers {

    private SqlServerIdentifiers() {
    }

    /** {@code [name]} with {@code ]} doubled, as QUOTENAME does. */
    public static String quote(String name) {
        return "[" + name.replace("]", "]]") + "]";
    }

    /** {@code [schema].[table]}. */
    public static String quote(TableId id) {
        return quote(id.schema()) + "." + quote(id.name());
    }

    /** A Unicode string literal: {@code N'O''Brien'}. */
    public static String literal(String value) {
        return "N'" + value.replace("'", "''") + "'";
    }
}
