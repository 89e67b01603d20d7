package dev.ferry.sqlserver;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Locale;
import java.util.SimpleTimeZone;

/**
 * Temporal values exactly as mssql-jdbc 13.6.2 hands them to its callers, made by the driver's own
 * conversion ({@code DDC.convertTemporalToObject}, package-private, reached by reflection because
 * the driver's jar is signed) from the parts SQL Server sends on the wire: days since 0001-01-01
 * (proleptic Gregorian, since 1900-01-01 for datetime) and the time since midnight, plus the
 * offset in minutes for datetimeoffset. The result set getters do nothing else with these types:
 * {@code getObject(i)} passes the column's own JDBC type and no calendar, {@code getObject(i,
 * LocalDateTime.class)} (and LocalDate, LocalTime) passes {@code LOCALDATETIME}, {@code
 * getTimestamp(i)} passes {@code TIMESTAMP}, and a datetimeoffset always comes with a calendar in
 * its own offset ({@code TDSReader.readDateTimeOffset}). Results depend on the JVM's default time
 * zone where the driver's code does.
 */
final class DriverValues {

    private static final LocalDate BASE = LocalDate.of(1, 1, 1);
    private static final LocalDate BASE_1900 = LocalDate.of(1900, 1, 1);
    private static final Class<?> JDBC_TYPE;
    private static final Class<?> SS_TYPE;
    private static final Method CONVERT;

    static {
        try {
            JDBC_TYPE = Class.forName("com.microsoft.sqlserver.jdbc.JDBCType");
            SS_TYPE = Class.forName("com.microsoft.sqlserver.jdbc.SSType");
            CONVERT = Class.forName("com.microsoft.sqlserver.jdbc.DDC").getDeclaredMethod("convertTemporalToObject",
                    Class.forName("com.microsoft.sqlserver.jdbc.SQLServerConnection"), JDBC_TYPE, SS_TYPE, Calendar.class, int.class,
                    long.class, int.class);
            CONVERT.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DriverValues() {
    }

    /** What {@code getObject(i)} returns for a {@code date}: a java.sql.Date. */
    static java.sql.Date date(LocalDate v) {
        return (java.sql.Date) convert("DATE", "DATE", null, days(v), 0);
    }

    /** What {@code getObject(i)} returns for a {@code datetime2}: a java.sql.Timestamp. */
    static java.sql.Timestamp datetime2(LocalDateTime v) {
        return (java.sql.Timestamp) convert("TIMESTAMP", "DATETIME2", null, days(v.toLocalDate()), v.toLocalTime().toNanoOfDay());
    }

    /**
     * What {@code getObject(i)} returns for a {@code datetime} or {@code smalldatetime} (both read by
     * {@code TDSReader.readDateTime} as days since 1900 and milliseconds): a java.sql.Timestamp.
     */
    static java.sql.Timestamp datetime(LocalDateTime v, boolean small) {
        return (java.sql.Timestamp) convert(small ? "SMALLDATETIME" : "DATETIME", "DATETIME", null, days1900(v.toLocalDate()),
                v.toLocalTime().toNanoOfDay() / 1_000_000L);
    }

    /** What {@code getTimestamp(i)} (Debezium's read of a {@code time}) returns: 1900-01-01 at the time. */
    static java.sql.Timestamp timeAsTimestamp(LocalTime v) {
        return (java.sql.Timestamp) convert("TIMESTAMP", "TIME", null, 0, v.toNanoOfDay());
    }

    /** What {@code getObject(i)} returns for a {@code datetimeoffset}: the UTC parts with the offset's calendar. */
    @SuppressWarnings("deprecation")
    static microsoft.sql.DateTimeOffset datetimeoffset(OffsetDateTime v) {
        int minutes = v.getOffset().getTotalSeconds() / 60;
        LocalDateTime utc = v.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        return (microsoft.sql.DateTimeOffset) convert("DATETIMEOFFSET", "DATETIMEOFFSET",
                new GregorianCalendar(new SimpleTimeZone(minutes * 60 * 1000, ""), Locale.US), days(utc.toLocalDate()),
                utc.toLocalTime().toNanoOfDay());
    }

    /** What {@code getObject(i, LocalDateTime.class)} returns for a {@code datetime2} (or the UTC form of a datetimeoffset). */
    static LocalDateTime localDateTime(LocalDateTime v) {
        return (LocalDateTime) convert("LOCALDATETIME", "DATETIME2", null, days(v.toLocalDate()), v.toLocalTime().toNanoOfDay());
    }

    /** What {@code getObject(i, LocalDateTime.class)} returns for a {@code datetime} or {@code smalldatetime}. */
    static LocalDateTime localDateTimeOfDatetime(LocalDateTime v) {
        return (LocalDateTime) convert("LOCALDATETIME", "DATETIME", null, days1900(v.toLocalDate()), v.toLocalTime().toNanoOfDay() / 1_000_000L);
    }

    /** What {@code getObject(i, LocalDate.class)} returns for a {@code date}. */
    static LocalDate localDate(LocalDate v) {
        return ((LocalDateTime) convert("LOCALDATETIME", "DATE", null, days(v), 0)).toLocalDate();
    }

    /** What {@code getObject(i, LocalTime.class)} returns for a {@code time}. */
    static LocalTime localTime(LocalTime v) {
        return ((LocalDateTime) convert("LOCALDATETIME", "TIME", null, 0, v.toNanoOfDay())).toLocalTime();
    }

    private static int days(LocalDate d) {
        return (int) ChronoUnit.DAYS.between(BASE, d);
    }

    private static int days1900(LocalDate d) {
        return (int) ChronoUnit.DAYS.between(BASE_1900, d);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(String jdbcType, String ssType, Calendar calendar, int days, long ticks) {
        try {
            return CONVERT.invoke(null, null, Enum.valueOf((Class) JDBC_TYPE, jdbcType), Enum.valueOf((Class) SS_TYPE, ssType), calendar,
                    days, ticks, 7);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the driver refused " + ssType + " as " + jdbcType, e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
