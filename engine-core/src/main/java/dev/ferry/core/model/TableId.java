package dev.ferry.core.model;

import java.util.Comparator;

/** A table's identity: schema and name, exactly as the endpoint spells them. */
public record TableId(String schema, String name) implements Comparable<TableId> {
    private static final Comparator<TableId> ORDER =
            Comparator.comparing(TableId::schema).thenComparing(TableId::name);

    public TableId {
        if (schema == null || schema.isEmpty() || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("TableId needs a schema and a name, was " + schema + "." + name);
        }
    }

    @Override
    public int compareTo(TableId o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
