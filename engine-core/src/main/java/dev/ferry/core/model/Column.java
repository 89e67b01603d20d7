package dev.ferry.core.model;

/**
 * One column of a table.
 *
 * @param name       the column name, exactly as the endpoint spells it (never folded)
 * @param type       the neutral type
 * @param nullable   whether NULL is allowed
 * @param nativeType the source's own type name, for reports and for same-engine targets; may be empty
 */
public record Column(String name, LogicalType type, boolean nullable, String nativeType) {
    public Column {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Column.name must not be empty");
        }
        if (type == null) {
            throw new IllegalArgumentException("Column " + name + ": type must not be null");
        }
        nativeType = nativeType == null ? "" : nativeType;
    }

    public Column(String name, LogicalType type, boolean nullable) {
        this(name, type, nullable, "");
    }
}
