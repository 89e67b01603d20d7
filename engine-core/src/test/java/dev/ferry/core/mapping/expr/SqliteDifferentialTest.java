package dev.ferry.core.mapping.expr;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Evaluates thousands of generated expressions in Ferry and in a real sqlite3 (the command-line
 * shell, when the machine has one; skipped otherwise) over the same rows, and compares type and
 * text of every result. The generator writes operators without parentheses at random, so the
 * precedence of both parsers is compared too. Columns have the SQLite types matching their
 * Ferry types (INTEGER, REAL, TEXT, BLOB), so affinity is compared as well.
 */
class SqliteDifferentialTest {

    private static final TableSchema T = new TableSchema(new TableId("main", "t"), List.of(
            new Column("i", LogicalType.of(TypeKind.INT64), true),
            new Column("r", LogicalType.of(TypeKind.FLOAT64), true),
            new Column("s", LogicalType.of(TypeKind.TEXT), true),
            new Column("n", LogicalType.of(TypeKind.TEXT), true),
            new Column("b", LogicalType.of(TypeKind.BYTES), true),
            new Column("z", LogicalType.of(TypeKind.INT64), true)), List.of());

    private static final Object[][] ROWS = {
            {7L, 2.5, "Abc", "12", new byte[] {0x41}, null},
            {-3L, -0.5, "hello world", " 1.5 ", new byte[0], 0L},
            {0L, 1e15, "", "abc", new byte[] {0x41, 0x42}, Long.MAX_VALUE},
    };
    private static final String INSERTS = "INSERT INTO t VALUES (7, 2.5, 'Abc', '12', X'41', NULL),"
            + " (-3, -0.5, 'hello world', ' 1.5 ', X'', 0),"
            + " (0, 1e15, '', 'abc', X'4142', 9223372036854775807);";

    private static final String[] COLUMNS = {"$i", "$r", "$s", "$n", "$b", "$z"};
    private static final String[] INTS = {"0", "1", "2", "3", "-1", "7", "10", "9223372036854775807", "0x10"};
    private static final String[] REALS = {"0.5", "2.0", "-1.25", "1e3", ".5", "1e20", "3.14159", "1.0e-7"};
    private static final String[] TEXTS = {"'abc'", "'12'", "'1.5x'", "''", "' 7 '", "'ABC'", "'a%'", "'a_c'",
            "'2024-03-05 10:11:12'", "'Abc'", "'-4'", "'1e2'", "\"dq\"", "'x''y'", "'12abc'", "'2.0'"};
    private static final String[] DATES = {"'2024-03-05'", "'2024-03-05 10:11:12.345'", "'2024-01-31T23:59:59'",
            "'10:11'", "'2024-02-29 12:00:00+02:00'", "2460374.5", "'now'", "1709633472", "'2000-01-01 00:00:00Z'",
            "'garbage'", "'2023-02-31'", "'0000-01-01'", "'9999-12-31 23:59:59'"};
    private static final String[] MODIFIERS = {"'+1 day'", "'-3 months'", "'+1 month'", "'start of month'",
            "'start of year'", "'start of day'", "'weekday 0'", "'weekday 3'", "'+2 hours'", "'-90 minutes'",
            "'+1.5 seconds'", "'+1 year'", "'unixepoch'", "'+10:30'", "'-01:15:30.5'", "'localtime'", "'utc'",
            "'julianday'", "'auto'", "'bad modifier'", "'+12 months'", "'-1 years'"};
    private static final String[] FORMATS = {"'%Y-%m-%d'", "'%H:%M:%S'", "'%j %W %w'", "'%s'", "'%f'", "'%J'",
            "'%%'", "'%d/%m/%Y %H'", "'%q'", "'x'"};
    private static final String[] BINARY = {"||", "*", "/", "%", "+", "-", "<<", ">>", "&", "|", "<", "<=", ">",
            ">=", "=", "==", "!=", "<>", "IS", "IS NOT", "AND", "OR", "LIKE", "NOT LIKE", "GLOB"};
    private static final String[] CASTS = {"INTEGER", "REAL", "TEXT", "NUMERIC", "BLOB", "VARCHAR(10)", "BIGINT"};

    private final Random rnd = new Random(Long.getLong("ferry.expr.seed", 20261125L));

    private String pick(String[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private String leaf() {
        return switch (rnd.nextInt(6)) {
            case 0, 1 -> pick(COLUMNS);
            case 2 -> pick(INTS);
            case 3 -> pick(REALS);
            case 4 -> pick(TEXTS);
            default -> rnd.nextInt(4) == 0 ? "X'41'" : "NULL";
        };
    }

    private String maybeParen(String e) {
        return rnd.nextInt(3) == 0 ? "(" + e + ")" : e;
    }

    private String gen(int depth) {
        if (depth <= 0 || rnd.nextInt(5) == 0) {
            return leaf();
        }
        int d = depth - 1;
        switch (rnd.nextInt(14)) {
            case 0, 1, 2, 3:
                return maybeParen(gen(d)) + " " + pick(BINARY) + " " + maybeParen(gen(d));
            case 4:
                return pick(new String[] {"- ", "+ ", "NOT ", "~ "}) + maybeParen(gen(d));
            case 5:
                return maybeParen(gen(d)) + (rnd.nextBoolean() ? " BETWEEN " : " NOT BETWEEN ") + maybeParen(gen(d))
                        + " AND " + maybeParen(gen(d));
            case 6:
                return maybeParen(gen(d)) + (rnd.nextBoolean() ? " IN (" : " NOT IN (") + gen(d) + ", " + gen(d)
                        + (rnd.nextBoolean() ? ", " + gen(d) : "") + ")";
            case 7: {
                StringBuilder sb = new StringBuilder("CASE ");
                if (rnd.nextBoolean()) {
                    sb.append(gen(d)).append(' ');
                }
                int n = 1 + rnd.nextInt(2);
                for (int k = 0; k < n; k++) {
                    sb.append("WHEN ").append(gen(d)).append(" THEN ").append(gen(d)).append(' ');
                }
                if (rnd.nextBoolean()) {
                    sb.append("ELSE ").append(gen(d)).append(' ');
                }
                return sb.append("END").toString();
            }
            case 8:
                return "CAST(" + gen(d) + " AS " + pick(CASTS) + ")";
            case 9:
                return dateCall();
            default:
                return call(d);
        }
    }

    private String call(int d) {
        return switch (rnd.nextInt(22)) {
            case 0 -> "lower(" + gen(d) + ")";
            case 1 -> "upper(" + gen(d) + ")";
            case 2 -> "length(" + gen(d) + ")";
            case 3 -> "abs(" + gen(d) + ")";
            case 4 -> "round(" + gen(d) + ")";
            case 5 -> "round(" + gen(d) + ", " + pick(new String[] {"0", "1", "2", "3", "-1", "'2'"}) + ")";
            case 6 -> "substr(" + gen(d) + ", " + pick(new String[] {"0", "1", "2", "-2", "-10", "5"}) + ")";
            case 7 -> "substr(" + gen(d) + ", " + pick(new String[] {"0", "1", "2", "-2", "-10"}) + ", "
                    + pick(new String[] {"0", "1", "3", "-1", "-3", "100"}) + ")";
            case 8 -> pick(new String[] {"trim", "ltrim", "rtrim"}) + "(" + gen(d)
                    + (rnd.nextBoolean() ? ", " + pick(new String[] {"'a'", "'xA'", "' '", "'1'"}) : "") + ")";
            case 9 -> "replace(" + gen(d) + ", " + pick(new String[] {"'a'", "''", "'1'", "'l'"}) + ", " + gen(d) + ")";
            case 10 -> "coalesce(" + gen(d) + ", " + gen(d) + ")";
            case 11 -> "ifnull(" + gen(d) + ", " + gen(d) + ")";
            case 12 -> "nullif(" + gen(d) + ", " + gen(d) + ")";
            case 13 -> "hex(" + gen(d) + ")";
            case 14 -> "typeof(" + gen(d) + ")";
            case 15 -> "instr(" + gen(d) + ", " + gen(d) + ")";
            case 16 -> "max(" + gen(d) + ", " + gen(d) + ")";
            case 17 -> "min(" + gen(d) + ", " + gen(d) + ", " + gen(d) + ")";
            case 18 -> "iif(" + gen(d) + ", " + gen(d) + ", " + gen(d) + ")";
            case 19 -> "coalesce(" + gen(d) + ", " + gen(d) + ", " + gen(d) + ")";
            case 20 -> gen(d) + " IS " + pick(new String[] {"TRUE", "FALSE", "NOT TRUE", "NOT FALSE", "NULL"});
            default -> gen(d) + pick(new String[] {" ISNULL", " NOTNULL", " NOT NULL"});
        };
    }

    private String dateCall() {
        StringBuilder mods = new StringBuilder();
        int n = rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            mods.append(", ").append(pick(MODIFIERS));
        }
        String value = pick(DATES);
        return switch (rnd.nextInt(5)) {
            case 0 -> "date(" + value + mods + ")";
            case 1 -> "time(" + value + mods + ")";
            case 2 -> "datetime(" + value + mods + ")";
            case 3 -> "julianday(" + value + mods + ")";
            default -> "strftime(" + pick(FORMATS) + ", " + value + mods + ")";
        };
    }

    private static String sqliteBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            java.io.File f = new java.io.File(dir, "sqlite3");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private static String version(String binary) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary, "-version").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out;
        try (InputStream o = p.getInputStream()) {
            out = new String(o.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** Runs the script through sqlite3 and returns its output lines by expression number. */
    private static Map<Integer, List<String>> runSqlite(String binary, String script) throws IOException, InterruptedException {
        // the script goes through a file: writing it to stdin while sqlite3 fills stdout would deadlock
        java.nio.file.Path in = java.nio.file.Files.createTempFile("ferry-expr", ".sql");
        try {
            java.nio.file.Files.writeString(in, script);
            Process p = new ProcessBuilder(binary, "-batch", "-noheader", "-separator", "\t", ":memory:")
                    .redirectInput(in.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out;
            try (InputStream o = p.getInputStream()) {
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return parse(out);
        } finally {
            java.nio.file.Files.deleteIfExists(in);
        }
    }

    private static Map<Integer, List<String>> parse(String out) {
        Map<Integer, List<String>> byExpr = new HashMap<>();
        for (String line : out.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            byExpr.computeIfAbsent(Integer.parseInt(line.substring(0, tab)), k -> new ArrayList<>())
                    .add(line.substring(tab + 1));
        }
        return byExpr;
    }

    private static String show(Object v) {
        String type = Values.typeof(v);
        String text = v == null ? "" : v instanceof byte[] b ? Functions.hexOf(b, true) : Values.text(v);
        return type + "\t" + text;
    }

    @Test
    @DisplayName("when thousands of generated expressions run in Ferry and in sqlite3 then every result has the same type and text")
    void sameResultsAsSqlite() throws Exception {
        String binary = sqliteBinary();
        assumeTrue(binary != null, "no sqlite3 on this machine");
        String version = version(binary);
        // Ferry follows SQLite 3.40 (Debian 12's); later versions changed details (date edge cases, printing)
        assumeTrue(version.startsWith("3.40."), "sqlite3 " + version + " is not 3.40");
        int count = 4000;
        List<String> expressions = new ArrayList<>();
        StringBuilder script = new StringBuilder("CREATE TABLE t(i INTEGER, r REAL, s TEXT, n TEXT, b BLOB, z INTEGER);\n")
                .append(INSERTS).append('\n');
        for (int k = 0; k < count; k++) {
            String e = gen(1 + rnd.nextInt(4));
            expressions.add(e);
            String sql = e.replace("$", "");
            // 'now' would be the wall clock in sqlite3; Ferry's is the header's time: compare on a fixed date
            sql = sql.replace("'now'", "'2026-11-25 10:00:00'");
            script.append("SELECT ").append(k).append(", typeof(v), CASE WHEN typeof(v) = 'blob' THEN hex(v)")
                    .append(" ELSE CAST(v AS TEXT) END FROM (SELECT (").append(sql).append(") AS v FROM t ORDER BY rowid);\n");
        }
        Map<Integer, List<String>> expected = runSqlite(binary, script.toString());
        ChangeHeader header = ChangeHeader.fullLoad(Instant.parse("2026-11-25T10:00:00Z"));
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (int k = 0; k < count; k++) {
            String e = expressions.get(k);
            List<String> want = expected.get(k);
            List<String> got = new ArrayList<>();
            try {
                Expression x = Expression.compile(e, T, null, "test");
                for (Object[] row : ROWS) {
                    got.add(show(x.evaluate(row, header)));
                }
            } catch (FerryException ex) {
                if (want != null) {
                    mismatches.add(e + "\n   sqlite: " + want + "\n   ferry:  " + ex.getMessage());
                }
                continue;
            }
            if (want == null) {
                mismatches.add(e + "\n   sqlite: error\n   ferry:  " + got);
            } else if (!want.equals(got)) {
                mismatches.add(e + "\n   sqlite: " + want + "\n   ferry:  " + got);
            } else {
                compared++;
            }
        }
        java.nio.file.Files.write(java.nio.file.Path.of("target", "sqlite-differences.txt"), mismatches);
        assertThat(mismatches).as("expressions whose results differ from sqlite3 (" + compared + " agree)")
                .isEmpty();
        assertThat(compared).isGreaterThan(count * 9 / 10);
    }
}
