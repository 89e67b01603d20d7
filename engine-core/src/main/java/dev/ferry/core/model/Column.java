package dev.ferry.core.model;

/**
 * One column of a table.
 *
 * @param name        the column name, exactly as the endpoint spells it (never folded)
 * @param type        the neutral type
 * @param nullable    whether NULL is allowed
 * @param nativeType  the source's own type name, for reports and for same-engine targets; may be empty
 * @param generatedAs for a column the source computes from the other columns of its row, the expression
 *                    it computes it with, in the source's SQL, filled only by a source whose SQL the
 *                    target runs as it is (a PostgreSQL source for a PostgreSQL target); empty for every
 *                    other column. The full load reads such a column's values, but a change's row holds
 *                    null for it: the source's change stream does not carry them, so the target creates
 *                    the column with the same expression and never writes it.
 */
public record Column(String name, LogicalType type, boolean nullable, String nativeType, String generatedAs) {
    public Column {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Column.name must not be empty");
        }
        if (type == null) {
            throw new IllegalArgumentException("Column " + name + ": type must not be null");
        }
        nativeType = nativeType == null ? "" : nativeType;
        generatedAs = generatedAs == null ? "" : generatedAs;
    }

    public Column(String name, LogicalType type, boolean nullable, String nativeType) {
        this(name, type, nullable, nativeType, "");
    }

    public Column(String name, LogicalType type, boolean nullable) {
        this(name, type, nullable, "", "");
    }

    /** Whether the source computes this column, so the target computes it too ({@link #generatedAs}). */
    public boolean generated() {
        return !generatedAs.isEmpty();
    }
}
