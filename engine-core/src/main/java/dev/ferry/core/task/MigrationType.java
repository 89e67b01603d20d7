package dev.ferry.core.task;

import dev.ferry.core.ConfigurationException;

/** What a task does, named as DMS names it. */
public enum MigrationType {
    FULL_LOAD("full-load"),
    CDC("cdc"),
    FULL_LOAD_AND_CDC("full-load-and-cdc");

    private final String dmsName;

    MigrationType(String dmsName) {
        this.dmsName = dmsName;
    }

    public String dmsName() {
        return dmsName;
    }

    public boolean fullLoad() {
        return this != CDC;
    }

    public boolean cdc() {
        return this != FULL_LOAD;
    }

    /** Parses the DMS name ({@code full-load-and-cdc}) or the constant name. */
    public static MigrationType parse(String text) {
        for (MigrationType t : values()) {
            if (t.dmsName.equalsIgnoreCase(text) || t.name().equalsIgnoreCase(text.replace('-', '_'))) {
                return t;
            }
        }
        throw new ConfigurationException("migration type '" + text + "' is not one of full-load, cdc, full-load-and-cdc");
    }

    @Override
    public String toString() {
        return dmsName;
    }
}
