package dev.ferry.sqlserver;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test of {@link ShiftedTimes} against what mssql-jdbc really builds ({@link DriverValues}) and
 * Debezium reads back (the fields of the java.sql object), in every time zone of the JVM: every
 * stored value that comes back moved must be recognised as possibly moved.
 */
class ShiftedTimesTest {

    static final Instant FROM = Instant.parse("1900-01-01T00:00:00Z");
    static final Instant TO = Instant.parse("2100-01-01T00:00:00Z");

    /** What Debezium's ISO conversion reads from the driver's Timestamp: its fields in the default zone. */
    static LocalDateTime seen(LocalDateTime stored) {
        return DriverValues.datetime2(stored).toLocalDateTime();
    }

    static List<ZoneOffsetTransition> gaps(ZoneRules rules) {
        List<ZoneOffsetTransition> gaps = new ArrayList<>();
        ZoneOffsetTransition t = rules.nextTransition(FROM);
        while (t != null && t.getInstant().isBefore(TO)) {
            if (t.isGap()) {
                gaps.add(t);
            }
            t = rules.nextTransition(t.getInstant());
        }
        return gaps;
    }

    @Test
    @DisplayName("when a local time in a gap of any zone comes back moved, then the value it comes back as is read again")
    void everyGapOfEveryZone() {
        TimeZone saved = TimeZone.getDefault();
        List<String> missed = new ArrayList<>();
        int moved = 0;
        try {
            for (String id : ZoneId.getAvailableZoneIds()) {
                TimeZone.setDefault(TimeZone.getTimeZone(id));
                ShiftedTimes.Zone zone = ShiftedTimes.defaultZone();
                for (ZoneOffsetTransition gap : gaps(ZoneId.of(id).getRules())) {
                    LocalDateTime start = gap.getDateTimeBefore();
                    LocalDateTime end = gap.getDateTimeAfter();
                    for (LocalDateTime stored : List.of(start, start.plus(gap.getDuration().dividedBy(2)), end.minusNanos(100))) {
                        LocalDateTime seen = seen(stored);
                        if (!seen.equals(stored)) {
                            moved++;
                            if (!zone.mayBeMoved(seen)) {
                                missed.add(id + ": " + stored + " came back as " + seen);
                            }
                        }
                    }
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
        assertThat(moved).as("values the driver moves in this JVM's zones").isGreaterThan(10_000);
        assertThat(missed).isEmpty();
    }

    @Test
    @DisplayName("when java.util's zone rules differ from java.time's (after 2037), then moved values are still recognised")
    void gapsOfJavaUtilAfter2037() {
        TimeZone saved = TimeZone.getDefault();
        List<String> missed = new ArrayList<>();
        int moved = 0;
        try {
            for (String id : List.of("Africa/Casablanca", "Asia/Gaza", "America/New_York", "Australia/Lord_Howe", "Europe/Dublin")) {
                TimeZone.setDefault(TimeZone.getTimeZone(id));
                ShiftedTimes.Zone zone = ShiftedTimes.defaultZone();
                for (LocalDateTime stored = LocalDateTime.of(2037, 1, 1, 0, 15); stored.getYear() < 2043; stored = stored.plusMinutes(30)) {
                    LocalDateTime seen = seen(stored);
                    if (!seen.equals(stored)) {
                        moved++;
                        if (!zone.mayBeMoved(seen)) {
                            missed.add(id + ": " + stored + " came back as " + seen);
                        }
                    }
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
        assertThat(moved).isGreaterThan(30);
        assertThat(missed).isEmpty();
    }

    @Test
    @DisplayName("when a value is normal, then it is not read again; in UTC only the calendar's skipped days are")
    void ordinaryValues() {
        SqlServerRecordsTest.inZone("America/New_York", () -> {
            ShiftedTimes.Zone zone = ShiftedTimes.defaultZone();
            assertThat(zone.mayBeMoved(seen(LocalDateTime.of(2024, 3, 10, 2, 30)))).isTrue();
            assertThat(zone.mayBeMoved(LocalDateTime.of(2024, 3, 10, 3, 59, 59, 999_999_000))).isTrue();
            assertThat(zone.mayBeMoved(LocalDateTime.of(2024, 3, 10, 4, 0))).isFalse();
            assertThat(zone.mayBeMoved(LocalDateTime.of(2024, 3, 10, 1, 59))).isFalse();
            assertThat(zone.mayBeMoved(LocalDateTime.of(2024, 11, 3, 1, 30))).as("a time that exists twice keeps its fields").isFalse();
            assertThat(zone.mayBeMoved(LocalDateTime.of(1, 1, 1, 0, 0))).isFalse();
            assertThat(zone.mayBeMoved(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000))).isFalse();
            assertThat(zone.mayBeMoved(LocalDate.of(2024, 3, 10))).isFalse();
            assertThat(zone.mayBeMoved(LocalTime.of(2, 30))).as("time travels on 1900-01-01").isFalse();
        });
        SqlServerRecordsTest.inZone("UTC", () -> {
            ShiftedTimes.Zone zone = ShiftedTimes.defaultZone();
            assertThat(zone.mayBeMoved(LocalDateTime.of(2024, 3, 10, 3, 30))).isFalse();
            assertThat(seen(LocalDateTime.of(1582, 10, 5, 0, 0))).isEqualTo(LocalDateTime.of(1582, 10, 15, 0, 0));
            assertThat(zone.mayBeMoved(LocalDateTime.of(1582, 10, 15, 0, 0))).isTrue();
            assertThat(zone.mayBeMoved(LocalDateTime.of(1582, 10, 24, 23, 59))).isTrue();
            assertThat(zone.mayBeMoved(LocalDateTime.of(1582, 10, 25, 0, 0))).isFalse();
            assertThat(zone.mayBeMoved(LocalDateTime.of(1582, 10, 4, 23, 59))).isFalse();
            assertThat(DriverValues.date(LocalDate.of(1582, 10, 14)).toLocalDate()).isEqualTo(LocalDate.of(1582, 10, 24));
            assertThat(zone.mayBeMoved(LocalDate.of(1582, 10, 24))).isTrue();
            assertThat(zone.mayBeMoved(LocalDate.of(1582, 10, 4))).isFalse();
            assertThat(zone.mayBeMoved(LocalTime.of(2, 30))).isFalse();
        });
    }

    @Test
    @DisplayName("when a zone skips a whole day, then the date the driver makes of it is read again")
    void skippedDay() {
        SqlServerRecordsTest.inZone("Pacific/Apia", () -> {
            ShiftedTimes.Zone zone = ShiftedTimes.defaultZone();
            LocalDate seen = DriverValues.date(LocalDate.of(2011, 12, 30)).toLocalDate();
            assertThat(seen).isEqualTo(LocalDate.of(2011, 12, 31));
            assertThat(zone.mayBeMoved(seen)).isTrue();
            assertThat(zone.mayBeMoved(LocalDate.of(2012, 1, 1))).isFalse();
            LocalDateTime noon = seen(LocalDateTime.of(2011, 12, 30, 12, 0));
            assertThat(noon).isEqualTo(LocalDateTime.of(2011, 12, 31, 12, 0));
            assertThat(zone.mayBeMoved(noon)).isTrue();
        });
    }

    @Test
    @DisplayName("when a time of day travels on 1900-01-01, then in every zone it comes back as stored or is read again")
    void timesOfDayInEveryZone() {
        TimeZone saved = TimeZone.getDefault();
        List<String> missed = new ArrayList<>();
        try {
            for (String id : ZoneId.getAvailableZoneIds()) {
                TimeZone.setDefault(TimeZone.getTimeZone(id));
                ShiftedTimes.Zone zone = ShiftedTimes.defaultZone();
                for (int step = 0; step < 48; step++) {
                    LocalTime t = LocalTime.of(0, 7, 30).plus(Duration.ofMinutes(30L * step));
                    LocalTime seen = DriverValues.timeAsTimestamp(t).toLocalDateTime().toLocalTime();
                    if (!seen.equals(t) && !zone.mayBeMoved(seen)) {
                        missed.add(id + ": " + t + " came back as " + seen);
                    }
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
        assertThat(missed).isEmpty();
    }
}
