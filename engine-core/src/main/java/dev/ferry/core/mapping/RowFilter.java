package dev.ferry.core.mapping;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The source filters of one table, compiled against its columns: the values of the mapping JSON
 * are converted once to the column's Java class, and each row is then tested with no parsing and
 * no allocation. The same filter writes the WHERE of the full-load query ({@link #condition}),
 * with the same meaning:
 * <ul>
 * <li>the conditions of one filter are OR'd, the filters of one rule AND'd (as the DMS guide
 *     says), and a table selected by several include rules moves the rows that pass any of them;</li>
 * <li>NULL passes {@code null} only, as in SQL, where every comparison with NULL is unknown;</li>
 * <li>numbers, dates and times compare by value; text, UUID and boolean columns allow
 *     {@code eq}/{@code noteq} only, compared exactly (trailing spaces ignored for CHAR), since
 *     the order of text depends on the source's collation, which CDC could not reproduce.</li>
 * </ul>
 * Changes are routed as {@link #route} says.
 */
final class RowFilter extends SourceFilter {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().optionalStart().appendLiteral('T').optionalEnd().optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .toFormatter(Locale.ROOT);

    /** A condition with its values converted. */
    private record Test(FilterOperator op, Object a, Object b) {
    }

    /** A filter: column {@code index} passes one of {@code tests}. */
    private record Clause(int index, Column column, Test[] tests) {
    }

    private final TableSchema table;
    /** One per include rule; a row passes when it passes every clause of one of them. */
    private final Clause[][] rules;
    /** The filtered columns. */
    private final int[] columns;
    /** Whether the before image of an update holds the filtered columns' old values. */
    private final boolean beforeKnown;

    private RowFilter(TableSchema table, Clause[][] rules) {
        this.table = table;
        this.rules = rules;
        List<Integer> cols = new ArrayList<>();
        for (Clause[] rule : rules) {
            for (Clause c : rule) {
                if (!cols.contains(c.index)) {
                    cols.add(c.index);
                }
            }
        }
        this.columns = cols.stream().mapToInt(Integer::intValue).toArray();
        // A keyed table's changes carry the old key only (the old values of other columns are not
        // sent under PostgreSQL's default replica identity); a keyless table's carry the whole old row.
        boolean known = true;
        List<String> key = table.primaryKey();
        for (int i : columns) {
            known &= key.isEmpty() || key.contains(table.columns().get(i).name());
        }
        this.beforeKnown = known;
    }

    /**
     * The filter of {@code table} for the include rules that select it; {@link SourceFilter#NONE}
     * when one of them has no filter. Problems (a missing column, a value that does not convert, an
     * operator the column's type does not allow) are added, each naming the rule, its JSON path,
     * the table and the column.
     */
    static SourceFilter compile(TableSchema table, List<SelectionRule> including, List<String> problems) {
        List<Clause[]> rules = new ArrayList<>();
        for (SelectionRule rule : including) {
            if (rule.filters().isEmpty()) {
                return SourceFilter.NONE;
            }
            List<Clause> clauses = new ArrayList<>();
            for (SelectionRule.Filter f : rule.filters()) {
                Clause clause = clause(table, rule, f, problems);
                if (clause != null) {
                    clauses.add(clause);
                }
            }
            rules.add(clauses.toArray(new Clause[0]));
        }
        return rules.isEmpty() ? SourceFilter.NONE : new RowFilter(table, rules.toArray(new Clause[0][]));
    }

    private static Clause clause(TableSchema table, SelectionRule rule, SelectionRule.Filter f, List<String> problems) {
        RuleContext at = rule.context();
        int index = table.columnIndex(f.column());
        if (index < 0) {
            problems.add(at.problem(f.path() + ".column-name", "table " + table.id() + " has no column '" + f.column()
                    + "' (its columns: " + String.join(", ", table.columnNames()) + "; names are case-sensitive)"));
            return null;
        }
        Column column = table.columns().get(index);
        String where = "table " + table.id() + ", column " + column.name() + " (" + column.type().kind() + "): ";
        if (column.generated()) {
            problems.add(at.problem(f.path() + ".column-name", where + "the source computes this column and its changes "
                    + "do not carry its value, so CDC could not filter on it; filter on the columns it is computed from"));
            return null;
        }
        int before = problems.size();
        List<Test> tests = new ArrayList<>();
        for (SelectionRule.Condition c : f.conditions()) {
            String path = c.path();
            TypeKind kind = column.type().kind();
            if (c.operator().values > 0 && !comparable(kind)) {
                problems.add(at.problem(path + ".filter-operator", where + "'" + c.operator().dms + "' cannot compare "
                        + kind + " values; only null and notnull filter such a column"));
                continue;
            }
            if (c.operator().ordering() && !ordered(kind)) {
                problems.add(at.problem(path + ".filter-operator", where + "'" + c.operator().dms + "' orders values, "
                        + "and the order of " + kind + " values depends on the source (its collation), which CDC could not "
                        + "reproduce; use eq or noteq"));
                continue;
            }
            Object a = null;
            Object b = null;
            if (c.operator().values == 1) {
                a = convert(c.value(), column, at, path + ".value", where, problems);
            } else if (c.operator().values == 2) {
                a = convert(c.value(), column, at, path + ".start-value", where, problems);
                b = convert(c.endValue(), column, at, path + ".end-value", where, problems);
            }
            tests.add(new Test(c.operator(), a, b));
        }
        return problems.size() > before ? null : new Clause(index, column, tests.toArray(new Test[0]));
    }

    private static boolean comparable(TypeKind kind) {
        return switch (kind) {
            case BYTES, JSON, XML, INTERVAL, TIMETZ -> false;
            default -> true;
        };
    }

    private static boolean ordered(TypeKind kind) {
        return switch (kind) {
            case INT16, INT32, INT64, DECIMAL, FLOAT32, FLOAT64, DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> true;
            default -> false;
        };
    }

    /** {@code text} as a value of {@code column}'s class; null with a problem when it does not convert. */
    private static Object convert(String text, Column column, RuleContext at, String path, String where, List<String> problems) {
        TypeKind kind = column.type().kind();
        String t = text.trim();
        try {
            return switch (kind) {
                case INT16 -> Short.valueOf(t);
                case INT32 -> Integer.valueOf(t);
                case INT64 -> Long.valueOf(t);
                case DECIMAL -> new BigDecimal(t);
                case FLOAT32 -> Float.valueOf(number(t));
                case FLOAT64 -> Double.valueOf(number(t));
                case BOOLEAN -> switch (t.toLowerCase(Locale.ROOT)) {
                    case "true", "1" -> Boolean.TRUE;
                    case "false", "0" -> Boolean.FALSE;
                    default -> throw new IllegalArgumentException("not true, false, 1 or 0");
                };
                case CHAR, VARCHAR, TEXT -> text;
                case UUID -> {
                    if (!UUID_TEXT.matcher(t).matches()) {
                        throw new IllegalArgumentException("not a UUID");
                    }
                    yield UUID.fromString(t);
                }
                case DATE -> LocalDate.parse(t);
                case TIME -> LocalTime.parse(t);
                case TIMESTAMP -> {
                    var parsed = DATE_TIME.parse(t);
                    if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                        throw new IllegalArgumentException("a timestamp without time zone takes no offset");
                    }
                    yield LocalDateTime.from(parsed);
                }
                case TIMESTAMPTZ -> {
                    var parsed = DATE_TIME.parse(t);
                    LocalDateTime local = LocalDateTime.from(parsed);
                    ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
                    yield OffsetDateTime.of(local, offset).toInstant();
                }
                default -> throw new IllegalArgumentException("cannot be compared");
            };
        } catch (DateTimeParseException | IllegalArgumentException e) {
            String hint = switch (kind) {
                case DATE -> "YYYY-MM-DD";
                case TIME -> "HH:MM:SS[.fraction]";
                case TIMESTAMP -> "YYYY-MM-DD or YYYY-MM-DD HH:MM:SS[.fraction]";
                case TIMESTAMPTZ -> "YYYY-MM-DD HH:MM:SS[.fraction][+HH:MM], UTC when no offset";
                case INT16, INT32, INT64 -> "a whole number in the column's range";
                case DECIMAL, FLOAT32, FLOAT64 -> "a number";
                case UUID -> "8-4-4-4-12 hex digits";
                case BOOLEAN -> "true, false, 1 or 0";
                default -> e.getMessage();
            };
            problems.add(at.problem(path, where + "'" + text + "' is not a " + kind + " value (expected " + hint + ")"));
            return null;
        }
    }

    private static String number(String t) {
        if (!t.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?|NaN|[-+]?Infinity")) {
            throw new NumberFormatException(t);
        }
        return t;
    }

    @Override
    public boolean matches(Object[] row) {
        return test(row, null) == 1;
    }

    /**
     * 1 when {@code row} passes, 0 when not, -1 when a filtered column holds {@link Unchanged#VALUE}
     * and {@code old} (null: unknown) does not give its value.
     */
    private int test(Object[] row, Object[] old) {
        for (int i : columns) {
            if (row[i] == Unchanged.VALUE && (old == null || old[i] == Unchanged.VALUE)) {
                return -1;
            }
        }
        for (Clause[] rule : rules) {
            boolean all = true;
            for (Clause clause : rule) {
                Object v = row[clause.index];
                if (v == Unchanged.VALUE) {
                    v = old[clause.index];
                }
                if (!passes(clause, v)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return 1;
            }
        }
        return 0;
    }

    private static boolean passes(Clause clause, Object v) {
        for (Test t : clause.tests) {
            if (passes(t, v, clause.column.type().kind())) {
                return true;
            }
        }
        return false;
    }

    private static boolean passes(Test t, Object v, TypeKind kind) {
        if (t.op == FilterOperator.NULL) {
            return v == null;
        }
        if (t.op == FilterOperator.NOTNULL || v == null) {
            return v != null; // NULL compared with a value is unknown in SQL: it does not pass
        }
        return switch (t.op) {
            case EQ -> compare(v, t.a, kind) == 0;
            case NOTEQ -> compare(v, t.a, kind) != 0;
            case LTE -> compare(v, t.a, kind) <= 0;
            case GTE -> compare(v, t.a, kind) >= 0;
            case BETWEEN -> compare(v, t.a, kind) >= 0 && compare(v, t.b, kind) <= 0;
            case NOTBETWEEN -> compare(v, t.a, kind) < 0 || compare(v, t.b, kind) > 0;
            default -> false;
        };
    }

    /** Compares as the source's SQL does (0 is equal; only the sign of other results counts for text). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object v, Object value, TypeKind kind) {
        if (kind == TypeKind.CHAR) {
            return stripEnd((String) v).equals(stripEnd((String) value)) ? 0 : 1;
        }
        if (v instanceof String s) {
            return s.equals(value) ? 0 : 1;
        }
        if (v instanceof Double x && value instanceof Double y) {
            return x.doubleValue() == y.doubleValue() ? 0 : Double.compare(x, y); // -0 = 0 and NaN = NaN, as in SQL
        }
        if (v instanceof Float x && value instanceof Float y) {
            return x.floatValue() == y.floatValue() ? 0 : Float.compare(x, y);
        }
        if (v instanceof Boolean || v instanceof UUID) {
            return v.equals(value) ? 0 : 1;
        }
        return ((Comparable) v).compareTo(value);
    }

    private static String stripEnd(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * What the target must apply for a change of this table, so that it holds exactly the rows
     * that pass:
     * <ul>
     * <li>an insert passes when its row passes;</li>
     * <li>an update whose new row passes passes as it is: when the old row did not pass (or its
     *     values are unknown) the target lacks the row, and its apply of an update of a missing row
     *     upserts the new row (a new row missing a large value the source did not send cannot be
     *     written: the target then warns, see docs/table-mappings.md);</li>
     * <li>an update whose new row does not pass becomes a delete by key (the old key if the change
     *     has it), harmless when the target lacks the row; nothing when the old row is known not to
     *     pass. For a keyless table: the delete of the whole old row when it passed;</li>
     * <li>a filtered column that holds {@link Unchanged#VALUE} did not change: its old value
     *     decides, and when that is unknown the update passes as it is (it then only completes a
     *     row the target has, which passed before and still does);</li>
     * <li>a delete passes for a keyed table (a delete of a missing row does nothing); for a keyless
     *     one only when its whole old row passes; a truncate always passes.</li>
     * </ul>
     */
    @Override
    public void route(ChangeEvent event, Consumer<ChangeEvent> out) {
        if (event instanceof ChangeEvent.Insert i) {
            if (test(i.after(), null) == 1) {
                out.accept(event);
            }
        } else if (event instanceof ChangeEvent.Update u) {
            Object[] old = beforeKnown ? u.before() : null;
            int before = old == null ? -1 : test(old, null);
            int after = test(u.after(), old);
            if (after != 0) {
                if (after == 1 && before == 0 && !table.hasPrimaryKey()) {
                    out.accept(new ChangeEvent.Insert(u.table(), u.after()));
                } else {
                    out.accept(event);
                }
            } else if (before != 0) {
                if (!table.hasPrimaryKey()) {
                    if (before == 1) {
                        out.accept(new ChangeEvent.Delete(u.table(), u.before()));
                    }
                } else {
                    out.accept(new ChangeEvent.Delete(u.table(), keyOf(u.before() != null ? u.before() : u.after())));
                }
            }
        } else if (event instanceof ChangeEvent.Delete d) {
            if (table.hasPrimaryKey() || test(d.before(), null) == 1) {
                out.accept(event);
            }
        } else {
            out.accept(event);
        }
    }

    private Object[] keyOf(Object[] row) {
        Object[] key = new Object[row.length];
        for (int k : table.keyIndexes()) {
            key[k] = row[k];
        }
        return key;
    }

    @Override
    public String condition(FilterDialect dialect) {
        StringBuilder sql = new StringBuilder();
        for (int r = 0; r < rules.length; r++) {
            if (r > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int c = 0; c < rules[r].length; c++) {
                if (c > 0) {
                    sql.append(" AND ");
                }
                Clause clause = rules[r][c];
                String col = dialect.identifier(clause.column.name());
                sql.append('(');
                for (int t = 0; t < clause.tests.length; t++) {
                    if (t > 0) {
                        sql.append(" OR ");
                    }
                    sql.append(sql(clause.tests[t], col, clause.column, dialect));
                }
                sql.append(')');
            }
            sql.append(')');
        }
        return sql.toString();
    }

    private static String sql(Test t, String col, Column column, FilterDialect dialect) {
        boolean text = switch (column.type().kind()) {
            case CHAR, VARCHAR, TEXT -> true;
            default -> false;
        };
        return switch (t.op) {
            case NULL -> col + " IS NULL";
            case NOTNULL -> col + " IS NOT NULL";
            case EQ -> text ? dialect.textEquals(col, (String) t.a, column, false)
                    : col + " = " + dialect.literal(t.a, column);
            case NOTEQ -> text ? dialect.textEquals(col, (String) t.a, column, true)
                    : col + " <> " + dialect.literal(t.a, column);
            case LTE -> col + " <= " + dialect.literal(t.a, column);
            case GTE -> col + " >= " + dialect.literal(t.a, column);
            case BETWEEN -> col + " BETWEEN " + dialect.literal(t.a, column) + " AND " + dialect.literal(t.b, column);
            case NOTBETWEEN -> col + " NOT BETWEEN " + dialect.literal(t.a, column) + " AND " + dialect.literal(t.b, column);
        };
    }

    @Override
    public String toString() {
        return "filter of " + table.id();
    }
}
