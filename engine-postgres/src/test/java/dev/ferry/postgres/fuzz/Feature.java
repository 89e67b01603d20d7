package dev.ferry.postgres.fuzz;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Switches for the shapes the generator can produce. A shape whose defect is known and not yet
 * fixed on this branch is off by default, so CI stays green, and names the case it reproduces; it
 * is turned on (its default flipped) when the fix is merged. {@code -Dferry.fuzz.features=all} turns
 * every switch on, {@code =+ARRAYS,-PARTITIONS} changes the defaults one by one.
 */
enum Feature {
    // The shapes of issue 8's numbered cases, on by default since their fixes landed.

    /** Issue 8 case 1: REPLICA IDENTITY USING INDEX on keyed tables (updates of the indexed column, deletes). */
    IDENTITY_INDEX(true),
    /** Issue 8 case 2: deferrable primary keys (DEFAULT identity: refused; FULL: {@code SET id = id + 1}) and NOTHING. */
    DEFERRABLE_KEYS(true),
    /** Issue 8 case 3: arrays of other element types than integer, bigint, smallint, numeric(p,s), text, char, uuid, jsonb. */
    ARRAYS(true),
    /** Issue 8 case 4: char(n) columns in keyless tables (common when on). */
    KEYLESS_CHAR(true),
    /** Issue 8 case 5: timetz columns in keyless tables (common when on). */
    KEYLESS_TIMETZ(true),
    /** Issue 8 case 6: the slot's confirmed position advances while the replicated tables are quiet (waits ferry.fuzz.heartbeatSeconds, 30). */
    // Fixed; off by default only for time: each run with it waits ferry.fuzz.heartbeatSeconds (SlotProgressIT covers it in CI).
    HEARTBEAT(false),
    /** Issue 8 case 7: idle_in_transaction_session_timeout of 100 ms on the source while tables wait for the one load slot. */
    SNAPSHOT_TIMEOUT(true),
    /** Issue 8 case 8: DROP COLUMN + ADD COLUMN during CDC: the task must stop naming the table (or replicate it). */
    DROP_ADD_COLUMN(true),
    /** Issue 8 case 9: partitioned tables (rows moving between partitions, a partition with another column order). */
    PARTITIONS(true),
    /** Issue 8 case 10: a unique index the user added on the target, with swaps through a temporary value. */
    TARGET_UNIQUE(true),

    // Defects the fuzzer found that issue 8 does not list: off until fixed, each with a repro in the fuzz commit's note.

    /** New: time and timetz '24:00:00' (valid PostgreSQL values, also what 23:59:59.9999995 rounds to) fail the full load. */
    TIME_24(false),
    /** New: a domain over an enum anywhere in the source database stops CDC at start (NullPointerException in Debezium's TypeRegistry). */
    DOMAIN_OVER_ENUM(false),
    /** New: a NULL written into a column that has a DEFAULT arrives on the CDC path as the default (Kafka Connect's Struct.get). */
    COLUMN_DEFAULTS(true),
    /** New: money, bit(n), varbit, point, box and hstore arrive on the CDC path in Debezium's form, not PostgreSQL's text. */
    TEXT_TYPES_CDC(false),
    /** New: a double quote in a schema or table name stops CDC (Debezium's TableIdParser: Unexpected input). */
    QUOTES_IN_NAMES(false),
    /**
     * New, the keyed form of case 5: a timetz primary-key column. The old key arrives normalised to UTC and timetz
     * equality compares the offset, so updates and deletes of rows the full load wrote never match: rows stay behind.
     */
    TIMETZ_KEYS(false),
    /**
     * New: an interval with a fraction of a second may arrive one microsecond short on the CDC path (Debezium builds
     * the seconds from a double, Ferry truncates the ISO fraction to six digits); off, intervals have whole seconds.
     */
    INTERVAL_MICROS(false),
    /** New: stored generated columns: pgoutput (PostgreSQL 17) does not send them, and CDC stops with "schema changes are not replicated". */
    GENERATED_COLUMNS(true),

    /** Unlogged tables: no WAL, so no CDC; Ferry refuses them at start (PostgreSQL refuses them in a publication). */
    UNLOGGED(true);

    private final boolean onByDefault;

    Feature(boolean onByDefault) {
        this.onByDefault = onByDefault;
    }

    static Set<Feature> defaults() {
        Set<Feature> s = EnumSet.noneOf(Feature.class);
        for (Feature f : values()) {
            if (f.onByDefault) {
                s.add(f);
            }
        }
        return s;
    }

    /**
     * Parses {@code ferry.fuzz.features}: {@code default} (or empty), {@code all}, {@code none}, or a comma list
     * of names, each optionally prefixed with + or -; a list of plain names replaces the defaults, +/- edit them.
     */
    static Set<Feature> parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("default")) {
            return defaults();
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all")) {
            return EnumSet.allOf(Feature.class);
        }
        if (s.equals("none")) {
            return EnumSet.noneOf(Feature.class);
        }
        boolean relative = false;
        for (String part : s.split(",")) {
            String p = part.trim();
            relative |= p.startsWith("+") || p.startsWith("-");
        }
        Set<Feature> set = relative ? defaults() : EnumSet.noneOf(Feature.class);
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            boolean remove = p.startsWith("-");
            if (p.startsWith("+") || p.startsWith("-")) {
                p = p.substring(1);
            }
            Feature f = byName(p);
            if (remove) {
                set.remove(f);
            } else {
                set.add(f);
            }
        }
        return set;
    }

    private static Feature byName(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace('-', '_');
        for (Feature f : values()) {
            if (f.name().equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("ferry.fuzz.features: unknown feature '" + name + "' (known: all, none, default, "
                + String.join(", ", java.util.Arrays.stream(values()).map(Enum::name).toList()) + ")");
    }

    /** The spec that selects exactly {@code set}, for the replay command. */
    static String spec(Set<Feature> set) {
        if (set.equals(defaults())) {
            return "default";
        }
        if (set.equals(EnumSet.allOf(Feature.class))) {
            return "all";
        }
        if (set.isEmpty()) {
            return "none";
        }
        return String.join(",", set.stream().map(Enum::name).toList());
    }
}
