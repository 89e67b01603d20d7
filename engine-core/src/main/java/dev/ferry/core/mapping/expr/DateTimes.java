package dev.ferry.core.mapping.expr;

import java.util.Locale;

/**
 * SQLite's date and time functions (sqlite.org/lang_datefunc.html), ported from SQLite 3.40's
 * date.c so that results match to the millisecond: time values in the forms SQLite reads, a
 * Julian day number, {@code 'now'}; the modifiers {@code NNN days|hours|minutes|seconds|months|years},
 * {@code ±HH:MM[:SS.SSS]}, {@code start of month|year|day}, {@code weekday N}, {@code unixepoch},
 * {@code julianday}, {@code auto}, {@code localtime}, {@code utc}.
 * <p>
 * Two choices make results deterministic, so that a change applied twice gives the same row:
 * {@code 'now'} is the change's time (the header timestamp), and the local time zone is UTC
 * ({@code localtime} and {@code utc} change nothing), as on DMS replication instances.
 */
final class DateTimes {
    private DateTimes() {
    }

    private static final long JD_UNIX_EPOCH_MS = 210866760000000L;

    /** The state date.c calls DateTime. */
    private static final class DT {
        long iJD;
        int y;
        int mo;
        int d;
        int h;
        int mi;
        int tz;
        double s;
        boolean validJD;
        boolean rawS;
        boolean validYMD;
        boolean validHMS;
        boolean validTZ;
        boolean tzSet;
        boolean isError;
    }

    // ---- the SQL functions ------------------------------------------------------------------

    static Object date(Object[] args, ChangeHeader h) {
        DT x = isDate(args, 0, h);
        if (x == null) {
            return null;
        }
        computeYMD(x);
        return ymd(new StringBuilder(10), x).toString();
    }

    static Object time(Object[] args, ChangeHeader h) {
        DT x = isDate(args, 0, h);
        if (x == null) {
            return null;
        }
        computeHMS(x);
        return hms(new StringBuilder(8), x).toString();
    }

    static Object datetime(Object[] args, ChangeHeader h) {
        DT x = isDate(args, 0, h);
        if (x == null) {
            return null;
        }
        computeYMD(x);
        computeHMS(x);
        StringBuilder sb = ymd(new StringBuilder(19), x).append(' ');
        return hms(sb, x).toString();
    }

    static Object julianday(Object[] args, ChangeHeader h) {
        DT x = isDate(args, 0, h);
        if (x == null) {
            return null;
        }
        computeJD(x);
        return x.iJD / 86400000.0;
    }

    static Object strftime(Object[] args, ChangeHeader h) {
        if (args.length == 0 || args[0] == null) {
            return null;
        }
        String fmt = Values.text(args[0]);
        DT x = isDate(args, 1, h);
        if (x == null) {
            return null;
        }
        for (int i = 0; i < fmt.length(); i++) {
            if (fmt.charAt(i) == '%') {
                if (i + 1 >= fmt.length() || "dHmMSWwfjYsJ%".indexOf(fmt.charAt(i + 1)) < 0) {
                    return null;
                }
                i++;
            }
        }
        computeJD(x);
        computeYMD(x);
        computeHMS(x);
        StringBuilder sb = new StringBuilder(fmt.length() + 16);
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            i++;
            switch (fmt.charAt(i)) {
                case 'd' -> Values.pad(sb, x.d, 2);
                case 'f' -> {
                    double s = x.s;
                    if (s > 59.999) {
                        s = 59.999;
                    }
                    sb.append(String.format(Locale.ROOT, "%06.3f", s));
                }
                case 'H' -> Values.pad(sb, x.h, 2);
                case 'W', 'j' -> {
                    DT y = new DT();
                    y.y = x.y;
                    y.mo = 1;
                    y.d = 1;
                    y.validYMD = true;
                    computeJD(y);
                    int nDay = (int) ((x.iJD - y.iJD + 43200000) / 86400000);
                    if (fmt.charAt(i) == 'W') {
                        int wd = (int) (((x.iJD + 43200000) / 86400000) % 7);
                        Values.pad(sb, (nDay + 7 - wd) / 7, 2);
                    } else {
                        Values.pad(sb, nDay + 1, 3);
                    }
                }
                case 'J' -> sb.append(Values.formatG(x.iJD / 86400000.0, 16, false));
                case 'm' -> Values.pad(sb, x.mo, 2);
                case 'M' -> Values.pad(sb, x.mi, 2);
                case 's' -> sb.append(x.iJD / 1000 - 21086676L * 10000);
                case 'S' -> Values.pad(sb, (int) x.s, 2);
                case 'w' -> sb.append((char) ('0' + ((x.iJD + 129600000) / 86400000) % 7));
                case 'Y' -> Values.pad(sb, x.y, 4);
                default -> sb.append('%');
            }
        }
        return sb.toString();
    }

    private static StringBuilder ymd(StringBuilder sb, DT x) {
        int y = x.y;
        if (y < 0) {
            sb.append('-');
            y = -y;
        }
        Values.pad(sb, y, 4).append('-');
        Values.pad(sb, x.mo, 2).append('-');
        return Values.pad(sb, x.d, 2);
    }

    private static StringBuilder hms(StringBuilder sb, DT x) {
        Values.pad(sb, x.h, 2).append(':');
        Values.pad(sb, x.mi, 2).append(':');
        return Values.pad(sb, (int) x.s, 2);
    }

    // ---- date.c -----------------------------------------------------------------------------

    /** Reads args[from] as a time value and applies the modifiers after it; null when not a valid date. */
    private static DT isDate(Object[] args, int from, ChangeHeader h) {
        DT p = new DT();
        if (args.length == from) {
            setNow(p, h);
        } else {
            Object v = args[from];
            if (v == null) {
                return null;
            }
            if (Values.isNumber(v)) {
                setRawDateNumber(p, Values.toDouble(v));
            } else if (parseDateOrTime(Values.text(v), p, h)) {
                return null;
            }
            for (int i = from + 1; i < args.length; i++) {
                if (args[i] == null || parseModifier(Values.text(args[i]), p, i - from)) {
                    return null;
                }
            }
        }
        computeJD(p);
        if (p.isError || !validJulianDay(p.iJD)) {
            return null;
        }
        return p;
    }

    private static void setNow(DT p, ChangeHeader h) {
        p.iJD = h.timestamp().toEpochMilli() + JD_UNIX_EPOCH_MS;
        p.validJD = true;
    }

    private static boolean validJulianDay(long iJD) {
        return iJD >= 0 && iJD <= 464269060799999L;
    }

    private static void datetimeError(DT p) {
        p.isError = true;
        p.validJD = p.validYMD = p.validHMS = p.validTZ = p.rawS = false;
    }

    private static void setRawDateNumber(DT p, double r) {
        p.s = r;
        p.rawS = true;
        if (r >= 0.0 && r < 5373484.5) {
            p.iJD = (long) (r * 86400000.0 + 0.5);
            p.validJD = true;
        }
    }

    private static boolean parseDateOrTime(String z, DT p, ChangeHeader h) {
        if (!parseYyyyMmDd(z, p)) {
            return false;
        }
        if (!parseHhMmSs(z, 0, p)) {
            return false;
        }
        if (z.equalsIgnoreCase("now")) {
            setNow(p, h);
            return false;
        }
        Values.AtoF a = Values.atof(z);
        if (a.rc() > 0) {
            setRawDateNumber(p, a.value());
            return false;
        }
        return true;
    }

    /** Reads {@code count} fixed-width digit groups: returns the values or null. */
    private static int digits(String z, int at, int width, int min, int max) {
        if (at + width > z.length()) {
            return -1;
        }
        int v = 0;
        for (int k = 0; k < width; k++) {
            char c = z.charAt(at + k);
            if (!Values.isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v < min || v > max ? -1 : v;
    }

    /** Returns true on error (as date.c does). */
    private static boolean parseYyyyMmDd(String z, DT p) {
        int i = 0;
        boolean neg = false;
        if (z.startsWith("-")) {
            i++;
            neg = true;
        }
        int y = digits(z, i, 4, 0, 9999);
        if (y < 0 || i + 4 >= z.length() || z.charAt(i + 4) != '-') {
            return true;
        }
        int m = digits(z, i + 5, 2, 1, 12);
        if (m < 0 || i + 7 >= z.length() || z.charAt(i + 7) != '-') {
            return true;
        }
        int d = digits(z, i + 8, 2, 1, 31);
        if (d < 0) {
            return true;
        }
        i += 10;
        while (i < z.length() && (Values.isSpace(z.charAt(i)) || z.charAt(i) == 'T')) {
            i++;
        }
        if (!parseHhMmSs(z, i, p)) {
            // got the time
        } else if (i == z.length()) {
            p.validHMS = false;
        } else {
            return true;
        }
        p.validJD = false;
        p.validYMD = true;
        p.y = neg ? -y : y;
        p.mo = m;
        p.d = d;
        if (p.validTZ) {
            computeJD(p);
        }
        return false;
    }

    /** Returns true on error. */
    private static boolean parseHhMmSs(String z, int i, DT p) {
        int h = digits(z, i, 2, 0, 24);
        if (h < 0 || i + 2 >= z.length() || z.charAt(i + 2) != ':') {
            return true;
        }
        int m = digits(z, i + 3, 2, 0, 59);
        if (m < 0) {
            return true;
        }
        i += 5;
        int s;
        double ms = 0.0;
        if (i < z.length() && z.charAt(i) == ':') {
            i++;
            s = digits(z, i, 2, 0, 59);
            if (s < 0) {
                return true;
            }
            i += 2;
            if (i + 1 < z.length() && z.charAt(i) == '.' && Values.isDigit(z.charAt(i + 1))) {
                double scale = 1.0;
                i++;
                while (i < z.length() && Values.isDigit(z.charAt(i))) {
                    ms = ms * 10.0 + (z.charAt(i) - '0');
                    scale *= 10.0;
                    i++;
                }
                ms /= scale;
            }
        } else {
            s = 0;
        }
        p.validJD = false;
        p.rawS = false;
        p.validHMS = true;
        p.h = h;
        p.mi = m;
        p.s = s + ms;
        if (parseTimezone(z, i, p)) {
            return true;
        }
        p.validTZ = p.tz != 0;
        return false;
    }

    private static boolean parseTimezone(String z, int i, DT p) {
        while (i < z.length() && Values.isSpace(z.charAt(i))) {
            i++;
        }
        p.tz = 0;
        if (i == z.length()) {
            return false;
        }
        char c = z.charAt(i);
        int sgn;
        if (c == '-') {
            sgn = -1;
        } else if (c == '+') {
            sgn = 1;
        } else if (c == 'Z' || c == 'z') {
            i++;
            return zulu(z, i, p);
        } else {
            return true;
        }
        i++;
        int hr = digits(z, i, 2, 0, 14);
        if (hr < 0 || i + 2 >= z.length() || z.charAt(i + 2) != ':') {
            return true;
        }
        int mn = digits(z, i + 3, 2, 0, 59);
        if (mn < 0) {
            return true;
        }
        i += 5;
        p.tz = sgn * (mn + hr * 60);
        return zulu(z, i, p);
    }

    private static boolean zulu(String z, int i, DT p) {
        while (i < z.length() && Values.isSpace(z.charAt(i))) {
            i++;
        }
        p.tzSet = true;
        return i != z.length();
    }

    private static void computeJD(DT p) {
        if (p.validJD) {
            return;
        }
        int y;
        int m;
        int d;
        if (p.validYMD) {
            y = p.y;
            m = p.mo;
            d = p.d;
        } else {
            y = 2000;
            m = 1;
            d = 1;
        }
        if (y < -4713 || y > 9999 || p.rawS) {
            datetimeError(p);
            return;
        }
        if (m <= 2) {
            y--;
            m += 12;
        }
        int a = y / 100;
        int b = 2 - a + (a / 4);
        int x1 = 36525 * (y + 4716) / 100;
        int x2 = 306001 * (m + 1) / 10000;
        p.iJD = (long) ((x1 + x2 + d + b - 1524.5) * 86400000);
        p.validJD = true;
        if (p.validHMS) {
            p.iJD += p.h * 3600000L + p.mi * 60000L + (long) (p.s * 1000 + 0.5);
            if (p.validTZ) {
                p.iJD -= p.tz * 60000L;
                p.validYMD = false;
                p.validHMS = false;
                p.validTZ = false;
            }
        }
    }

    private static void computeYMD(DT p) {
        if (p.validYMD) {
            return;
        }
        if (!p.validJD) {
            p.y = 2000;
            p.mo = 1;
            p.d = 1;
        } else if (!validJulianDay(p.iJD)) {
            datetimeError(p);
            return;
        } else {
            int z = (int) ((p.iJD + 43200000) / 86400000);
            int a = (int) ((z - 1867216.25) / 36524.25);
            a = z + 1 + a - (a / 4);
            int b = a + 1524;
            int c = (int) ((b - 122.1) / 365.25);
            int d = (36525 * (c & 32767)) / 100;
            int e = (int) ((b - d) / 30.6001);
            int x1 = (int) (30.6001 * e);
            p.d = b - d - x1;
            p.mo = e < 14 ? e - 1 : e - 13;
            p.y = p.mo > 2 ? c - 4716 : c - 4715;
        }
        p.validYMD = true;
    }

    private static void computeHMS(DT p) {
        if (p.validHMS) {
            return;
        }
        computeJD(p);
        int s = (int) ((p.iJD + 43200000) % 86400000);
        p.s = s / 1000.0;
        s = (int) p.s;
        p.s -= s;
        p.h = s / 3600;
        s -= p.h * 3600;
        p.mi = s / 60;
        p.s += s - p.mi * 60;
        p.rawS = false;
        p.validHMS = true;
    }

    private static void computeYMDHMS(DT p) {
        computeYMD(p);
        computeHMS(p);
    }

    private static void clearYMDHMSTZ(DT p) {
        p.validYMD = false;
        p.validHMS = false;
        p.validTZ = false;
    }

    private static final String[] XFORM_NAMES = {"second", "minute", "hour", "day", "month", "year"};
    private static final double[] XFORM_LIMIT = {4.6427e+14, 7.7379e+12, 1.2897e+11, 5373485.0, 176546.0, 14713.0};
    private static final double[] XFORM_SECONDS = {1.0, 60.0, 3600.0, 86400.0, 2592000.0, 31536000.0};

    /** Applies one modifier; true on error. {@code idx} is the modifier's position, 1 for the first. */
    private static boolean parseModifier(String z, DT p, int idx) {
        if (z.isEmpty()) {
            return true;
        }
        String lower = z.toLowerCase(Locale.ROOT);
        char first = lower.charAt(0);
        switch (first) {
            case 'a':
                if (lower.equals("auto")) {
                    if (idx > 1) {
                        return true;
                    }
                    if (!p.rawS || p.validJD) {
                        p.rawS = false;
                        return false;
                    }
                    if (p.s >= -21086676 * 10000.0 && p.s <= 25340230 * 10000.0 + 799) {
                        double r = p.s * 1000.0 + 210866760000000.0;
                        clearYMDHMSTZ(p);
                        p.iJD = (long) (r + 0.5);
                        p.validJD = true;
                        p.rawS = false;
                        return false;
                    }
                }
                return true;
            case 'j':
                if (lower.equals("julianday")) {
                    if (idx > 1) {
                        return true;
                    }
                    if (p.validJD && p.rawS) {
                        p.rawS = false;
                        return false;
                    }
                }
                return true;
            case 'l':
                if (lower.equals("localtime")) {
                    computeJD(p);
                    clearYMDHMSTZ(p);
                    return p.isError;
                }
                return true;
            case 'u':
                if (lower.equals("unixepoch") && p.rawS) {
                    if (idx > 1) {
                        return true;
                    }
                    double r = p.s * 1000.0 + 210866760000000.0;
                    if (r >= 0.0 && r < 464269060800000.0) {
                        clearYMDHMSTZ(p);
                        p.iJD = (long) (r + 0.5);
                        p.validJD = true;
                        p.rawS = false;
                        return false;
                    }
                    return true;
                }
                if (lower.equals("utc")) {
                    computeJD(p);
                    clearYMDHMSTZ(p);
                    return p.isError;
                }
                return true;
            case 'w':
                if (lower.startsWith("weekday ")) {
                    Values.AtoF a = Values.atof(z.substring(8));
                    int n = (int) a.value();
                    if (a.rc() > 0 && n == a.value() && n >= 0 && a.value() < 7) {
                        computeYMDHMS(p);
                        p.validTZ = false;
                        p.validJD = false;
                        computeJD(p);
                        long zz = ((p.iJD + 129600000) / 86400000) % 7;
                        if (zz > n) {
                            zz -= 7;
                        }
                        p.iJD += (n - zz) * 86400000L;
                        clearYMDHMSTZ(p);
                        return false;
                    }
                }
                return true;
            case 's': {
                if (!lower.startsWith("start of ")) {
                    return true;
                }
                if (!p.validJD && !p.validYMD && !p.validHMS) {
                    return true;
                }
                String what = lower.substring(9);
                computeYMD(p);
                p.validHMS = true;
                p.h = 0;
                p.mi = 0;
                p.s = 0.0;
                p.rawS = false;
                p.validTZ = false;
                p.validJD = false;
                if (what.equals("month")) {
                    p.d = 1;
                    return false;
                }
                if (what.equals("year")) {
                    p.mo = 1;
                    p.d = 1;
                    return false;
                }
                return !what.equals("day");
            }
            case '+': case '-': case '0': case '1': case '2': case '3': case '4':
            case '5': case '6': case '7': case '8': case '9':
                return shift(z, p);
            default:
                return true;
        }
    }

    private static boolean shift(String z, DT p) {
        int n = 1;
        while (n < z.length() && z.charAt(n) != ':' && !Values.isSpace(z.charAt(n))) {
            n++;
        }
        Values.AtoF a = Values.atof(z.substring(0, n));
        if (a.rc() <= 0) {
            return true;
        }
        double r = a.value();
        if (n < z.length() && z.charAt(n) == ':') {
            // (+|-)HH:MM[:SS.FFF] adds or subtracts that much time
            int start = Values.isDigit(z.charAt(0)) ? 0 : 1;
            DT tx = new DT();
            if (parseHhMmSs(z, start, tx)) {
                return true;
            }
            computeJD(tx);
            tx.iJD -= 43200000;
            long day = tx.iJD / 86400000;
            tx.iJD -= day * 86400000;
            if (z.charAt(0) == '-') {
                tx.iJD = -tx.iJD;
            }
            computeJD(p);
            clearYMDHMSTZ(p);
            p.iJD += tx.iJD;
            return false;
        }
        // "+NNN days" and the like
        int k = n;
        while (k < z.length() && Values.isSpace(z.charAt(k))) {
            k++;
        }
        String unit = z.substring(k);
        int len = unit.length();
        if (len > 10 || len < 3) {
            return true;
        }
        if (Character.toLowerCase(unit.charAt(len - 1)) == 's') {
            len--;
        }
        unit = unit.substring(0, len).toLowerCase(Locale.ROOT);
        computeJD(p);
        boolean rc = true;
        double rounder = r < 0 ? -0.5 : 0.5;
        for (int i = 0; i < XFORM_NAMES.length; i++) {
            if (XFORM_NAMES[i].equals(unit) && r > -XFORM_LIMIT[i] && r < XFORM_LIMIT[i]) {
                if (i == 4) {
                    computeYMDHMS(p);
                    p.mo += (int) r;
                    int x = p.mo > 0 ? (p.mo - 1) / 12 : (p.mo - 12) / 12;
                    p.y += x;
                    p.mo -= x * 12;
                    p.validJD = false;
                    r -= (int) r;
                } else if (i == 5) {
                    computeYMDHMS(p);
                    p.y += (int) r;
                    p.validJD = false;
                    r -= (int) r;
                }
                computeJD(p);
                p.iJD += (long) (r * 1000.0 * XFORM_SECONDS[i] + rounder);
                rc = false;
                break;
            }
        }
        clearYMDHMSTZ(p);
        return rc;
    }
}
