package dev.ferry.postgres;

import dev.ferry.core.model.Interval;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * The text input form PostgreSQL accepts for each neutral value class: used where a value goes
 * into a text column or a text parameter. Exact: parsing the text gives the same value back.
 */
public final class PgText {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private PgText() {
    }

    public static String format(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Boolean b) {
            return b ? "t" : "f";
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        if (v instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (v instanceof LocalDate d) {
            if (d.equals(LocalDate.MAX)) {
                return "infinity";
            }
            if (d.equals(LocalDate.MIN)) {
                return "-infinity";
            }
            return date(d) + era(d.getYear());
        }
        if (v instanceof LocalDateTime t) {
            if (t.equals(LocalDateTime.MAX)) {
                return "infinity";
            }
            if (t.equals(LocalDateTime.MIN)) {
                return "-infinity";
            }
            return date(t.toLocalDate()) + " " + TIME.format(t.toLocalTime()) + era(t.getYear());
        }
        if (v instanceof Instant i) {
            if (i.equals(Instant.MAX)) {
                return "infinity";
            }
            if (i.equals(Instant.MIN)) {
                return "-infinity";
            }
            LocalDateTime t = LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(), ZoneOffset.UTC);
            return date(t.toLocalDate()) + " " + TIME.format(t.toLocalTime()) + "+00" + era(t.getYear());
        }
        if (v instanceof LocalTime t) {
            return TIME.format(t);
        }
        if (v instanceof OffsetTime t) {
            return TIME.format(t.toLocalTime()) + t.getOffset().getId().replace("Z", "+00:00");
        }
        if (v instanceof Interval i) {
            return i.months() + " mons " + i.days() + " days " + i.micros() + " microseconds";
        }
        return v.toString();
    }

    /** yyyy-mm-dd, with BC years as PostgreSQL writes them (year 0 is 1 BC); the era goes at the end. */
    private static String date(LocalDate d) {
        int year = d.getYear();
        int shown = year <= 0 ? 1 - year : year;
        return String.format("%04d-%02d-%02d", shown, d.getMonthValue(), d.getDayOfMonth());
    }

    private static String era(int year) {
        return year <= 0 ? " BC" : "";
    }
}
