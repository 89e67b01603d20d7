package dev.ferry.core.mapping;

import java.util.Locale;

/**
 * The {@code filter-operator}s of a DMS source filter condition, with the values each takes:
 * {@code value}, {@code start-value} and {@code end-value}, or none.
 */
enum FilterOperator {
    /** {@code column <= value}; DMS's {@code ste} ("smaller than or equal") is the same operator. */
    LTE("lte", 1),
    GTE("gte", 1),
    EQ("eq", 1),
    NOTEQ("noteq", 1),
    /** {@code start-value <= column <= end-value}: both ends included, as SQL's BETWEEN. */
    BETWEEN("between", 2),
    /** Neither between nor NULL: SQL's {@code NOT BETWEEN}. */
    NOTBETWEEN("notbetween", 2),
    NULL("null", 0),
    NOTNULL("notnull", 0);

    /** Every name the mapping may use, for messages. */
    static final String KNOWN = "ste, lte, gte, eq, noteq, between, notbetween, null, notnull";

    final String dms;
    /** 0: no value; 1: {@code value}; 2: {@code start-value} and {@code end-value}. */
    final int values;

    FilterOperator(String dms, int values) {
        this.dms = dms;
        this.values = values;
    }

    /** The operator called {@code name} in a mapping (case-insensitive), or null. */
    static FilterOperator of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("ste")) {
            return LTE;
        }
        for (FilterOperator op : values()) {
            if (op.dms.equals(n)) {
                return op;
            }
        }
        return null;
    }

    /** Whether the operator orders values (so it needs a type whose order both paths agree on). */
    boolean ordering() {
        return this == LTE || this == GTE || this == BETWEEN || this == NOTBETWEEN;
    }
}
