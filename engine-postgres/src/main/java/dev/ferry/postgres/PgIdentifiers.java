package dev.ferry.postgres;

import dev.ferry.core.model.TableId;

import java.util.List;
import java.util.StringJoiner;

/** Quoting of identifiers and literals: every name Ferry writes into SQL goes through here. */
public final class PgIdentifiers {
    private PgIdentifiers() {
    }

    /** "name" with inner quotes doubled: order, Mixed Case and a"b all work. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public static String quote(TableId table) {
        return quote(table.schema()) + "." + quote(table.name());
    }

    public static String quoteAll(List<String> identifiers) {
        StringJoiner j = new StringJoiner(", ");
        for (String s : identifiers) {
            j.add(quote(s));
        }
        return j.toString();
    }

    /** 'text' with inner quotes doubled (standard_conforming_strings is on in every supported version). */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** A name fit for a slot or publication: lower case letters, digits and '_', at most 63 characters. */
    public static String simpleName(String prefix, String name) {
        String s = (prefix + name).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.length() > 63 ? s.substring(0, 63) : s;
    }
}
