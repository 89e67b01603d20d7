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
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Exact conversions of SQL Server values into the neutral classes. Pure, except {@link #read},
 * which takes one value off a result set.
 */
public final class SqlServerValues {

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
                return rs.getObject(index, LocalDate.class);
            case TIME: {
                LocalTime v = rs.getObject(index, LocalTime.class);
                return v == null ? null : micros(v);
            }
            case DATETIME: {
                LocalDateTime v = rs.getObject(index, LocalDateTime.class);
                return v == null ? null : micros(v);
            }
            case DATETIMEOFFSET: {
                OffsetDateTime v = rs.getObject(index, OffsetDateTime.class);
                return v == null ? null : instant(v);
            }
            default:
                throw new IllegalArgumentException("no reader for " + read);
        }
    }
}
