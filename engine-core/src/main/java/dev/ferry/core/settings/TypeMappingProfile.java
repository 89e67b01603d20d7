package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;

import java.util.Locale;

/**
 * Which column types the target creates for source types (a Ferry extension, chosen in the task
 * settings JSON as {@code "FerrySettings": {"TypeMappingProfile": "dms"}}).
 */
public enum TypeMappingProfile {
    /** Ferry's own mapping, which keeps every value's type: uniqueidentifier → uuid, datetimeoffset → timestamptz. */
    NATIVE,
    /**
     * Exactly the types AWS DMS documents for a PostgreSQL target ("Target data types for
     * PostgreSQL", composed with the source's "Source data types" table), so that a target created by
     * Ferry matches one DMS created: uniqueidentifier → varchar(36), datetimeoffset → varchar.
     */
    DMS;

    public static TypeMappingProfile parse(String v) {
        for (TypeMappingProfile p : values()) {
            if (p.name().equalsIgnoreCase(v == null ? "" : v.strip())) {
                return p;
            }
        }
        throw new ConfigurationException("'" + v + "' is not a type-mapping profile: use native or dms");
    }

    /** The name as written in the settings: {@code native}, {@code dms}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
