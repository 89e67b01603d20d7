package dev.ferry.core.mapping.expr;

import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/** The operators and leaves of a compiled expression, with SQLite's semantics. */
final class Nodes {
    private Nodes() {
    }

    static final LogicalType INT = LogicalType.of(TypeKind.INT64);
    static final LogicalType REAL = LogicalType.of(TypeKind.FLOAT64);
    static final LogicalType TEXT = LogicalType.of(TypeKind.TEXT);
    static final LogicalType BYTES = LogicalType.of(TypeKind.BYTES);
    static final LogicalType DECIMAL = LogicalType.decimal(0, 0);

    static LogicalType typeOfValue(Object v) {
        if (v instanceof Long) {
            return INT;
        }
        if (v instanceof Double) {
            return REAL;
        }
        if (v instanceof String) {
            return TEXT;
        }
        if (v instanceof byte[]) {
            return BYTES;
        }
        if (v instanceof BigDecimal) {
            return DECIMAL;
        }
        return null;
    }

    // ---- leaves -----------------------------------------------------------------------------

    static final class Literal extends Node {
        final Object value;

        Literal(Object value, int offset) {
            super(offset);
            this.value = value;
        }

        @Override
        Object eval(Object[] row, ChangeHeader header) {
            return value;
        }

        @Override
        LogicalType type() {
            return typeOfValue(value);
        }

    }

    /** A source column, read from the row by position. */
    static final class ColumnRef extends Node {
        final int index;
        final String name;
        final Affinity affinity;
        final LogicalType type;

        ColumnRef(int index, String name, LogicalType type, int offset) {
            super(offset);
            this.index = index;
            this.name = name;
            this.type = type;
            this.affinity = affinityOf(type.kind());
        }

        static Affinity affinityOf(TypeKind kind) {
            return switch (kind) {
                case BOOLEAN, INT16, INT32, INT64 -> Affinity.INTEGER;
                case FLOAT32, FLOAT64 -> Affinity.REAL;
                case DECIMAL -> Affinity.NUMERIC;
                case BYTES -> Affinity.BLOB;
                default -> Affinity.TEXT;
            };
        }

        @Override
        Object eval(Object[] row, ChangeHeader header) {
            Object v = row[index];
            if (v == Unchanged.VALUE) {
                throw new UnsentColumn(name);
            }
            return Values.fromRow(v);
        }

        @Override
        Affinity affinity() {
            return affinity;
        }

        @Override
        LogicalType type() {
            return type;
        }
    }

    /** Thrown when a column the expression reads was not sent with a change. */
    static final class UnsentColumn extends RuntimeException {
        final String column;

        UnsentColumn(String column) {
            super(column, null, false, false);
            this.column = column;
        }
    }

    /** A header variable ($AR_H_...). */
    static final class HeaderVar extends Node {
        enum Kind { OPERATION, TIMESTAMP, STREAM_POSITION, CHANGE_SEQ }

        final Kind kind;

        HeaderVar(Kind kind, int offset) {
            super(offset);
            this.kind = kind;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            switch (kind) {
                case OPERATION:
                    return switch (h.operation()) {
                        case FULL_LOAD, INSERT -> "INSERT";
                        case UPDATE -> "UPDATE";
                        case DELETE -> "DELETE";
                    };
                case TIMESTAMP:
                    return timestampText(h.timestamp());
                case STREAM_POSITION:
                    return h.operation() == ChangeHeader.Operation.FULL_LOAD ? "" : h.streamPosition();
                default:
                    return h.operation() == ChangeHeader.Operation.FULL_LOAD ? "" : changeSeqText(h);
            }
        }

        @Override
        LogicalType type() {
            return kind == Kind.TIMESTAMP ? LogicalType.temporal(TypeKind.TIMESTAMP, 6) : TEXT;
        }
    }

    /** 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC. */
    static String timestampText(java.time.Instant t) {
        java.time.LocalDateTime d = java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(26);
        Values.pad(sb, d.getYear(), 4).append('-');
        Values.pad(sb, d.getMonthValue(), 2).append('-');
        Values.pad(sb, d.getDayOfMonth(), 2).append(' ');
        Values.pad(sb, d.getHour(), 2).append(':');
        Values.pad(sb, d.getMinute(), 2).append(':');
        Values.pad(sb, d.getSecond(), 2).append('.');
        Values.pad(sb, d.getNano() / 1000, 6);
        return sb.toString();
    }

    /** DMS's 35 digits: YYYYMMDDHHmmSShh of the change's time (UTC), then the change number in 19 digits. */
    static String changeSeqText(ChangeHeader h) {
        java.time.LocalDateTime d = java.time.LocalDateTime.ofInstant(h.timestamp(), java.time.ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(35);
        Values.pad(sb, d.getYear(), 4);
        Values.pad(sb, d.getMonthValue(), 2);
        Values.pad(sb, d.getDayOfMonth(), 2);
        Values.pad(sb, d.getHour(), 2);
        Values.pad(sb, d.getMinute(), 2);
        Values.pad(sb, d.getSecond(), 2);
        Values.pad(sb, d.getNano() / 10_000_000, 2);
        Values.pad(sb, h.changeSeq(), 19);
        return sb.toString();
    }

    // ---- logic ------------------------------------------------------------------------------

    /** A node of two operands, {@code l} and {@code r}. */
    abstract static class Binary extends Node {
        final Node l;
        final Node r;

        Binary(Node l, Node r, int offset) {
            super(offset);
            this.l = l;
            this.r = r;
        }
    }

    static final class And extends Binary {

        And(Node l, Node r, int offset) {
            super(l, r, offset);
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object a = l.eval(row, h);
            if (a != null && !Values.isTrue(a)) {
                return Values.ZERO;
            }
            Object b = r.eval(row, h);
            if (b != null && !Values.isTrue(b)) {
                return Values.ZERO;
            }
            return a == null || b == null ? null : Values.ONE;
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    static final class Or extends Binary {

        Or(Node l, Node r, int offset) {
            super(l, r, offset);
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object a = l.eval(row, h);
            if (a != null && Values.isTrue(a)) {
                return Values.ONE;
            }
            Object b = r.eval(row, h);
            if (b != null && Values.isTrue(b)) {
                return Values.ONE;
            }
            return a == null || b == null ? null : Values.ZERO;
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    static final class Not extends Node {
        final Node x;

        Not(Node x, int offset) {
            super(offset);
            this.x = x;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object a = x.eval(row, h);
            return a == null ? null : Values.bool(!Values.isTrue(a));
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    /** x IS [NOT] TRUE / FALSE: a truth test that never yields NULL. */
    static final class IsTruth extends Node {
        final Node x;
        final boolean truth;
        final boolean negate;

        IsTruth(Node x, boolean truth, boolean negate, int offset) {
            super(offset);
            this.x = x;
            this.truth = truth;
            this.negate = negate;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object a = x.eval(row, h);
            boolean r = a != null && Values.isTrue(a) == truth;
            return Values.bool(r != negate);
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    // ---- comparison -------------------------------------------------------------------------

    enum CmpOp { EQ, NE, LT, LE, GT, GE, IS, IS_NOT }

    static boolean holds(CmpOp op, int c) {
        return switch (op) {
            case EQ, IS -> c == 0;
            case NE, IS_NOT -> c != 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
        };
    }

    static final class Compare extends Binary {
        final CmpOp op;
        final Affinity aff;

        Compare(CmpOp op, Node l, Node r, int offset) {
            super(l, r, offset);
            this.op = op;
            this.aff = Affinity.forComparison(l.affinity(), r.affinity());
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object a = l.eval(row, h);
            Object b = r.eval(row, h);
            if (a == null || b == null) {
                if (op == CmpOp.IS) {
                    return Values.bool(a == b);
                }
                if (op == CmpOp.IS_NOT) {
                    return Values.bool(a != b);
                }
                return null;
            }
            return Values.bool(holds(op, Values.compare(aff.apply(a), aff.apply(b))));
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    /** x [NOT] BETWEEN lo AND hi: x evaluated once, each bound compared with its own affinity. */
    static final class Between extends Node {
        final Node x;
        final Node lo;
        final Node hi;
        final boolean not;
        final Affinity affLo;
        final Affinity affHi;

        Between(Node x, Node lo, Node hi, boolean not, int offset) {
            super(offset);
            this.x = x;
            this.lo = lo;
            this.hi = hi;
            this.not = not;
            this.affLo = Affinity.forComparison(x.affinity(), lo.affinity());
            this.affHi = Affinity.forComparison(x.affinity(), hi.affinity());
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object v = x.eval(row, h);
            Object a = lo.eval(row, h);
            Boolean ge = v == null || a == null ? null : Values.compare(affLo.apply(v), affLo.apply(a)) >= 0;
            Boolean result;
            if (Boolean.FALSE.equals(ge)) {
                result = false;
            } else {
                Object b = hi.eval(row, h);
                Boolean le = v == null || b == null ? null : Values.compare(affHi.apply(v), affHi.apply(b)) <= 0;
                if (Boolean.FALSE.equals(le)) {
                    result = false;
                } else if (ge == null || le == null) {
                    result = null;
                } else {
                    result = true;
                }
            }
            return result == null ? null : Values.bool(result != not);
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    /** x [NOT] IN (list): the list's values have no affinity, x's own is used (datatype3.html 4.2). */
    static final class In extends Node {
        final Node x;
        final Node[] list;
        final boolean not;
        final Affinity aff;

        In(Node x, List<Node> list, boolean not, int offset) {
            super(offset);
            this.x = x;
            this.list = list.toArray(new Node[0]);
            this.not = not;
            this.aff = x.affinity();
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            if (list.length == 0) {
                return Values.bool(not);
            }
            Object v = x.eval(row, h);
            if (v == null) {
                return null;
            }
            Object av = aff.apply(v);
            boolean sawNull = false;
            for (Node n : list) {
                Object e = n.eval(row, h);
                if (e == null) {
                    sawNull = true;
                } else if (Values.compare(av, aff.apply(e)) == 0) {
                    return Values.bool(!not);
                }
            }
            return sawNull ? null : Values.bool(not);
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    /** x [NOT] LIKE pattern [ESCAPE e], or x [NOT] GLOB pattern. */
    static final class Match extends Node {
        final Node x;
        final Node pattern;
        final Node escape;
        final boolean glob;
        final boolean not;

        Match(Node x, Node pattern, Node escape, boolean glob, boolean not, int offset) {
            super(offset);
            this.x = x;
            this.pattern = pattern;
            this.escape = escape;
            this.glob = glob;
            this.not = not;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object v = x.eval(row, h);
            Object p = pattern.eval(row, h);
            if (v instanceof byte[] || p instanceof byte[]) {
                // SQLITE_LIKE_DOESNT_MATCH_BLOBS, a compile option SQLite recommends: a blob matches no pattern
                return Values.bool(not);
            }
            int esc = -1;
            if (escape != null) {
                Object e = escape.eval(row, h);
                if (e == null) {
                    return null;
                }
                String es = Values.text(e);
                if (es.codePointCount(0, es.length()) != 1) {
                    throw new EvalException("ESCAPE expression must be a single character", escape.offset);
                }
                esc = es.codePointAt(0);
            }
            if (v == null || p == null) {
                return null;
            }
            String s = Values.text(v);
            String pat = Values.text(p);
            boolean m = glob ? Patterns.glob(pat, s) : Patterns.like(pat, s, esc);
            return Values.bool(m != not);
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    // ---- arithmetic -------------------------------------------------------------------------

    enum ArithOp { ADD, SUB, MUL, DIV, REM }

    static final MathContext DIVISION = MathContext.DECIMAL128;

    static final class Arith extends Binary {
        final ArithOp op;

        Arith(ArithOp op, Node l, Node r, int offset) {
            super(l, r, offset);
            this.op = op;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object rawA = l.eval(row, h);
            if (rawA == null) {
                return null;
            }
            Object rawB = r.eval(row, h);
            if (rawB == null) {
                return null;
            }
            return apply(op, Values.numeric(rawA), Values.numeric(rawB), rawA, rawB);
        }

        /** a and b as numbers; rawA and rawB as they came, which SQLite's REAL remainder reads again as integers. */
        static Object apply(ArithOp op, Object a, Object b, Object rawA, Object rawB) {
            if (a instanceof Long x && b instanceof Long y) {
                long u = x;
                long v = y;
                switch (op) {
                    case ADD: {
                        long s = u + v;
                        if (((u ^ s) & (v ^ s)) < 0) {
                            break;
                        }
                        return s;
                    }
                    case SUB: {
                        long s = u - v;
                        if (((u ^ v) & (u ^ s)) < 0) {
                            break;
                        }
                        return s;
                    }
                    case MUL: {
                        long hi = Math.multiplyHigh(u, v);
                        long lo = u * v;
                        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
                            return lo;
                        }
                        break;
                    }
                    case DIV:
                        if (v == 0) {
                            return null;
                        }
                        if (u == Long.MIN_VALUE && v == -1) {
                            break;
                        }
                        return u / v;
                    default:
                        if (v == 0) {
                            return null;
                        }
                        return v == -1 ? 0L : u % v;
                }
                return real(op, (double) u, (double) v, rawA, rawB);
            }
            if (a instanceof BigDecimal || b instanceof BigDecimal) {
                if (!(a instanceof Double d && !Double.isFinite(d)) && !(b instanceof Double e && !Double.isFinite(e))) {
                    return decimal(op, Values.decimal(a), Values.decimal(b));
                }
            }
            return real(op, Values.toDouble(a), Values.toDouble(b), rawA, rawB);
        }

        private static Object real(ArithOp op, double x, double y, Object rawA, Object rawB) {
            double r;
            switch (op) {
                case ADD:
                    r = x + y;
                    break;
                case SUB:
                    r = x - y;
                    break;
                case MUL:
                    r = x * y;
                    break;
                case DIV:
                    if (y == 0) {
                        return null;
                    }
                    r = x / y;
                    break;
                default: {
                    long ia = Values.toLong(rawA);
                    long ib = Values.toLong(rawB);
                    if (ib == 0) {
                        return null;
                    }
                    if (ib == -1) {
                        ib = 1;
                    }
                    r = (double) (ia % ib);
                }
            }
            return Double.isNaN(r) ? null : r;
        }

        private static Object decimal(ArithOp op, BigDecimal x, BigDecimal y) {
            switch (op) {
                case ADD:
                    return x.add(y);
                case SUB:
                    return x.subtract(y);
                case MUL:
                    return x.multiply(y);
                case DIV:
                    if (y.signum() == 0) {
                        return null;
                    }
                    try {
                        return x.divide(y);
                    } catch (ArithmeticException nonTerminating) {
                        return x.divide(y, DIVISION);
                    }
                default:
                    return y.signum() == 0 ? null : x.remainder(y);
            }
        }

        @Override
        LogicalType type() {
            LogicalType a = l.type();
            LogicalType b = r.type();
            if (a == null || b == null) {
                return null;
            }
            boolean aInt = isInteger(a);
            boolean bInt = isInteger(b);
            if (aInt && bInt) {
                return INT;
            }
            if (a.kind() == TypeKind.DECIMAL && (bInt || b.kind() == TypeKind.DECIMAL)
                    || b.kind() == TypeKind.DECIMAL && aInt) {
                return DECIMAL;
            }
            boolean aNum = aInt || isReal(a) || a.kind() == TypeKind.DECIMAL;
            boolean bNum = bInt || isReal(b) || b.kind() == TypeKind.DECIMAL;
            return aNum && bNum ? (a.kind() == TypeKind.DECIMAL || b.kind() == TypeKind.DECIMAL ? DECIMAL : REAL) : null;
        }
    }

    static boolean isInteger(LogicalType t) {
        return switch (t.kind()) {
            case BOOLEAN, INT16, INT32, INT64 -> true;
            default -> false;
        };
    }

    static boolean isReal(LogicalType t) {
        return t.kind() == TypeKind.FLOAT32 || t.kind() == TypeKind.FLOAT64;
    }

    enum BitOp { AND, OR, SHL, SHR }

    static final class Bits extends Binary {
        final BitOp op;

        Bits(BitOp op, Node l, Node r, int offset) {
            super(l, r, offset);
            this.op = op;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object a = l.eval(row, h);
            Object b = r.eval(row, h);
            if (a == null || b == null) {
                return null;
            }
            long x = Values.toLong(a);
            long y = Values.toLong(b);
            switch (op) {
                case AND:
                    return x & y;
                case OR:
                    return x | y;
                default:
                    boolean left = op == BitOp.SHL;
                    if (y < 0) {
                        left = !left;
                        y = y >= -64 ? -y : 64;
                    }
                    if (y >= 64) {
                        return left || x >= 0 ? 0L : -1L;
                    }
                    return left ? x << y : x >> y;
            }
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    static final class Concat extends Binary {

        Concat(Node l, Node r, int offset) {
            super(l, r, offset);
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object a = l.eval(row, h);
            if (a == null) {
                return null;
            }
            Object b = r.eval(row, h);
            if (b == null) {
                return null;
            }
            return Values.text(a).concat(Values.text(b));
        }

        @Override
        LogicalType type() {
            return TEXT;
        }
    }

    static final class Negate extends Node {
        final Node x;

        Negate(Node x, int offset) {
            super(offset);
            this.x = x;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object v = Values.numeric(x.eval(row, h));
            if (v == null) {
                return null;
            }
            if (v instanceof Long l) {
                return l == Long.MIN_VALUE ? (Object) (-(double) l) : (Object) (-l);
            }
            if (v instanceof Double d) {
                return -d;
            }
            return ((BigDecimal) v).negate();
        }

        @Override
        LogicalType type() {
            LogicalType t = x.type();
            return t != null && (isInteger(t) || isReal(t) || t.kind() == TypeKind.DECIMAL)
                    ? (isInteger(t) ? INT : isReal(t) ? REAL : DECIMAL) : null;
        }
    }

    /** Unary plus: the value unchanged, but without the operand's affinity (SQLite's "+x"). */
    static final class Plus extends Node {
        final Node x;

        Plus(Node x, int offset) {
            super(offset);
            this.x = x;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            return x.eval(row, h);
        }

        @Override
        LogicalType type() {
            return x.type();
        }
    }

    static final class BitNot extends Node {
        final Node x;

        BitNot(Node x, int offset) {
            super(offset);
            this.x = x;
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            Object v = x.eval(row, h);
            return v == null ? null : (Object) ~Values.toLong(v);
        }

        @Override
        LogicalType type() {
            return INT;
        }
    }

    // ---- CASE and CAST ----------------------------------------------------------------------

    static final class Case extends Node {
        final Node base;
        final Node[] whens;
        final Node[] thens;
        final Node otherwise;
        final Affinity[] affs;

        Case(Node base, List<Node> whens, List<Node> thens, Node otherwise, int offset) {
            super(offset);
            this.base = base;
            this.whens = whens.toArray(new Node[0]);
            this.thens = thens.toArray(new Node[0]);
            this.otherwise = otherwise;
            this.affs = new Affinity[this.whens.length];
            for (int k = 0; k < affs.length; k++) {
                affs[k] = base == null ? Affinity.NONE : Affinity.forComparison(base.affinity(), this.whens[k].affinity());
            }
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            if (base == null) {
                for (int k = 0; k < whens.length; k++) {
                    Object w = whens[k].eval(row, h);
                    if (w != null && Values.isTrue(w)) {
                        return thens[k].eval(row, h);
                    }
                }
            } else {
                Object b = base.eval(row, h);
                if (b != null) {
                    for (int k = 0; k < whens.length; k++) {
                        Object w = whens[k].eval(row, h);
                        if (w != null && Values.compare(affs[k].apply(b), affs[k].apply(w)) == 0) {
                            return thens[k].eval(row, h);
                        }
                    }
                }
            }
            return otherwise == null ? null : otherwise.eval(row, h);
        }

        @Override
        LogicalType type() {
            return common(thens, otherwise);
        }
    }

    /** The one type every branch has, or null. A NULL literal fits any. */
    static LogicalType common(Node[] nodes, Node extra) {
        LogicalType t = null;
        int n = nodes.length + (extra == null ? 0 : 1);
        for (int k = 0; k < n; k++) {
            Node node = k < nodes.length ? nodes[k] : extra;
            if (node instanceof Literal lit && lit.value == null) {
                continue;
            }
            LogicalType u = node.type();
            if (u == null || (t != null && !t.equals(u))) {
                return null;
            }
            t = u;
        }
        return t;
    }

    static final class Cast extends Node {
        final Node x;
        final Affinity target;
        final String typeName;

        Cast(Node x, String typeName, int offset) {
            super(offset);
            this.x = x;
            this.typeName = typeName;
            this.target = Affinity.ofTypeName(typeName);
        }

        @Override
        Object eval(Object[] row, ChangeHeader h) {
            return cast(x.eval(row, h), target);
        }

        static Object cast(Object v, Affinity target) {
            if (v == null) {
                return null;
            }
            switch (target) {
                case INTEGER:
                    if (v instanceof Long) {
                        return v;
                    }
                    return Values.toLong(v);
                case REAL:
                    return Values.toDouble(v);
                case TEXT:
                    return Values.text(v);
                case BLOB:
                    return Values.blob(v);
                default:
                    if (Values.isNumber(v)) {
                        return v;
                    }
                    return Values.castNumeric(Values.text(v));
            }
        }

        @Override
        Affinity affinity() {
            return target;
        }

        @Override
        LogicalType type() {
            return switch (target) {
                case INTEGER -> INT;
                case REAL -> REAL;
                case TEXT -> TEXT;
                case BLOB -> BYTES;
                default -> {
                    LogicalType t = x.type();
                    yield t != null && t.kind() == TypeKind.DECIMAL ? DECIMAL : null;
                }
            };
        }
    }
}
