package dev.ferry.core.task;

/** A table's state, named as DMS shows it in table statistics. */
public enum TableState {
    BEFORE_LOAD("Before load"),
    FULL_LOAD("Full load"),
    TABLE_COMPLETED("Table completed"),
    TABLE_CANCELLED("Table cancelled"),
    TABLE_ERROR("Table error");

    private final String label;

    TableState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
