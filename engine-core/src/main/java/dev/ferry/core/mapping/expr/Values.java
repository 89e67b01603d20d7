package dev.ferry.core.mapping.expr;

import dev.ferry.core.model.Interval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * SQLite's value semantics (sqlite.org/datatype3.html), over the classes an expression computes
 * with: {@code null}, {@link Long} (INTEGER), {@link Double} (REAL), {@link String} (TEXT),
 * {@code byte[]} (BLOB) and, a Ferry addition, {@link BigDecimal} for DECIMAL columns, which
 * behaves as a number but stays exact. The conversions follow SQLite 3.40's C code
 * ({@code sqlite3AtoF}, {@code sqlite3Atoi64}, {@code computeNumericType}, {@code %!.15g}); the
 * differential test checks them against a real sqlite3.
 */
final class Values {
    static final Long ZERO = 0L;
    static final Long ONE = 1L;

    private Values() {
    }

    static Long bool(boolean b) {
        return b ? ONE : ZERO;
    }

    // ---- from a row -------------------------------------------------------------------------

    /** A row value (classes as TypeKind documents) as an expression value. */
    static Object fromRow(Object v) {
        if (v == null || v instanceof Long || v instanceof String || v instanceof Double
                || v instanceof BigDecimal || v instanceof byte[]) {
            return v;
        }
        if (v instanceof Integer i) {
            return (long) i;
        }
        if (v instanceof Short s) {
            return (long) s;
        }
        if (v instanceof Byte b) {
            return (long) b;
        }
        if (v instanceof Boolean b) {
            return bool(b);
        }
        if (v instanceof Float f) {
            return (double) f;
        }
        if (v instanceof LocalDateTime t) {
            return dateTimeText(t);
        }
        if (v instanceof LocalDate d) {
            return dateText(d);
        }
        if (v instanceof LocalTime t) {
            return timeText(t, new StringBuilder(18)).toString();
        }
        if (v instanceof Instant i) {
            if (i.equals(Instant.MAX)) {
                return "infinity";
            }
            if (i.equals(Instant.MIN)) {
                return "-infinity";
            }
            return dateTimeText(LocalDateTime.ofInstant(i, ZoneOffset.UTC));
        }
        if (v instanceof OffsetTime t) {
            StringBuilder sb = timeText(t.toLocalTime(), new StringBuilder(24));
            return sb.append(t.getOffset().getTotalSeconds() == 0 ? "+00:00" : t.getOffset().getId()).toString();
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof Interval || v instanceof java.util.UUID) {
            return v.toString();
        }
        return v.toString();
    }

    static String dateText(LocalDate d) {
        if (d.equals(LocalDate.MAX)) {
            return "infinity";
        }
        if (d.equals(LocalDate.MIN)) {
            return "-infinity";
        }
        StringBuilder sb = new StringBuilder(10);
        appendDate(sb, d.getYear(), d.getMonthValue(), d.getDayOfMonth());
        return sb.toString();
    }

    static String dateTimeText(LocalDateTime t) {
        if (t.equals(LocalDateTime.MAX)) {
            return "infinity";
        }
        if (t.equals(LocalDateTime.MIN)) {
            return "-infinity";
        }
        StringBuilder sb = new StringBuilder(29);
        appendDate(sb, t.getYear(), t.getMonthValue(), t.getDayOfMonth());
        sb.append(' ');
        return timeText(t.toLocalTime(), sb).toString();
    }

    private static void appendDate(StringBuilder sb, int y, int m, int d) {
        if (y < 0) {
            sb.append('-');
            y = -y;
        }
        pad(sb, y, 4).append('-');
        pad(sb, m, 2).append('-');
        pad(sb, d, 2);
    }

    /** HH:MM:SS, then the fraction without trailing zeros when there is one. */
    private static StringBuilder timeText(LocalTime t, StringBuilder sb) {
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            sb.append('.');
            pad(sb, nanos, digits);
        }
        return sb;
    }

    static StringBuilder pad(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    // ---- type names -------------------------------------------------------------------------

    /** SQLite's typeof(); a DECIMAL value answers "real", the class SQLite would hold it in. */
    static String typeof(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Long) {
            return "integer";
        }
        if (v instanceof Double || v instanceof BigDecimal) {
            return "real";
        }
        if (v instanceof String) {
            return "text";
        }
        return "blob";
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof BigDecimal;
    }

    // ---- to text / blob ---------------------------------------------------------------------

    /** The value as TEXT (SQLite's sqlite3_value_text), null for NULL. */
    static String text(Object v) {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        if (v instanceof Long l) {
            return l.toString();
        }
        if (v instanceof Double d) {
            return realText(d);
        }
        if (v instanceof BigDecimal b) {
            return b.toPlainString();
        }
        return new String((byte[]) v, StandardCharsets.UTF_8);
    }

    static byte[] blob(Object v) {
        if (v == null || v instanceof byte[]) {
            return (byte[]) v;
        }
        return text(v).getBytes(StandardCharsets.UTF_8);
    }

    /** SQLite's REAL to TEXT conversion, printf("%!.15g"). */
    static String realText(double r) {
        return formatG(r, 15, true);
    }

    /**
     * printf's %g with {@code precision} significant digits, as SQLite's printf writes it; with
     * {@code bang} (SQLite's '!' flag) a whole number keeps ".0".
     */
    static String formatG(double r, int precision, boolean bang) {
        if (Double.isNaN(r)) {
            return "NaN";
        }
        if (Double.isInfinite(r)) {
            return r > 0 ? "Inf" : "-Inf";
        }
        if (r == 0) {
            return bang ? "0.0" : "0";
        }
        BigDecimal bd = new BigDecimal(r).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1;
        BigDecimal stripped = bd.stripTrailingZeros();
        if (exp < -4 || exp >= precision) {
            String digits = stripped.unscaledValue().abs().toString();
            StringBuilder sb = new StringBuilder(24);
            if (r < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            } else if (bang) {
                sb.append(".0");
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int ae = Math.abs(exp);
            if (ae < 10) {
                sb.append('0');
            }
            return sb.append(ae).toString();
        }
        String plain = stripped.toPlainString();
        if (bang && plain.indexOf('.') < 0) {
            return plain + ".0";
        }
        return plain;
    }

    // ---- text to numbers (SQLite's sqlite3AtoF, sqlite3Atoi64) ------------------------------

    /** Result of {@link #atof}: rc as sqlite3AtoF returns it (1 pure integer, 2+ pure real, -1 a real prefix, 0 else), and the prefix's value. */
    record AtoF(int rc, double value) {
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == 0x0b;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static AtoF atof(String z) {
        int n = z.length();
        int i = 0;
        while (i < n && isSpace(z.charAt(i))) {
            i++;
        }
        int start = i;
        if (i < n && (z.charAt(i) == '+' || z.charAt(i) == '-')) {
            i++;
        }
        int nDigit = 0;
        int eType = 1;
        boolean eValid = true;
        while (i < n && isDigit(z.charAt(i))) {
            i++;
            nDigit++;
        }
        if (i < n && z.charAt(i) == '.') {
            i++;
            eType++;
            while (i < n && isDigit(z.charAt(i))) {
                i++;
                nDigit++;
            }
        }
        int numEnd = i;
        if (i < n && (z.charAt(i) == 'e' || z.charAt(i) == 'E')) {
            i++;
            eValid = false;
            eType++;
            if (i < n && (z.charAt(i) == '+' || z.charAt(i) == '-')) {
                i++;
            }
            while (i < n && isDigit(z.charAt(i))) {
                i++;
                eValid = true;
            }
            if (eValid) {
                numEnd = i;
            }
        }
        while (i < n && isSpace(z.charAt(i))) {
            i++;
        }
        double value = 0.0;
        if (nDigit > 0) {
            value = Double.parseDouble(z.substring(start, numEnd));
        }
        int rc;
        if (i == n && nDigit > 0 && eValid) {
            rc = eType;
        } else if (eType >= 2 && (eType == 3 || eValid) && nDigit > 0) {
            rc = -1;
        } else {
            rc = 0;
        }
        return new AtoF(rc, value);
    }

    /** sqlite3Atoi64's return code for z: 0 an integer, 1 extra text after one (or none), 2 too big, 3 exactly 2^63; -1 no digits. */
    static int atoi64Rc(String z) {
        return (int) atoi64(z, true);
    }

    /** sqlite3Atoi64's value for z (the integer prefix, saturated). */
    static long atoi64Value(String z) {
        return atoi64(z, false);
    }

    private static long atoi64(String z, boolean wantRc) {
        int n = z.length();
        int i = 0;
        while (i < n && isSpace(z.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && z.charAt(i) == '-') {
            neg = true;
            i++;
        } else if (i < n && z.charAt(i) == '+') {
            i++;
        }
        int zStart = i;
        while (i < n && z.charAt(i) == '0') {
            i++;
        }
        int digitsStart = i;
        while (i < n && isDigit(z.charAt(i))) {
            i++;
        }
        int nd = i - digitsStart;
        int rc = 0;
        if (nd == 0 && digitsStart == zStart) {
            rc = -1;
        } else if (i < n) {
            for (int j = i; j < n; j++) {
                if (!isSpace(z.charAt(j))) {
                    rc = 1;
                    break;
                }
            }
        }
        long value;
        if (nd < 19) {
            long u = 0;
            for (int k = digitsStart; k < i; k++) {
                u = u * 10 + (z.charAt(k) - '0');
            }
            value = neg ? -u : u;
        } else {
            int c = nd > 19 ? 1 : z.substring(digitsStart, i).compareTo("9223372036854775808");
            if (c < 0) {
                long u = Long.parseLong(z.substring(digitsStart, i));
                value = neg ? -u : u;
            } else {
                value = neg ? Long.MIN_VALUE : Long.MAX_VALUE;
                if (c > 0) {
                    rc = 2;
                } else if (!neg) {
                    rc = 3;
                }
            }
        }
        return wantRc ? rc : value;
    }

    /** TEXT or BLOB as a number for arithmetic (SQLite 3.40's computeNumericType). */
    static Object numericOfText(String z) {
        AtoF a = atof(z);
        if ((a.rc == 0 || a.rc == 1) && atoi64Rc(z) <= 1) {
            return atoi64Value(z);
        }
        return a.value;
    }

    /** TEXT as CAST(... AS NUMERIC) reads it (sqlite3VdbeMemNumerify): a REAL that is a whole number becomes an INTEGER. */
    static Object castNumeric(String z) {
        AtoF a = atof(z);
        if ((a.rc == 0 || a.rc == 1) && atoi64Rc(z) <= 1) {
            return atoi64Value(z);
        }
        long ix = doubleToLong(a.value);
        if (a.value == 0.0 || (a.value == (double) ix && ix >= -2251799813685248L && ix < 2251799813685248L)) {
            return ix;
        }
        return a.value;
    }

    /** Any value as a number for arithmetic: NULL stays null. */
    static Object numeric(Object v) {
        if (v == null || isNumber(v)) {
            return v;
        }
        return numericOfText(text(v));
    }

    /** SQLite's sqlite3VdbeIntValue. */
    static long toLong(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v == null) {
            return 0;
        }
        if (v instanceof Double d) {
            return doubleToLong(d);
        }
        if (v instanceof BigDecimal b) {
            return doubleToLongOrExact(b);
        }
        return atoi64Value(text(v));
    }

    private static long doubleToLongOrExact(BigDecimal b) {
        BigDecimal t = b.setScale(0, RoundingMode.DOWN);
        if (t.unscaledValue().bitLength() < 64) {
            return t.longValueExact();
        }
        return b.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    static long doubleToLong(double r) {
        if (r <= (double) Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (r >= (double) Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return (long) r;
    }

    /** SQLite's sqlite3VdbeRealValue. */
    static double toDouble(Object v) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v == null) {
            return 0.0;
        }
        if (v instanceof BigDecimal b) {
            return b.doubleValue();
        }
        return atof(text(v)).value;
    }

    /** A non-NULL value's truth (SQLite's sqlite3VdbeBooleanValue). */
    static boolean isTrue(Object v) {
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof BigDecimal b) {
            return b.signum() != 0;
        }
        return toDouble(v) != 0.0;
    }

    static BigDecimal decimal(Object number) {
        if (number instanceof BigDecimal b) {
            return b;
        }
        if (number instanceof Long l) {
            return BigDecimal.valueOf(l);
        }
        return BigDecimal.valueOf((Double) number);
    }

    // ---- affinity (datatype3.html section 3 and 4.2) ----------------------------------------

    /** NUMERIC affinity applied to a TEXT value (applyNumericAffinity): a whole-text number becomes one. */
    static Object numericAffinity(Object v) {
        if (!(v instanceof String s)) {
            return v;
        }
        AtoF a = atof(s);
        if (a.rc <= 0) {
            return v;
        }
        if (a.rc == 1 && atoi64Rc(s) == 0) {
            return atoi64Value(s);
        }
        return a.value;
    }

    /** TEXT affinity applied to a number: its text. */
    static Object textAffinity(Object v) {
        return isNumber(v) ? text(v) : v;
    }

    // ---- comparison (sqlite3MemCompare, BINARY collation) -----------------------------------

    private static int rank(Object v) {
        if (v == null) {
            return 0;
        }
        if (isNumber(v)) {
            return 1;
        }
        return v instanceof String ? 2 : 3;
    }

    /** Total order of SQLite values: NULL, numbers, text (by code point, as UTF-8 bytes), blobs. */
    static int compare(Object a, Object b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return ra < rb ? -1 : 1;
        }
        switch (ra) {
            case 0:
                return 0;
            case 1:
                return compareNumbers(a, b);
            case 2:
                return compareText((String) a, (String) b);
            default:
                return compareBlobs((byte[]) a, (byte[]) b);
        }
    }

    static int compareNumbers(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            return Double.compare(x == 0.0 ? 0.0 : x, y == 0.0 ? 0.0 : y);
        }
        if (a instanceof Long x && b instanceof Double y) {
            return intFloatCompare(x, y);
        }
        if (a instanceof Double x && b instanceof Long y) {
            return -intFloatCompare(y, x);
        }
        // a DECIMAL on one side at least: compare exactly, an infinite REAL being beyond every decimal
        if (a instanceof Double x && Double.isInfinite(x)) {
            return x > 0 ? 1 : -1;
        }
        if (b instanceof Double y && Double.isInfinite(y)) {
            return y > 0 ? -1 : 1;
        }
        return decimal(a).compareTo(decimal(b));
    }

    /** sqlite3IntFloatCompare: an INTEGER against a REAL, exactly. */
    private static int intFloatCompare(long i, double r) {
        if (Double.isNaN(r)) {
            return 1;
        }
        if (r < -9223372036854775808.0) {
            return 1;
        }
        if (r >= 9223372036854775808.0) {
            return -1;
        }
        long y = (long) r;
        if (i < y) {
            return -1;
        }
        if (i > y) {
            return 1;
        }
        double s = (double) i;
        return Double.compare(s, r) < 0 ? -1 : (s > r ? 1 : 0);
    }

    static int compareText(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // UTF-8 byte order is code point order; UTF-16 orders surrogates below U+E000..U+FFFF
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx != sy) {
                    return sx ? 1 : -1;
                }
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    static int compareBlobs(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(a[i] & 0xff, b[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
