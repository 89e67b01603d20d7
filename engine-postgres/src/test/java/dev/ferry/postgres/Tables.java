package dev.ferry.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Row-by-row comparison of a table on two databases, through each row's text form. */
public final class Tables {
    private Tables() {
    }

    public static List<String> rows(Connection c, String qualifiedTable) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (x.*)::text FROM " + qualifiedTable + " x ORDER BY 1")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /** Asserts both tables hold the same rows (as a multiset), naming the first difference. */
    public static void assertSameRows(Connection source, Connection target, String qualifiedTable) throws SQLException {
        List<String> expected = rows(source, qualifiedTable);
        List<String> actual = rows(target, qualifiedTable);
        if (!expected.equals(actual)) {
            List<String> missing = new ArrayList<>(expected);
            actual.forEach(missing::remove);
            List<String> extra = new ArrayList<>(actual);
            expected.forEach(extra::remove);
            String firstDiff = "";
            if (!missing.isEmpty() && !extra.isEmpty()) {
                String a = missing.get(0);
                String b = extra.get(0);
                int i = 0;
                while (i < Math.min(a.length(), b.length()) && a.charAt(i) == b.charAt(i)) {
                    i++;
                }
                int from = Math.max(0, i - 40);
                firstDiff = "; first difference at char " + i + ": source '..." + a.substring(from, Math.min(a.length(), i + 80))
                        + "' target '..." + b.substring(from, Math.min(b.length(), i + 80)) + "'";
            }
            assertThat(actual).as("table " + qualifiedTable + ": " + expected.size() + " rows on the source, " + actual.size()
                    + " on the target; missing on target (first 5): " + missing.stream().limit(5).map(Tables::shorten).toList()
                    + "; extra on target (first 5): " + extra.stream().limit(5).map(Tables::shorten).toList()
                    + firstDiff).hasSize(-1);
        }
        assertThat(actual).hasSameSizeAs(expected);
    }

    private static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
    }

    public static long count(Connection c, String qualifiedTable) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + qualifiedTable)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
