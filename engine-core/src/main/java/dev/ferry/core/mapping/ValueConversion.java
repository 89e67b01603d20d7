package dev.ferry.core.mapping;

import dev.ferry.core.model.Interval;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TypeKind;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.UUID;

/**
 * Converts a value from the Java class of one {@link TypeKind} to the class of another, for
 * {@code change-data-type} and for {@code add-column} values: built once per column, called per
 * row. A value that does not fit the target type exactly (out of range, a fraction for an integer,
 * more digits than the scale or the precision keep, a string longer than the length, a timestamp
 * with a time of day for a date, text that does not parse) is refused with
 * {@link IllegalArgumentException} saying why; the caller names the table and the column. Nothing
 * is rounded or cut silently (DMS rounds or truncates in places; Ferry would rather stop than move
 * a different value). Conversions to real4/real8 round to the nearest float, as the database does.
 */
@FunctionalInterface
public interface ValueConversion {

    /** The value in the target kind's class; null and {@code Unchanged.VALUE} are never passed in. */
    Object convert(Object value);

    /** Whether values of kind {@code from} can be converted to kind {@code to} at all (checked once, at plan time). */
    static boolean supported(TypeKind from, TypeKind to) {
        if (from == to) {
            return true;
        }
        boolean fromText = isText(from) || from == TypeKind.JSON || from == TypeKind.XML;
        return switch (to) {
            case CHAR, VARCHAR, TEXT -> from != TypeKind.BYTES && from != TypeKind.INTERVAL;
            case BOOLEAN, INT16, INT32, INT64, DECIMAL, FLOAT32, FLOAT64 -> fromText || isNumber(from);
            case DATE, TIMESTAMP, TIMESTAMPTZ -> fromText || from == TypeKind.DATE || from == TypeKind.TIMESTAMP
                    || from == TypeKind.TIMESTAMPTZ;
            case TIME, UUID, JSON, XML -> fromText;
            case TIMETZ, BYTES, INTERVAL -> false;
        };
    }

    /**
     * The conversion of values of {@code from} to {@code to}; null when every value passes as it is.
     *
     * @throws IllegalArgumentException when the kinds do not convert ({@link #supported} is false)
     */
    static ValueConversion between(LogicalType from, LogicalType to) {
        if (!supported(from.kind(), to.kind())) {
            throw new IllegalArgumentException("values of type " + from + " do not convert to " + to);
        }
        if (from.equals(to) || (from.kind() == to.kind() && widens(from, to))) {
            return null;
        }
        return to(to);
    }

    /** The conversion of a value of any kind's class to {@code to}; what an {@code add-column} value or expression needs. */
    static ValueConversion to(LogicalType to) {
        return switch (to.kind()) {
            case BOOLEAN -> Conversions::toBoolean;
            case INT16 -> v -> (short) Conversions.toLong(v, Short.MIN_VALUE, Short.MAX_VALUE, "int2 (smallint)");
            case INT32 -> v -> (int) Conversions.toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int4 (integer)");
            case INT64 -> v -> Conversions.toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "int8 (bigint)");
            case DECIMAL -> v -> Conversions.toDecimal(v, to);
            case FLOAT32 -> v -> {
                double d = Conversions.toDouble(v);
                float f = (float) d;
                if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                    throw new IllegalArgumentException("out of the range of real4");
                }
                return f;
            };
            case FLOAT64 -> Conversions::toDouble;
            case CHAR, VARCHAR, TEXT -> v -> Conversions.toText(v, to);
            case DATE -> Conversions::toDate;
            case TIME -> v -> Conversions.toTime(v, to.precision());
            case TIMESTAMP -> v -> Conversions.toTimestamp(v, to.precision());
            case TIMESTAMPTZ -> v -> Conversions.toInstant(v, to.precision());
            case UUID -> v -> v instanceof UUID ? v : UUID.fromString(Conversions.string(v).trim());
            case JSON, XML -> v -> {
                if (v instanceof String) {
                    return v;
                }
                throw new IllegalArgumentException("a " + Conversions.kindName(v) + " is not " + to.kind().name().toLowerCase(Locale.ROOT));
            };
            case TIMETZ -> v -> Conversions.same(v, OffsetTime.class, to);
            case BYTES -> v -> Conversions.same(v, byte[].class, to);
            case INTERVAL -> v -> Conversions.same(v, Interval.class, to);
        };
    }

    private static boolean isText(TypeKind k) {
        return k == TypeKind.CHAR || k == TypeKind.VARCHAR || k == TypeKind.TEXT;
    }

    private static boolean isNumber(TypeKind k) {
        return switch (k) {
            case BOOLEAN, INT16, INT32, INT64, DECIMAL, FLOAT32, FLOAT64 -> true;
            default -> false;
        };
    }

    /** Whether every value of {@code from} is also a value of {@code to} (same kind, as wide or wider). */
    private static boolean widens(LogicalType from, LogicalType to) {
        return switch (to.kind()) {
            case CHAR -> to.length() == 0 || (from.length() > 0 && from.length() <= to.length());
            case VARCHAR -> to.length() == 0 || (from.length() > 0 && from.length() <= to.length());
            case DECIMAL -> to.precision() == 0 || (from.precision() > 0 && from.scale() <= to.scale()
                    && from.precision() - from.scale() <= to.precision() - to.scale());
            case TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ -> to.precision() < 0 || to.precision() >= 6
                    || (from.precision() >= 0 && from.precision() <= to.precision());
            default -> true;
        };
    }

    /** The per-kind conversions; values of the classes {@link TypeKind} documents in, the target kind's class out. */
    final class Conversions {
        private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder()
                .appendValue(ChronoField.YEAR, 4).appendLiteral('-').appendValue(ChronoField.MONTH_OF_YEAR, 2)
                .appendLiteral('-').appendValue(ChronoField.DAY_OF_MONTH, 2).toFormatter(Locale.ROOT);
        private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
                .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
                .appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
                .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
                .toFormatter(Locale.ROOT);
        private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().append(DATE)
                .optionalStart().appendLiteral(' ').optionalEnd().optionalStart().appendLiteral('T').optionalEnd()
                .append(TIME).toFormatter(Locale.ROOT);

        private Conversions() {
        }

        static String kindName(Object v) {
            return v.getClass().getSimpleName();
        }

        static Object same(Object v, Class<?> type, LogicalType to) {
            if (type.isInstance(v)) {
                return v;
            }
            throw new IllegalArgumentException("a " + kindName(v) + " does not convert to " + to);
        }

        static String string(Object v) {
            if (v instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("a " + kindName(v) + " is not text");
        }

        static Boolean toBoolean(Object v) {
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s) {
                switch (s.trim().toLowerCase(Locale.ROOT)) {
                    case "true", "t", "yes", "y", "1", "on":
                        return Boolean.TRUE;
                    case "false", "f", "no", "n", "0", "off":
                        return Boolean.FALSE;
                    default:
                        throw new IllegalArgumentException("not a boolean (true/false, t/f, yes/no, 1/0)");
                }
            }
            BigDecimal d = decimal(v);
            if (d.signum() == 0) {
                return Boolean.FALSE;
            }
            if (d.compareTo(BigDecimal.ONE) == 0) {
                return Boolean.TRUE;
            }
            throw new IllegalArgumentException("only 0 and 1 convert to a boolean");
        }

        static long toLong(Object v, long min, long max, String type) {
            long result;
            if (v instanceof Short || v instanceof Integer || v instanceof Long) {
                result = ((Number) v).longValue();
            } else if (v instanceof Boolean b) {
                result = b ? 1 : 0;
            } else {
                BigDecimal d = decimal(v);
                if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException("has a fraction, which " + type + " cannot keep");
                }
                try {
                    result = d.toBigIntegerExact().longValueExact();
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("out of the range of " + type);
                }
            }
            if (result < min || result > max) {
                throw new IllegalArgumentException("out of the range of " + type + " (" + min + ".." + max + ")");
            }
            return result;
        }

        static BigDecimal toDecimal(Object v, LogicalType to) {
            BigDecimal d = v instanceof Boolean b ? (b ? BigDecimal.ONE : BigDecimal.ZERO) : decimal(v);
            if (to.precision() == 0) {
                return d;
            }
            BigDecimal scaled;
            try {
                scaled = d.setScale(to.scale(), RoundingMode.UNNECESSARY);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("has more than " + to.scale() + " digits after the point, which " + to
                        + " would round away");
            }
            if (scaled.precision() - scaled.scale() > to.precision() - to.scale() && scaled.signum() != 0) {
                throw new IllegalArgumentException("has more than " + (to.precision() - to.scale())
                        + " digits before the point, which " + to + " cannot hold");
            }
            return scaled;
        }

        /** A number (or the text of one) as an exact decimal. */
        static BigDecimal decimal(Object v) {
            if (v instanceof BigDecimal d) {
                return d;
            }
            if (v instanceof Short || v instanceof Integer || v instanceof Long) {
                return BigDecimal.valueOf(((Number) v).longValue());
            }
            if (v instanceof BigInteger i) {
                return new BigDecimal(i);
            }
            if (v instanceof Float || v instanceof Double) {
                double x = ((Number) v).doubleValue();
                if (Double.isNaN(x) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("NaN and infinity are not exact numbers");
                }
                return v instanceof Float f ? new BigDecimal(f.toString()) : BigDecimal.valueOf(x);
            }
            if (v instanceof String s) {
                try {
                    return new BigDecimal(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number");
                }
            }
            throw new IllegalArgumentException("a " + kindName(v) + " is not a number");
        }

        static double toDouble(Object v) {
            if (v instanceof Float || v instanceof Double) {
                return ((Number) v).doubleValue();
            }
            if (v instanceof String s) {
                try {
                    return Double.parseDouble(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number");
                }
            }
            if (v instanceof Boolean b) {
                return b ? 1 : 0;
            }
            return decimal(v).doubleValue();
        }

        static String toText(Object v, LogicalType to) {
            String s;
            if (v instanceof String str) {
                s = str;
            } else if (v instanceof BigDecimal d) {
                s = d.toPlainString();
            } else if (v instanceof Number || v instanceof Boolean || v instanceof UUID || v instanceof LocalDate
                    || v instanceof LocalTime || v instanceof OffsetTime) {
                s = v.toString();
            } else if (v instanceof LocalDateTime t) {
                s = t.toLocalDate() + " " + t.toLocalTime();
            } else if (v instanceof Instant i) {
                LocalDateTime t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
                s = t.toLocalDate() + " " + t.toLocalTime() + "+00";
            } else {
                throw new IllegalArgumentException("a " + kindName(v) + " does not convert to text");
            }
            if (to.length() > 0 && s.codePointCount(0, s.length()) > to.length()) {
                throw new IllegalArgumentException("is " + s.codePointCount(0, s.length()) + " characters long, more than the "
                        + to.length() + " of " + to);
            }
            return s;
        }

        static LocalDate toDate(Object v) {
            if (v instanceof LocalDate d) {
                return d;
            }
            LocalDateTime t;
            if (v instanceof String s) {
                String text = s.trim();
                if (text.length() == 10) {
                    try {
                        return LocalDate.parse(dashes(text), DATE);
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("not a date (YYYY-MM-DD or YYYY:MM:DD)");
                    }
                }
                t = toTimestamp(v, -1);
            } else if (v instanceof LocalDateTime ldt) {
                if (ldt.equals(LocalDateTime.MAX)) {
                    return LocalDate.MAX;
                }
                if (ldt.equals(LocalDateTime.MIN)) {
                    return LocalDate.MIN;
                }
                t = ldt;
            } else if (v instanceof Instant i) {
                if (i.equals(Instant.MAX)) {
                    return LocalDate.MAX;
                }
                if (i.equals(Instant.MIN)) {
                    return LocalDate.MIN;
                }
                t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            } else {
                throw new IllegalArgumentException("a " + kindName(v) + " is not a date");
            }
            if (!t.toLocalTime().equals(LocalTime.MIDNIGHT)) {
                throw new IllegalArgumentException("has a time of day, which a date cannot keep");
            }
            return t.toLocalDate();
        }

        static LocalTime toTime(Object v, int digits) {
            LocalTime t;
            if (v instanceof LocalTime lt) {
                t = lt;
            } else {
                try {
                    t = LocalTime.parse(string(v).trim(), TIME);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("not a time (HH:MM:SS)");
                }
            }
            checkDigits(t.getNano(), digits);
            return t;
        }

        static LocalDateTime toTimestamp(Object v, int digits) {
            LocalDateTime t;
            if (v instanceof LocalDateTime ldt) {
                t = ldt;
            } else if (v instanceof LocalDate d) {
                return d.equals(LocalDate.MAX) ? LocalDateTime.MAX : d.equals(LocalDate.MIN) ? LocalDateTime.MIN : d.atStartOfDay();
            } else if (v instanceof Instant i) {
                if (i.equals(Instant.MAX) || i.equals(Instant.MIN)) {
                    return i.equals(Instant.MAX) ? LocalDateTime.MAX : LocalDateTime.MIN;
                }
                t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            } else {
                String s = string(v).trim();
                try {
                    t = s.length() == 10 ? LocalDate.parse(dashes(s), DATE).atStartOfDay()
                            : LocalDateTime.parse(dashes(s), TIMESTAMP);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("not a datetime (YYYY-MM-DD HH:MM:SS or YYYY:MM:DD HH:MM:SS)");
                }
            }
            if (!t.equals(LocalDateTime.MAX) && !t.equals(LocalDateTime.MIN)) {
                checkDigits(t.getNano(), digits);
            }
            return t;
        }

        static Instant toInstant(Object v, int digits) {
            if (v instanceof Instant i) {
                if (!i.equals(Instant.MAX) && !i.equals(Instant.MIN)) {
                    checkDigits(i.getNano(), digits);
                }
                return i;
            }
            if (v instanceof String s) {
                try {
                    Instant i = OffsetDateTime.parse(s.trim()).toInstant();
                    checkDigits(i.getNano(), digits);
                    return i;
                } catch (DateTimeParseException e) {
                    // no offset: read as UTC below
                }
            }
            LocalDateTime t = toTimestamp(v, digits);
            return t.equals(LocalDateTime.MAX) ? Instant.MAX : t.equals(LocalDateTime.MIN) ? Instant.MIN : t.toInstant(ZoneOffset.UTC);
        }

        /** DMS writes dates as YYYY:MM:DD as well as YYYY-MM-DD. */
        private static String dashes(String s) {
            if (s.length() >= 10 && s.charAt(4) == ':' && s.charAt(7) == ':') {
                return s.substring(0, 4) + '-' + s.substring(5, 7) + '-' + s.substring(8);
            }
            return s;
        }

        private static void checkDigits(int nanos, int digits) {
            if (digits < 0 || digits >= 9) {
                return;
            }
            int unit = (int) Math.pow(10, 9 - digits);
            if (nanos % unit != 0) {
                throw new IllegalArgumentException("has more than " + digits + " fractional second digits, which the column "
                        + "would round away");
            }
        }
    }
}
