package dev.ferry.core.spi;

/** What to do with an existing target table before the full load, named as DMS names it. */
public enum TargetTablePrepMode {
    /** Drop the table and create it from the source's definition. */
    DROP_AND_CREATE,
    /** Keep the table, remove its rows; create it when missing. */
    TRUNCATE_BEFORE_LOAD,
    /** Keep the table and its rows; create it when missing. */
    DO_NOTHING
}
