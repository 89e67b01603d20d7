package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** The time forms of DMS's CDC parameters: {@code 2018-02-09T12:12:12} (UTC), or with {@code Z} or an offset. */
final class CdcTimes {

    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?");

    private CdcTimes() {
    }

    static boolean looksLikeTime(String v) {
        return TIME.matcher(v).matches();
    }

    /**
     * @param epochSeconds whether a whole number is read as seconds since 1970 (CdcStartTime, which
     *                     the DMS API takes as a timestamp and Terraform as a Unix time)
     */
    static Instant parse(String key, String v, boolean epochSeconds) {
        if (epochSeconds && v.matches("\\d{1,12}")) {
            return Instant.ofEpochSecond(Long.parseLong(v));
        }
        if (looksLikeTime(v)) {
            String t = v.replace(' ', 'T');
            try {
                if (t.endsWith("Z") || t.matches(".*[+-]\\d{2}:?\\d{2}$")) {
                    return OffsetDateTime.parse(t.matches(".*[+-]\\d{4}$") ? t.substring(0, t.length() - 2) + ":"
                            + t.substring(t.length() - 2) : t).toInstant();
                }
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new ConfigurationException(key + " '" + v + "' is not a valid time: " + e.getMessage());
            }
        }
        throw new ConfigurationException(key + " '" + v + "' is not a time: expected YYYY-MM-DDThh:mm:ss (UTC), optionally with Z or "
                + "an offset" + (epochSeconds ? ", or seconds since 1970-01-01" : ""));
    }
}
