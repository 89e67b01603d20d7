package dev.ferry.sqlserver;

import java.util.Locale;

/** How a SQL Server source captures changes. */
enum CaptureMode {
    /** MS-CDC change tables, read by Debezium's SQL Server connector. */
    CDC("cdc"),
    /** Change Tracking: which keys changed, joined back to the tables for their values. */
    CHANGE_TRACKING("change-tracking");

    private final String option;

    CaptureMode(String option) {
        this.option = option;
    }

    /** The value of the {@code captureMode} option. */
    public String option() {
        return option;
    }

    public static CaptureMode parse(String text) {
        String t = text == null ? "cdc" : text.trim().toLowerCase(Locale.ROOT);
        for (CaptureMode m : values()) {
            if (m.option.equals(t) || m.name().toLowerCase(Locale.ROOT).equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("'captureMode' must be cdc or change-tracking, was '" + text + "'");
    }
}
