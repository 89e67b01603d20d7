package dev.ferry.postgres;

import dev.ferry.core.model.Interval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * PostgreSQL's binary format for the types of {@link PgType}: decoding into the neutral Java
 * classes and encoding from them. Stateless; values are read from and written to caller buffers.
 */
public final class PgBinary {

    /** 2000-01-01 in the epoch units PostgreSQL counts from. */
    static final long PG_EPOCH_DAY = 10_957;
    static final long PG_EPOCH_SECONDS = PG_EPOCH_DAY * 86_400;
    static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);
    private static final short NUMERIC_POS = 0x0000;
    private static final short NUMERIC_NEG = 0x4000;

    private PgBinary() {
    }

    // ------------------------------------------------------------------------------ decoding

    static int int4(byte[] b, int o) {
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    static short int2(byte[] b, int o) {
        return (short) (((b[o] & 0xff) << 8) | (b[o + 1] & 0xff));
    }

    static long int8(byte[] b, int o) {
        return ((long) int4(b, o) << 32) | (int4(b, o + 4) & 0xffffffffL);
    }

    /**
     * Decodes one non-null field.
     *
     * @throws IllegalArgumentException for values the neutral types cannot hold (numeric NaN)
     */
    public static Object decode(PgType type, byte[] b, int o, int len) {
        switch (type) {
            case BOOL:
                return b[o] != 0;
            case INT2:
                return int2(b, o);
            case INT4:
                return int4(b, o);
            case INT8:
                return int8(b, o);
            case FLOAT4:
                return Float.intBitsToFloat(int4(b, o));
            case FLOAT8:
                return Double.longBitsToDouble(int8(b, o));
            case NUMERIC:
                return decodeNumeric(b, o);
            case TEXT:
            case JSON:
            case XML:
                return new String(b, o, len, StandardCharsets.UTF_8);
            case JSONB:
                // version byte 1, then the text
                return new String(b, o + 1, len - 1, StandardCharsets.UTF_8);
            case BYTEA: {
                byte[] copy = new byte[len];
                System.arraycopy(b, o, copy, 0, len);
                return copy;
            }
            case DATE: {
                int days = int4(b, o);
                if (days == Integer.MAX_VALUE) {
                    return LocalDate.MAX;
                }
                if (days == Integer.MIN_VALUE) {
                    return LocalDate.MIN;
                }
                return LocalDate.ofEpochDay(days + PG_EPOCH_DAY);
            }
            case TIME: {
                long micros = int8(b, o);
                if (micros == 86_400_000_000L) {
                    throw new IllegalArgumentException("time 24:00:00 has no equivalent in the neutral time type");
                }
                return LocalTime.ofNanoOfDay(micros * 1000);
            }
            case TIMETZ: {
                long micros = int8(b, o);
                int zoneWest = int4(b, o + 8);
                return OffsetTime.of(LocalTime.ofNanoOfDay(micros * 1000), ZoneOffset.ofTotalSeconds(-zoneWest));
            }
            case TIMESTAMP: {
                long micros = int8(b, o);
                if (micros == Long.MAX_VALUE) {
                    return LocalDateTime.MAX;
                }
                if (micros == Long.MIN_VALUE) {
                    return LocalDateTime.MIN;
                }
                long seconds = Math.floorDiv(micros, 1_000_000L) + PG_EPOCH_SECONDS;
                int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
                return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
            }
            case TIMESTAMPTZ: {
                long micros = int8(b, o);
                if (micros == Long.MAX_VALUE) {
                    return Instant.MAX;
                }
                if (micros == Long.MIN_VALUE) {
                    return Instant.MIN;
                }
                long seconds = Math.floorDiv(micros, 1_000_000L) + PG_EPOCH_SECONDS;
                int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
                return Instant.ofEpochSecond(seconds, nanos);
            }
            case UUID:
                return new UUID(int8(b, o), int8(b, o + 8));
            case INTERVAL:
                return new Interval(int4(b, o + 12), int4(b, o + 8), int8(b, o));
            default:
                throw new IllegalArgumentException("no decoder for " + type);
        }
    }

    static BigDecimal decodeNumeric(byte[] b, int o) {
        int ndigits = int2(b, o);
        int weight = int2(b, o + 2);
        int sign = int2(b, o + 4) & 0xffff;
        int dscale = int2(b, o + 6);
        if (sign == 0xC000) {
            throw new IllegalArgumentException("numeric NaN has no equivalent in the neutral decimal type");
        }
        if (sign == 0xD000 || sign == 0xF000) {
            throw new IllegalArgumentException("numeric " + (sign == 0xD000 ? "" : "-") + "Infinity has no equivalent in the neutral decimal type");
        }
        if (ndigits == 0) {
            return BigDecimal.valueOf(0, dscale);
        }
        // unscaled = the base-10000 digits concatenated; its scale = 4 * (digits after the point)
        int scale4 = 4 * (ndigits - 1 - weight);
        BigDecimal value;
        if (ndigits <= 4) {
            long acc = 0;
            for (int i = 0; i < ndigits; i++) {
                acc = acc * 10_000 + int2(b, o + 8 + 2 * i);
            }
            value = BigDecimal.valueOf(acc, scale4);
        } else {
            // Combine in long chunks of four digits (16 decimal digits) to keep BigInteger work low.
            BigInteger acc = BigInteger.ZERO;
            int i = 0;
            while (i < ndigits) {
                int n = Math.min(4, ndigits - i);
                long chunk = 0;
                long mul = 1;
                for (int k = 0; k < n; k++) {
                    chunk = chunk * 10_000 + int2(b, o + 8 + 2 * (i + k));
                    mul *= 10_000;
                }
                acc = acc.multiply(BigInteger.valueOf(mul)).add(BigInteger.valueOf(chunk));
                i += n;
            }
            value = new BigDecimal(acc, scale4);
        }
        if (sign == NUMERIC_NEG) {
            value = value.negate();
        }
        // Trailing digits beyond dscale are zero, so this never rounds.
        return value.setScale(dscale, java.math.RoundingMode.UNNECESSARY);
    }

    // ------------------------------------------------------------------------------ encoding

    /**
     * Encodes one non-null value of the neutral classes as {@code type}'s binary form into
     * {@code out}, the 4-byte length included. Values of another class are converted where the
     * conversion is exact (an Integer into int8, any value into text).
     *
     * @throws IllegalArgumentException when the value cannot be written exactly
     */
    public static void encode(PgType type, Object v, ByteSink out) {
        switch (type) {
            case BOOL -> {
                out.writeInt(1);
                out.writeByte(asBoolean(v) ? 1 : 0);
            }
            case INT2 -> {
                out.writeInt(2);
                long l = asLong(v);
                if (l < Short.MIN_VALUE || l > Short.MAX_VALUE) {
                    throw new IllegalArgumentException("value " + l + " does not fit smallint");
                }
                out.writeShort((short) l);
            }
            case INT4 -> {
                out.writeInt(4);
                long l = asLong(v);
                if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("value " + l + " does not fit integer");
                }
                out.writeInt((int) l);
            }
            case INT8 -> {
                out.writeInt(8);
                out.writeLong(asLong(v));
            }
            case FLOAT4 -> {
                out.writeInt(4);
                out.writeInt(Float.floatToRawIntBits(v instanceof Float f ? f : ((Number) v).floatValue()));
            }
            case FLOAT8 -> {
                out.writeInt(8);
                out.writeLong(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            }
            case NUMERIC -> encodeNumeric(asDecimal(v), out);
            case TEXT, JSON, XML -> out.writeLengthPrefixedUtf8(v instanceof String s ? s : PgText.format(v), 0);
            case JSONB -> out.writeLengthPrefixedUtf8(v instanceof String s ? s : PgText.format(v), 1);
            case BYTEA -> {
                byte[] bytes = (byte[]) v;
                out.writeInt(bytes.length);
                out.write(bytes, 0, bytes.length);
            }
            case DATE -> {
                out.writeInt(4);
                LocalDate d = (LocalDate) v;
                out.writeInt(d == LocalDate.MAX || d.equals(LocalDate.MAX) ? Integer.MAX_VALUE
                        : d.equals(LocalDate.MIN) ? Integer.MIN_VALUE
                        : Math.toIntExact(d.toEpochDay() - PG_EPOCH_DAY));
            }
            case TIME -> {
                out.writeInt(8);
                out.writeLong(((LocalTime) v).toNanoOfDay() / 1000);
            }
            case TIMETZ -> {
                OffsetTime t = (OffsetTime) v;
                out.writeInt(12);
                out.writeLong(t.toLocalTime().toNanoOfDay() / 1000);
                out.writeInt(-t.getOffset().getTotalSeconds());
            }
            case TIMESTAMP -> {
                out.writeInt(8);
                out.writeLong(timestampMicros(v));
            }
            case TIMESTAMPTZ -> {
                out.writeInt(8);
                out.writeLong(timestamptzMicros(v));
            }
            case UUID -> {
                UUID u = v instanceof UUID x ? x : UUID.fromString(v.toString());
                out.writeInt(16);
                out.writeLong(u.getMostSignificantBits());
                out.writeLong(u.getLeastSignificantBits());
            }
            case INTERVAL -> {
                Interval i = (Interval) v;
                out.writeInt(16);
                out.writeLong(i.micros());
                out.writeInt(i.days());
                out.writeInt(i.months());
            }
        }
    }

    static long timestampMicros(Object v) {
        LocalDateTime t = (LocalDateTime) v;
        if (t.equals(LocalDateTime.MAX)) {
            return Long.MAX_VALUE;
        }
        if (t.equals(LocalDateTime.MIN)) {
            return Long.MIN_VALUE;
        }
        long seconds = t.toEpochSecond(ZoneOffset.UTC) - PG_EPOCH_SECONDS;
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), t.getNano() / 1000);
    }

    static long timestamptzMicros(Object v) {
        Instant t = v instanceof Instant i ? i : ((java.time.OffsetDateTime) v).toInstant();
        if (t.equals(Instant.MAX)) {
            return Long.MAX_VALUE;
        }
        if (t.equals(Instant.MIN)) {
            return Long.MIN_VALUE;
        }
        long seconds = t.getEpochSecond() - PG_EPOCH_SECONDS;
        return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), t.getNano() / 1000);
    }

    private static boolean asBoolean(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.longValue() != 0;
        }
        throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " as boolean");
    }

    private static long asLong(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigDecimal d) {
            return d.longValueExact();
        }
        if (v instanceof BigInteger i) {
            return i.longValueExact();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " as an integer");
    }

    private static BigDecimal asDecimal(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("cannot write " + d + " as numeric");
            }
            return new BigDecimal(v.toString());
        }
        if (v instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        throw new IllegalArgumentException("cannot write a " + v.getClass().getSimpleName() + " as numeric");
    }

    static void encodeNumeric(BigDecimal value, ByteSink out) {
        int dscale = Math.max(value.scale(), 0);
        BigInteger unscaled = (value.scale() < 0 ? value.setScale(0) : value).unscaledValue();
        int sign = unscaled.signum() < 0 ? NUMERIC_NEG : NUMERIC_POS;
        String digits = unscaled.abs().toString();
        if (unscaled.signum() == 0) {
            out.writeInt(8);
            out.writeShort((short) 0);
            out.writeShort((short) 0);
            out.writeShort(NUMERIC_POS);
            out.writeShort((short) dscale);
            return;
        }
        // Align the decimal point on a base-10000 digit boundary: pad the integer part on the
        // left and the fraction on the right to multiples of four digits.
        int intLen = digits.length() - dscale;
        int padLeft;
        if (intLen <= 0) {
            padLeft = -intLen;
            intLen = 0;
        } else {
            padLeft = (4 - intLen % 4) % 4;
        }
        int fracLen = dscale;
        int padRight = (4 - fracLen % 4) % 4;
        int total = padLeft + digits.length() + padRight;
        int groups = total / 4;
        short[] base = new short[groups];
        int pos = -padLeft;
        for (int g = 0; g < groups; g++) {
            int d = 0;
            for (int k = 0; k < 4; k++, pos++) {
                d = d * 10 + (pos >= 0 && pos < digits.length() ? digits.charAt(pos) - '0' : 0);
            }
            base[g] = (short) d;
        }
        // With no integer part the groups start right after the point (weight -1).
        int weight = intLen == 0 ? -1 : (padLeft + intLen) / 4 - 1;
        int first = 0;
        while (first < groups && base[first] == 0) {
            first++;
            weight--;
        }
        int last = groups - 1;
        while (last >= first && base[last] == 0) {
            last--;
        }
        int n = last - first + 1;
        out.writeInt(8 + 2 * n);
        out.writeShort((short) n);
        out.writeShort((short) weight);
        out.writeShort((short) sign);
        out.writeShort((short) dscale);
        for (int g = first; g <= last; g++) {
            out.writeShort(base[g]);
        }
    }
}
