package dev.ferry.sqlserver;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.TimeZone;

/**
 * Which values Debezium's SQL Server connector may have received moved, and so must be read again.
 *
 * <p>The connector reads date, datetime, datetime2 and smalldatetime with {@code getObject} and
 * time with {@code getTimestamp}. mssql-jdbc builds those values as {@code java.sql.Date.valueOf}
 * and {@code java.sql.Timestamp.valueOf} of the exact {@code java.time} value (for time on
 * 1900-01-01), and Debezium reads their date and time fields back. Both steps use the JVM's
 * default time zone and {@code java.util}'s Julian/Gregorian calendar, so a value that does not
 * exist there comes back moved forward: a local time inside a gap of the default zone (02:30 on
 * the day New York springs forward comes back as 03:30) and a date from 1582-10-05 to 1582-10-14,
 * which that calendar skips (it comes back 10 days later). The moved value is a valid value too
 * (03:30 exists), so no converter can undo this; Ferry cannot change the default zone either
 * (Ferry runs inside other services). What can be decided is whether a value it got might be
 * such a moved value; those few (one hour a year in a zone with daylight saving time) are read
 * again by {@link SqlServerRecords} in a form without that arithmetic.
 *
 * <p>The test runs the same {@code java.util} machinery: a value {@code seen} is moved from {@code
 * seen - g} when that earlier value does not survive the round trip and comes back as {@code seen}.
 * Candidates for {@code g}: the gap of the zone's last transition before the value ({@code
 * java.time} rules), the jump of {@code java.util}'s own offsets over the last day (they differ
 * from the {@code java.time} rules before 1900 and after 2037), and the calendar's 10 days.
 * Everything else returns at once: a zone with one fixed offset has no gaps.
 */
final class ShiftedTimes {

    /** Longer than any forward jump in the time zone database (a skipped day: Pacific/Apia, 2011-12-30). */
    static final Duration MAX_GAP = Duration.ofHours(26);
    private static final LocalDate TIME_DATE = LocalDate.of(1900, 1, 1);

    private ShiftedTimes() {
    }

    /** The default zone's test, for one record: the zone is read once. */
    static ShiftedTimes.Zone defaultZone() {
        return new Zone(TimeZone.getDefault());
    }

    /** The test in one zone, which must be the JVM's default zone (the driver and Debezium use that one). */
    static final class Zone {
        private final TimeZone zone;
        private final ZoneRules rules;

        Zone(TimeZone zone) {
            this.zone = zone;
            this.rules = zone.toZoneId().getRules();
        }

        /** Whether a datetime, datetime2 or smalldatetime that arrived as {@code seen} may have been stored as another value. */
        boolean mayBeMoved(LocalDateTime seen) {
            if (inCalendarShadow(seen.toLocalDate()) && movedFrom(seen, seen.minusDays(10))) {
                return true;
            }
            if (rules.isFixedOffset()) {
                return false;
            }
            long at = Timestamp.valueOf(seen).getTime();
            long jump = zone.getOffset(at) - (long) zone.getOffset(at - MAX_GAP.toMillis());
            if (jump > 0 && movedFrom(seen, seen.minus(Duration.ofMillis(jump)))) {
                return true;
            }
            ZoneOffsetTransition t = rules.previousTransition(Instant.ofEpochMilli(at + 1));
            return t != null && t.isGap() && movedFrom(seen, seen.minus(t.getDuration()));
        }

        /** Whether a date that arrived as {@code seen} may have been stored as another date. */
        boolean mayBeMoved(LocalDate seen) {
            if (inCalendarShadow(seen) && dateMovedFrom(seen, seen.minusDays(10))) {
                return true;
            }
            // a zone that skips a whole day (a midnight inside a gap of less than a day keeps its date)
            return !rules.isFixedOffset() && dateMovedFrom(seen, seen.minusDays(1));
        }

        /** Whether a time that arrived as {@code seen} may have been stored as another time (it travels on 1900-01-01). */
        boolean mayBeMoved(LocalTime seen) {
            return !rules.isFixedOffset() && mayBeMoved(LocalDateTime.of(TIME_DATE, seen));
        }
    }

    /** 1582-10-15 to 1582-10-24: where java.util's calendar puts the days it does not have. */
    static boolean inCalendarShadow(LocalDate d) {
        return !d.isBefore(SqlServerValues.GREGORIAN_START) && d.isBefore(SqlServerValues.GREGORIAN_START.plusDays(10));
    }

    private static boolean movedFrom(LocalDateTime seen, LocalDateTime stored) {
        return !stored.equals(seen) && Timestamp.valueOf(stored).toLocalDateTime().equals(seen);
    }

    private static boolean dateMovedFrom(LocalDate seen, LocalDate stored) {
        return !stored.equals(seen) && java.sql.Date.valueOf(stored).toLocalDate().equals(seen);
    }
}
