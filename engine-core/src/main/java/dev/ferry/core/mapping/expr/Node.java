package dev.ferry.core.mapping.expr;

import dev.ferry.core.model.LogicalType;

/**
 * One node of a compiled expression. Evaluation reads the row and the change header passed in
 * and keeps no state, so one tree serves every thread. {@link #offset} is where the node starts
 * in the expression's text, for messages.
 */
abstract class Node {
    final int offset;

    Node(int offset) {
        this.offset = offset;
    }

    /** The value for one row: null, Long, Double, BigDecimal, String or byte[]. */
    abstract Object eval(Object[] row, ChangeHeader header);

    /** SQLite's affinity of this expression in a comparison (columns and CASTs have one). */
    Affinity affinity() {
        return Affinity.NONE;
    }

    /** The result's type when known without a row, else null. */
    LogicalType type() {
        return null;
    }

    /** Whether the value is the same for every row and header (a literal, or pure function of literals). */
    boolean constant() {
        return false;
    }

    /** SQLite's type affinities, plus NONE for an expression that has none. */
    enum Affinity {
        NONE, BLOB, TEXT, NUMERIC, INTEGER, REAL;

        boolean numeric() {
            return this == NUMERIC || this == INTEGER || this == REAL;
        }

        /** The affinity SQLite uses to compare two expressions (sqlite3CompareAffinity). */
        static Affinity forComparison(Affinity a, Affinity b) {
            if (a != NONE && b != NONE) {
                return a.numeric() || b.numeric() ? NUMERIC : BLOB;
            }
            return a == NONE ? b : a;
        }

        /** Prepares one operand of a comparison done with this affinity. */
        Object apply(Object v) {
            if (numeric()) {
                return Values.numericAffinity(v);
            }
            if (this == TEXT) {
                return Values.textAffinity(v);
            }
            return v;
        }

        /** The affinity of a declared type name, by SQLite's rules (datatype3.html 3.1). */
        static Affinity ofTypeName(String name) {
            String n = name.toUpperCase(java.util.Locale.ROOT);
            if (n.contains("INT")) {
                return INTEGER;
            }
            if (n.contains("CHAR") || n.contains("CLOB") || n.contains("TEXT")) {
                return TEXT;
            }
            if (n.contains("BLOB") || n.isEmpty()) {
                return BLOB;
            }
            if (n.contains("REAL") || n.contains("FLOA") || n.contains("DOUB")) {
                return REAL;
            }
            return NUMERIC;
        }
    }

    /** A failure while evaluating one row (an integer overflow in abs(), a bad ESCAPE). */
    static final class EvalException extends RuntimeException {
        final int offset;

        EvalException(String message, int offset) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }
}
