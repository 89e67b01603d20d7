package dev.ferry.debezium;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Debezium's numeric time representations as Java times, exactly: the unit is named by the
 * field's schema ({@code io.debezium.time.Timestamp} milliseconds, {@code MicroTimestamp}
 * microseconds, {@code NanoTimestamp} nanoseconds since 1970-01-01 00:00 without a zone;
 * {@code Time}, {@code MicroTime}, {@code NanoTime} since midnight). Negative values count back
 * from 1970 with floor division, so a value before 1970 keeps its fraction.
 */
public final class ConnectorTime {

    private ConnectorTime() {
    }

    /** A timestamp of schema {@code schemaName} with value {@code value}. */
    public static LocalDateTime timestamp(String schemaName, long value) {
        long perSecond = perSecond(schemaName, "io.debezium.time.Timestamp", "io.debezium.time.MicroTimestamp",
                "io.debezium.time.NanoTimestamp");
        long nanosPerUnit = 1_000_000_000L / perSecond;
        return LocalDateTime.ofEpochSecond(Math.floorDiv(value, perSecond), (int) (Math.floorMod(value, perSecond) * nanosPerUnit),
                ZoneOffset.UTC);
    }

    /** A time of day of schema {@code schemaName} with value {@code value}. */
    public static LocalTime time(String schemaName, long value) {
        long perSecond = perSecond(schemaName, "io.debezium.time.Time", "io.debezium.time.MicroTime", "io.debezium.time.NanoTime");
        return LocalTime.ofNanoOfDay(Math.multiplyExact(value, 1_000_000_000L / perSecond));
    }

    /** Units per second of the schema named {@code schemaName}: milliseconds, microseconds or nanoseconds. */
    private static long perSecond(String schemaName, String millisName, String microsName, String nanosName) {
        if (millisName.equals(schemaName)) {
            return 1000L;
        }
        if (microsName.equals(schemaName)) {
            return 1_000_000L;
        }
        if (nanosName.equals(schemaName)) {
            return 1_000_000_000L;
        }
        throw new IllegalArgumentException("a number of schema '" + schemaName + "' is not one of Debezium's time representations "
                + millisName + ", " + microsName + ", " + nanosName);
    }
}
