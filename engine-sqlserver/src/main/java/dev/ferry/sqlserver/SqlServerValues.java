package dev.ferry.sqlserver;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Locale;
import java.util.TimeZone;
import java.util.UUID;

/**
 * Exact conversions of SQL Server values into the neutral classes. Pure, except {@link #read},
 * which takes one value off a result set.
 *
 * <p>Temporal values are read as {@code java.time} objects ({@code getObject(i, LocalDateTime.class)}
 * and the like), which mssql-jdbc builds from the wire parts with {@code java.time} arithmetic
 * alone: no calendar, no time zone, so exact for every value and whatever the JVM's default time
 * zone. datetimeoffset is read in its UTC form for the same reason. The {@code java.sql} types and
 * {@code microsoft.sql.DateTimeOffset}, which Debezium's connector reads, are not exact everywhere;
 * {@link SqlServerRecords} and {@link DateTimeOffsetConverter} make the change stream agree with this.
 */
final class SqlServerValues {

    private SqlServerValues() {
    }

    /**
     * A uniqueidentifier from its 16 stored bytes. SQL Server stores the first three groups
     * little-endian (Data1 as 4 bytes, Data2 and Data3 as 2 each) and the last 8 bytes as they are,
     * so {@code 6F9619FF-8B86-D011-B42D-00C04FC964FF} is stored as
     * {@code FF19966F 868B 11D0 B42D00C04FC964FF}.
     */
    public static UUID uuid(byte[] b) {
        if (b.length != 16) {
            throw new IllegalArgumentException("a uniqueidentifier has 16 bytes, was " + b.length);
        }
        long msb = 0;
        int[] order = {3, 2, 1, 0, 5, 4, 7, 6};
        for (int i : order) {
            msb = (msb << 8) | (b[i] & 0xff);
        }
        long lsb = ByteBuffer.wrap(b, 8, 8).getLong();
        return new UUID(msb, lsb);
    }

    /** The 16 bytes SQL Server stores for {@code u}: the inverse of {@link #uuid(byte[])}. */
    public static byte[] bytes(UUID u) {
        byte[] canonical = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        byte[] b = canonical.clone();
        int[] order = {3, 2, 1, 0, 5, 4, 7, 6};
        for (int i = 0; i < 8; i++) {
            b[order[i]] = canonical[i];
        }
        return b;
    }

    /** Truncates sub-microsecond digits (datetime2(7), time(7), datetimeoffset(7)). */
    public static LocalDateTime micros(LocalDateTime t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    public static LocalTime micros(LocalTime t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    /** A datetimeoffset as the instant it denotes, to the microsecond. */
    public static Instant instant(OffsetDateTime t) {
        return t.toInstant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * A datetimeoffset read in its UTC form ({@link SqlServerTypes#utc}: a datetime2 the driver
     * hands over as a {@link LocalDateTime} without any calendar or time zone arithmetic) as the
     * instant it denotes, to the microsecond. Exact for every value SQL Server stores.
     */
    public static Instant utcInstant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * The value of a {@code microsoft.sql.DateTimeOffset} as the driver builds it for a plain
     * {@code getObject}, as Debezium's connector reads it. The driver keeps UTC milliseconds that it
     * computed with {@code java.util.GregorianCalendar}: for UTC dates before 1583 it sets SQL
     * Server's (proleptic Gregorian) date fields into the Julian/Gregorian hybrid calendar, so those
     * milliseconds are days away from the instant, and {@code getOffsetDateTime()} reads fields of
     * that hybrid calendar back in the value's own offset, which throws where the local date is a
     * Julian-only leap day (1500-02-29). Reading the UTC fields back through the same hybrid
     * calendar undoes the driver's step exactly, except for UTC dates 1582-10-05 to 1582-10-14, which
     * the hybrid calendar does not have: the driver turns them into 1582-10-15 to 1582-10-24, and
     * nothing in the object tells them apart ({@link #mayBeShiftedByTheDriver(Instant)}).
     */
    @SuppressWarnings("deprecation")
    public static OffsetDateTime offsetDateTime(microsoft.sql.DateTimeOffset v) {
        java.sql.Timestamp utc = v.getTimestamp();
        // the driver keeps whole seconds in the milliseconds and the fraction in the nanos
        long seconds = Math.floorDiv(utc.getTime(), 1000L);
        GregorianCalendar hybrid = new GregorianCalendar(UTC_ZONE, Locale.ROOT);
        hybrid.setTimeInMillis(seconds * 1000L);
        int year = hybrid.get(Calendar.ERA) == GregorianCalendar.BC ? 1 - hybrid.get(Calendar.YEAR) : hybrid.get(Calendar.YEAR);
        LocalDateTime fields = LocalDateTime.of(year, hybrid.get(Calendar.MONTH) + 1, hybrid.get(Calendar.DAY_OF_MONTH),
                hybrid.get(Calendar.HOUR_OF_DAY), hybrid.get(Calendar.MINUTE), hybrid.get(Calendar.SECOND), utc.getNanos());
        return fields.atOffset(ZoneOffset.UTC).withOffsetSameInstant(ZoneOffset.ofTotalSeconds(v.getMinutesOffset() * 60));
    }

    /**
     * Whether a datetimeoffset that {@link #offsetDateTime(microsoft.sql.DateTimeOffset)} read as
     * {@code seen} may have been stored as another value: its UTC date is one of 1582-10-15 to
     * 1582-10-24, which the driver also makes of 1582-10-05 to 1582-10-14.
     */
    public static boolean mayBeShiftedByTheDriver(Instant seen) {
        LocalDate utcDate = LocalDate.ofInstant(seen, ZoneOffset.UTC);
        return !utcDate.isBefore(GREGORIAN_START) && utcDate.isBefore(GREGORIAN_START.plusDays(10));
    }

    private static final TimeZone UTC_ZONE = TimeZone.getTimeZone("UTC");
    /** The first day of the Gregorian calendar in java.util's Julian/Gregorian hybrid (the driver's and Debezium's). */
    static final LocalDate GREGORIAN_START = LocalDate.of(1582, 10, 15);

    /** money and smallmoney always carry four decimal places. */
    public static BigDecimal money(BigDecimal v) {
        return v.setScale(4, RoundingMode.UNNECESSARY);
    }

    /** Reads column {@code index} (1-based) of the current row as {@code read} says. Null stays null. */
    public static Object read(ResultSet rs, int index, SqlServerTypes.Read read) throws SQLException {
        switch (read) {
            case BOOLEAN: {
                boolean v = rs.getBoolean(index);
                return rs.wasNull() ? null : v;
            }
            case TINYINT:
            case SMALLINT: {
                short v = rs.getShort(index);
                return rs.wasNull() ? null : v;
            }
            case INT: {
                int v = rs.getInt(index);
                return rs.wasNull() ? null : v;
            }
            case BIGINT: {
                long v = rs.getLong(index);
                return rs.wasNull() ? null : v;
            }
            case REAL: {
                float v = rs.getFloat(index);
                return rs.wasNull() ? null : v;
            }
            case FLOAT: {
                double v = rs.getDouble(index);
                return rs.wasNull() ? null : v;
            }
            case DECIMAL:
                return rs.getBigDecimal(index);
            case MONEY: {
                BigDecimal v = rs.getBigDecimal(index);
                return v == null ? null : money(v);
            }
            case STRING:
                return rs.getString(index);
            case BYTES:
                return rs.getBytes(index);
            case UUID: {
                byte[] v = rs.getBytes(index);
                return v == null ? null : uuid(v);
            }
            case DATE:
            case TIME:
            case DATETIME:
            case DATETIMEOFFSET:
                return temporal(read, rs.getObject(index, driverClass(read)));
            default:
                throw new IllegalArgumentException("no reader for " + read);
        }
    }

    /**
     * The class the full load asks the driver for, a {@code java.time} one: the column's select
     * expression is its own value, or for datetimeoffset its UTC form (a datetime2).
     */
    static Class<?> driverClass(SqlServerTypes.Read read) {
        return switch (read) {
            case DATE -> LocalDate.class;
            case TIME -> LocalTime.class;
            case DATETIME, DATETIMEOFFSET -> LocalDateTime.class;
            default -> throw new IllegalArgumentException(read + " is not temporal");
        };
    }

    /**
     * The full load's conversion of what the driver returned for a temporal column as {@link
     * #driverClass}: microseconds, and a datetimeoffset as its instant. Null stays null.
     */
    public static Object temporal(SqlServerTypes.Read read, Object v) {
        if (v == null) {
            return null;
        }
        return switch (read) {
            case DATE -> (LocalDate) v;
            case TIME -> micros((LocalTime) v);
            case DATETIME -> micros((LocalDateTime) v);
            case DATETIMEOFFSET -> utcInstant((LocalDateTime) v);
            default -> throw new IllegalArgumentException(read + " is not temporal");
        };
    }
}
