package dev.ferry.postgres.fuzz;

import dev.ferry.postgres.fuzz.FuzzTable.Column;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Compares a table on the source and the target row by row, value by value in each column's
 * comparison form ({@link FuzzType#compareExpression}), and describes the difference: rows of one key
 * that differ with the columns that differ, rows missing on the target, rows only the target has.
 */
final class RowDiff {
    private static final int SHOWN = 5;

    private RowDiff() {
    }

    /** Null when the table holds the same rows on both sides, else what differs. */
    static String diff(Connection source, Connection target, FuzzTable t) throws SQLException {
        List<Column> cols = new ArrayList<>(t.columns);
        StringJoiner sel = new StringJoiner(", ");
        for (Column c : cols) {
            sel.add("CASE WHEN num_nulls(" + c.q() + ") = 1 THEN NULL ELSE " + c.type.compareExpression(c.q()) + " END");
        }
        String sql = "SELECT " + sel + " FROM " + t.q();
        List<String[]> src = read(source, sql);
        List<String[]> dst;
        try {
            dst = read(target, sql);
        } catch (SQLException e) {
            List<String[]> raw;
            try {
                raw = read(target, "SELECT * FROM " + t.q() + " LIMIT 3");
            } catch (SQLException e2) {
                raw = List.of();
            }
            return "the target table cannot be read as the source's (" + e.getMessage().replace('\n', ' ') + "); first target rows: "
                    + raw.stream().map(RowDiff::show).toList();
        }
        List<Integer> keyIdx = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
            if (!t.keyless && t.key().contains(cols.get(i))) {
                keyIdx.add(i);
            }
        }
        Map<String, Integer> bag = new HashMap<>();
        for (String[] row : src) {
            bag.merge(join(row), 1, Integer::sum);
        }
        for (String[] row : dst) {
            bag.merge(join(row), -1, Integer::sum);
        }
        if (bag.values().stream().allMatch(v -> v == 0)) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        out.append(src.size()).append(" rows on the source, ").append(dst.size()).append(" on the target");
        if (!keyIdx.isEmpty()) {
            Map<String, String[]> byKeySrc = byKey(src, keyIdx);
            Map<String, String[]> byKeyDst = byKey(dst, keyIdx);
            List<String> differ = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            List<String> extra = new ArrayList<>();
            int nDiffer = 0;
            int nMissing = 0;
            int nExtra = 0;
            for (Map.Entry<String, String[]> e : byKeySrc.entrySet()) {
                String[] other = byKeyDst.get(e.getKey());
                if (other == null) {
                    if (nMissing++ < SHOWN) {
                        missing.add(show(cols, e.getValue()));
                    }
                } else if (!Arrays.equals(other, e.getValue())) {
                    if (nDiffer++ < SHOWN) {
                        StringJoiner cj = new StringJoiner("; ");
                        for (int i = 0; i < cols.size(); i++) {
                            if (!java.util.Objects.equals(e.getValue()[i], other[i])) {
                                cj.add(cols.get(i).name + " (" + cols.get(i).type.ddl() + "): source " + value(e.getValue()[i])
                                        + ", target " + value(other[i]));
                            }
                        }
                        differ.add("key " + e.getKey() + ": " + cj);
                    }
                }
            }
            for (Map.Entry<String, String[]> e : byKeyDst.entrySet()) {
                if (!byKeySrc.containsKey(e.getKey()) && nExtra++ < SHOWN) {
                    extra.add(show(cols, e.getValue()));
                }
            }
            out.append("; ").append(nDiffer).append(" rows differ, ").append(nMissing).append(" missing on the target, ")
                    .append(countExtra(byKeySrc, byKeyDst)).append(" only on the target");
            if (!differ.isEmpty()) {
                out.append("\n    differing (first ").append(SHOWN).append("):\n      ").append(String.join("\n      ", differ));
            }
            if (!missing.isEmpty()) {
                out.append("\n    missing on the target:\n      ").append(String.join("\n      ", missing));
            }
            if (!extra.isEmpty()) {
                out.append("\n    only on the target:\n      ").append(String.join("\n      ", extra));
            }
        } else {
            List<String> missing = new ArrayList<>();
            List<String> extra = new ArrayList<>();
            Map<String, String[]> sample = new HashMap<>();
            for (String[] row : src) {
                sample.putIfAbsent(join(row), row);
            }
            for (String[] row : dst) {
                sample.putIfAbsent(join(row), row);
            }
            int nMissing = 0;
            int nExtra = 0;
            for (Map.Entry<String, Integer> e : bag.entrySet()) {
                if (e.getValue() > 0) {
                    nMissing += e.getValue();
                    if (missing.size() < SHOWN) {
                        missing.add(e.getValue() + " x " + show(cols, sample.get(e.getKey())));
                    }
                } else if (e.getValue() < 0) {
                    nExtra -= e.getValue();
                    if (extra.size() < SHOWN) {
                        extra.add(-e.getValue() + " x " + show(cols, sample.get(e.getKey())));
                    }
                }
            }
            out.append("; ").append(nMissing).append(" source rows missing on the target, ").append(nExtra).append(" target rows not on the source");
            if (!missing.isEmpty()) {
                out.append("\n    missing on the target:\n      ").append(String.join("\n      ", missing));
            }
            if (!extra.isEmpty()) {
                out.append("\n    only on the target:\n      ").append(String.join("\n      ", extra));
            }
        }
        return out.toString();
    }

    private static int countExtra(Map<String, String[]> src, Map<String, String[]> dst) {
        int n = 0;
        for (String k : dst.keySet()) {
            if (!src.containsKey(k)) {
                n++;
            }
        }
        return n;
    }

    private static Map<String, String[]> byKey(List<String[]> rows, List<Integer> keyIdx) {
        Map<String, String[]> m = new LinkedHashMap<>();
        for (String[] row : rows) {
            StringJoiner k = new StringJoiner(", ", "(", ")");
            for (int i : keyIdx) {
                k.add(value(row[i]));
            }
            m.put(k.toString(), row);
        }
        return m;
    }

    private static List<String[]> read(Connection c, String sql) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String join(String[] row) {
        StringBuilder sb = new StringBuilder();
        for (String v : row) {
            sb.append(v == null ? "\u0001N" : v.replace("\u0001", "\u0001\u0001")).append('\u0000');
        }
        return sb.toString();
    }

    private static String value(String v) {
        if (v == null) {
            return "NULL";
        }
        String s = v.length() > 120 ? v.substring(0, 60) + "...(" + v.length() + " chars)" : v;
        return "'" + s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "'";
    }

    private static String show(String[] row) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (String v : row) {
            j.add(value(v));
        }
        return j.toString();
    }

    private static String show(List<Column> cols, String[] row) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < row.length; i++) {
            j.add(cols.get(i).name + "=" + value(row[i]));
        }
        return j.toString();
    }
}
