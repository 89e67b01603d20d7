package dev.ferry.core.mapping.expr;

import dev.ferry.core.mapping.expr.Node.EvalException;
import dev.ferry.core.model.LogicalType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The functions an expression may call: those the DMS guide lists (SQLite's core functions with
 * SQLite's semantics, DMS's {@code hash_sha256}, {@code replaceChars} and
 * {@code operation_indicator}) and a few more of SQLite's ({@code typeof}, {@code instr},
 * {@code iif}). Names are case-insensitive, as in SQLite.
 */
final class Functions {
    private Functions() {
    }

    interface F1 {
        Object apply(Object a);
    }

    interface F2 {
        Object apply(Object a, Object b);
    }

    interface F3 {
        Object apply(Object a, Object b, Object c);
    }

    interface FN {
        Object apply(Object[] args, ChangeHeader h);
    }

    /** Builds the node of one call; arguments already counted. */
    interface Builder {
        Node build(String name, List<Node> args, int offset);
    }

    record Spec(int min, int max, Builder builder) {
        String arity() {
            if (min == max) {
                return min + (min == 1 ? " argument" : " arguments");
            }
            if (max == Integer.MAX_VALUE) {
                return "at least " + min + (min == 1 ? " argument" : " arguments");
            }
            return max == min + 1 ? min + " or " + max + " arguments" : min + " to " + max + " arguments";
        }
    }

    static final Map<String, Spec> ALL = new TreeMap<>();

    private static void fixed(String name, LogicalType type, F1 f) {
        ALL.put(name, new Spec(1, 1, (n, a, off) -> new Call1(f, a.get(0), type, off)));
    }

    private static void fixed(String name, LogicalType type, F2 f) {
        ALL.put(name, new Spec(2, 2, (n, a, off) -> new Call2(f, a.get(0), a.get(1), type, off)));
    }

    private static void fixed(String name, LogicalType type, F3 f) {
        ALL.put(name, new Spec(3, 3, (n, a, off) -> new Call3(f, a.get(0), a.get(1), a.get(2), type, off)));
    }

    private static void variadic(String name, int min, int max, LogicalType type, FN f) {
        ALL.put(name, new Spec(min, max, (n, a, off) -> new CallN(f, a, type, off)));
    }

    static {
        fixed("lower", Nodes.TEXT, (F1) a -> a == null ? null : asciiCase(Values.text(a), false));
        fixed("upper", Nodes.TEXT, (F1) a -> a == null ? null : asciiCase(Values.text(a), true));
        fixed("length", Nodes.INT, (F1) Functions::length);
        fixed("typeof", Nodes.TEXT, (F1) Values::typeof);
        fixed("hex", Nodes.TEXT, (F1) Functions::hex);
        fixed("hash_sha256", Nodes.TEXT, (F1) Functions::sha256);
        fixed("zeroblob", Nodes.BYTES, (F1) a -> new byte[blobSize(Values.toLong(Values.numeric(a)), 0)]);
        fixed("randomblob", Nodes.BYTES, (F1) a -> randomBlob(blobSize(Values.toLong(Values.numeric(a)), 1)));
        ALL.put("random", new Spec(0, 0, (n, a, off) -> new CallN((x, h) -> ThreadLocalRandom.current().nextLong(), a, Nodes.INT, off)));
        for (String trim : List.of("trim", "ltrim", "rtrim")) {
            boolean left = !trim.equals("rtrim");
            boolean right = !trim.equals("ltrim");
            ALL.put(trim, new Spec(1, 2, (n, a, off) -> a.size() == 1
                    ? new Call1(x -> trim(x, " ", left, right), a.get(0), Nodes.TEXT, off)
                    : new Call2((x, y) -> y == null ? null : trim(x, Values.text(y), left, right), a.get(0), a.get(1), Nodes.TEXT, off)));
        }
        fixed("replace", null, (F3) Functions::replace);
        fixed("replacechars", Nodes.TEXT, (F3) Functions::replaceChars);
        ALL.put("substr", new Spec(2, 3, (n, a, off) -> a.size() == 2
                ? new Call2((x, y) -> substr(x, y, null, false), a.get(0), a.get(1), null, off)
                : new Call3((x, y, z) -> substr(x, y, z, true), a.get(0), a.get(1), a.get(2), null, off)));
        ALL.put("substring", ALL.get("substr"));
        fixed("instr", Nodes.INT, (F2) Functions::instr);
        ALL.put("abs", new Spec(1, 1, (n, a, off) -> new Call1(x -> abs(x, off), a.get(0), numericType(a.get(0)), off)));
        ALL.put("round", new Spec(1, 2, (n, a, off) -> {
            LogicalType t = a.get(0).type() != null && a.get(0).type().kind() == dev.ferry.core.model.TypeKind.DECIMAL
                    ? Nodes.DECIMAL : Nodes.REAL;
            return a.size() == 1
                    ? new Call1(x -> round(x, Values.ZERO), a.get(0), t, off)
                    : new Call2(Functions::round, a.get(0), a.get(1), t, off);
        }));
        ALL.put("coalesce", new Spec(2, Integer.MAX_VALUE, (n, a, off) -> new Coalesce(a, off)));
        ALL.put("ifnull", new Spec(2, 2, (n, a, off) -> new Coalesce(a, off)));
        fixed("nullif", null, (F2) (x, y) -> Values.compare(x, y) == 0 ? null : x);
        ALL.put("iif", new Spec(3, 3, (n, a, off) -> new Nodes.Case(null, List.of(a.get(0)), List.of(a.get(1)), a.get(2), off)));
        variadic("max", 2, Integer.MAX_VALUE, null, (x, h) -> minMax(x, true));
        variadic("min", 2, Integer.MAX_VALUE, null, (x, h) -> minMax(x, false));
        variadic("date", 0, Integer.MAX_VALUE, Nodes.TEXT, DateTimes::date);
        variadic("time", 0, Integer.MAX_VALUE, Nodes.TEXT, DateTimes::time);
        variadic("datetime", 0, Integer.MAX_VALUE, Nodes.TEXT, DateTimes::datetime);
        variadic("julianday", 0, Integer.MAX_VALUE, Nodes.REAL, DateTimes::julianday);
        variadic("strftime", 1, Integer.MAX_VALUE, Nodes.TEXT, DateTimes::strftime);
        ALL.put("operation_indicator", new Spec(3, 3, (n, a, off) -> new OperationIndicator(a, off)));
    }

    /** The names, for messages. */
    static String known() {
        return String.join(", ", ALL.keySet().stream().map(k -> k.equals("replacechars") ? "replaceChars" : k).toList());
    }

    static Spec lookup(String name) {
        return ALL.get(name.toLowerCase(Locale.ROOT));
    }

    private static LogicalType numericType(Node n) {
        LogicalType t = n.type();
        if (t == null) {
            return null;
        }
        if (Nodes.isInteger(t)) {
            return Nodes.INT;
        }
        if (Nodes.isReal(t)) {
            return Nodes.REAL;
        }
        return t.kind() == dev.ferry.core.model.TypeKind.DECIMAL ? Nodes.DECIMAL : null;
    }

    // ---- call nodes -------------------------------------------------------------------------

    static final class Call1 extends Node {
        final F1 f;
        final Node a;
        final LogicalType type;

        Call1(F1 f, Node a, LogicalType type, int offset) {
            super(offset);
            this.f = f;
            this.a = a;
            this.type = type;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            return f.apply(a.eval(row, h));
        }

        @Override
        LogicalType type() {
            return type;
        }
    }

    static final class Call2 extends Node {
        final F2 f;
        final Node a;
        final Node b;
        final LogicalType type;

        Call2(F2 f, Node a, Node b, LogicalType type, int offset) {
            super(offset);
            this.f = f;
            this.a = a;
            this.b = b;
            this.type = type;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            return f.apply(a.eval(row, h), b.eval(row, h));
        }

        @Override
        LogicalType type() {
            return type;
        }
    }

    static final class Call3 extends Node {
        final F3 f;
        final Node a;
        final Node b;
        final Node c;
        final LogicalType type;

        Call3(F3 f, Node a, Node b, Node c, LogicalType type, int offset) {
            super(offset);
            this.f = f;
            this.a = a;
            this.b = b;
            this.c = c;
            this.type = type;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            return f.apply(a.eval(row, h), b.eval(row, h), c.eval(row, h));
        }

        @Override
        LogicalType type() {
            return type;
        }
    }

    /** A call with any number of arguments; their values go into a fresh array per call. */
    static final class CallN extends Node {
        final FN f;
        final Node[] args;
        final LogicalType type;

        CallN(FN f, List<Node> args, LogicalType type, int offset) {
            super(offset);
            this.f = f;
            this.args = args.toArray(new Node[0]);
            this.type = type;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object[] values = new Object[args.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = args[i].eval(row, h);
            }
            return f.apply(values, h);
        }

        @Override
        LogicalType type() {
            return type;
        }
    }

    /** coalesce/ifnull: evaluates arguments only until one is not NULL. */
    static final class Coalesce extends Node {
        final Node[] args;

        Coalesce(List<Node> args, int offset) {
            super(offset);
            this.args = args.toArray(new Node[0]);
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            for (Node n : args) {
                Object v = n.eval(row, h);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }

        @Override
        LogicalType type() {
            return Nodes.common(args, null);
        }
    }

    /** operation_indicator(on_delete, on_update, on_insert): the full load counts as inserts, as $AR_H_OPERATION does. */
    static final class OperationIndicator extends Node {
        final Node onDelete;
        final Node onUpdate;
        final Node onInsert;

        OperationIndicator(List<Node> args, int offset) {
            super(offset);
            this.onDelete = args.get(0);
            this.onUpdate = args.get(1);
            this.onInsert = args.get(2);
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            return switch (h.operation()) {
                case DELETE -> onDelete.eval(row, h);
                case UPDATE -> onUpdate.eval(row, h);
                case FULL_LOAD, INSERT -> onInsert.eval(row, h);
            };
        }

        @Override
        LogicalType type() {
            return Nodes.common(new Node[] {onDelete, onUpdate, onInsert}, null);
        }
    }

    // ---- the functions ----------------------------------------------------------------------

    /** SQLite's built-in lower()/upper() change ASCII letters only (the DMS guide says so too). */
    static String asciiCase(String s, boolean upper) {
        char from = upper ? 'a' : 'A';
        char to = upper ? 'z' : 'Z';
        int i = 0;
        while (i < s.length() && (s.charAt(i) < from || s.charAt(i) > to)) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        char[] c = s.toCharArray();
        for (; i < c.length; i++) {
            if (c[i] >= from && c[i] <= to) {
                c[i] = (char) (upper ? c[i] - 32 : c[i] + 32);
            }
        }
        return new String(c);
    }

    static Object length(Object a) {
        if (a == null) {
            return null;
        }
        if (a instanceof byte[] b) {
            return (long) b.length;
        }
        String s = Values.text(a);
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            s = s.substring(0, nul);
        }
        return (long) s.codePointCount(0, s.length());
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static String hexOf(byte[] b, boolean upper) {
        char[] out = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            int v = b[i] & 0xff;
            char hi = HEX[v >>> 4];
            char lo = HEX[v & 0xf];
            out[2 * i] = upper ? hi : Character.toLowerCase(hi);
            out[2 * i + 1] = upper ? lo : Character.toLowerCase(lo);
        }
        return new String(out);
    }

    static Object hex(Object a) {
        return a == null ? "" : hexOf(Values.blob(a), true);
    }

    /** DMS's hash_sha256: the SHA-256 of the value's UTF-8 text (of a blob's bytes), in lowercase hexadecimal. */
    static Object sha256(Object a) {
        if (a == null) {
            return null;
        }
        try {
            return hexOf(MessageDigest.getInstance("SHA-256").digest(Values.blob(a)), false);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static int blobSize(long n, int min) {
        if (n < min) {
            return min;
        }
        if (n > 1_000_000_000L) {
            throw new EvalException("string or blob too big", 0);
        }
        return (int) n;
    }

    private static byte[] randomBlob(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static Object trim(Object x, String chars, boolean left, boolean right) {
        if (x == null) {
            return null;
        }
        String s = Values.text(x);
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && chars.indexOf(s.codePointAt(start)) >= 0) {
                start += Character.charCount(s.codePointAt(start));
            }
        }
        if (right) {
            while (end > start && chars.indexOf(s.codePointBefore(end)) >= 0) {
                end -= Character.charCount(s.codePointBefore(end));
            }
        }
        return s.substring(start, end);
    }

    static Object replace(Object x, Object y, Object z) {
        if (x == null || y == null) {
            return null;
        }
        String pattern = Values.text(y);
        if (pattern.isEmpty()) {
            return x;
        }
        if (z == null) {
            return null;
        }
        return Values.text(x).replace(pattern, Values.text(z));
    }

    /** DMS's replaceChars(X, Y, Z): each character of X found in Y becomes Z's character at the same position, or Z's first. */
    static Object replaceChars(Object x, Object y, Object z) {
        if (x == null || y == null || z == null) {
            return null;
        }
        String s = Values.text(x);
        int[] from = Values.text(y).codePoints().toArray();
        int[] to = Values.text(z).codePoints().toArray();
        if (to.length == 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            int k = indexOf(from, c);
            sb.appendCodePoint(k < 0 ? c : k < to.length ? to[k] : to[0]);
        });
        return sb.toString();
    }

    private static int indexOf(int[] a, int c) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** SQLite's substr(), ported from func.c: 1-based, a negative start counts from the end, a negative length takes the characters before. */
    static Object substr(Object x, Object y, Object z, boolean hasLength) {
        if (x == null || y == null || (hasLength && z == null)) {
            return null;
        }
        long p1 = Values.toLong(Values.numeric(y));
        long p2;
        boolean negP2 = false;
        if (hasLength) {
            p2 = Values.toLong(Values.numeric(z));
            if (p2 < 0) {
                p2 = -p2;
                negP2 = true;
            }
        } else {
            p2 = 1_000_000_000L;
        }
        if (x instanceof byte[] b) {
            long[] r = bounds(p1, p2, negP2, b.length);
            int from = (int) Math.min(r[0], b.length);
            int to = (int) Math.min(r[0] + r[1], b.length);
            return java.util.Arrays.copyOfRange(b, from, Math.max(from, to));
        }
        String s = Values.text(x);
        int len = s.codePointCount(0, s.length());
        long[] r = bounds(p1, p2, negP2, len);
        int from = (int) Math.min(r[0], len);
        int to = (int) Math.min(r[0] + r[1], len);
        if (to <= from) {
            return "";
        }
        int a = s.offsetByCodePoints(0, from);
        int e = s.offsetByCodePoints(a, to - from);
        return s.substring(a, e);
    }

    private static long[] bounds(long p1, long p2, boolean negP2, long len) {
        if (p1 < 0) {
            p1 += len;
            if (p1 < 0) {
                p2 += p1;
                if (p2 < 0) {
                    p2 = 0;
                }
                p1 = 0;
            }
        } else if (p1 > 0) {
            p1--;
        } else if (p2 > 0) {
            p2--;
        }
        if (negP2) {
            p1 -= p2;
            if (p1 < 0) {
                p2 += p1;
                p1 = 0;
            }
        }
        return new long[] {p1, Math.max(0, p2)};
    }

    static Object instr(Object x, Object y) {
        if (x == null || y == null) {
            return null;
        }
        if (x instanceof byte[] hay && y instanceof byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= hay.length; i++) {
                for (int k = 0; k < needle.length; k++) {
                    if (hay[i + k] != needle[k]) {
                        continue outer;
                    }
                }
                return (long) i + 1;
            }
            return 0L;
        }
        String s = Values.text(x);
        int at = s.indexOf(Values.text(y));
        return at < 0 ? 0L : (long) s.codePointCount(0, at) + 1;
    }

    static Object abs(Object x, int offset) {
        if (x == null) {
            return null;
        }
        if (x instanceof Long l) {
            if (l == Long.MIN_VALUE) {
                throw new EvalException("integer overflow in abs()", offset);
            }
            return Math.abs(l);
        }
        if (x instanceof BigDecimal b) {
            return b.abs();
        }
        return Math.abs(Values.toDouble(x));
    }

    /**
     * SQLite's round(): a REAL rounded half away from zero at n digits (0..30). Ferry keeps a
     * DECIMAL exact: it is rounded half up at n digits and stays a DECIMAL.
     */
    static Object round(Object x, Object y) {
        if (x == null || y == null) {
            return null;
        }
        long n = Values.toLong(Values.numeric(y));
        n = Math.max(0, Math.min(30, n));
        if (x instanceof BigDecimal b) {
            return b.setScale((int) n, RoundingMode.HALF_UP);
        }
        double r = Values.toDouble(x);
        if (r < -4503599627370496.0 || r > 4503599627370496.0 || Double.isNaN(r)) {
            return r;
        }
        if (n == 0) {
            return (double) (long) (r + (r < 0 ? -0.5 : 0.5));
        }
        return BigDecimal.valueOf(r).setScale((int) n, RoundingMode.HALF_UP).doubleValue();
    }

    /** Multi-argument max()/min(): NULL if any argument is, else the greatest/least by SQLite's order. */
    static Object minMax(Object[] args, boolean max) {
        Object best = args[0];
        if (best == null) {
            return null;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i] == null) {
                return null;
            }
            int c = Values.compare(best, args[i]);
            if (max ? c < 0 : c >= 0) {
                best = args[i];
            }
        }
        return best;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
