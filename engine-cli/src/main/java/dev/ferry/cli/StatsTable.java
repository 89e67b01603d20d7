package dev.ferry.cli;

import dev.ferry.core.task.TableStats;
import dev.ferry.core.task.TaskStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders table statistics as a plain text table, the columns DMS shows. */
final class StatsTable {
    private StatsTable() {
    }

    static String render(TaskStatus status, Map<String, String> extraColumn, String extraTitle) {
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("table", "state", "full load rows", "inserts", "updates", "deletes", "ddls"));
        // limited LOB mode: shown only when a value was cut, so the usual table stays as DMS shows it
        boolean truncated = status.tables().stream().anyMatch(t -> t.lobTruncations() > 0);
        if (truncated) {
            header.add("lob truncations");
        }
        if (extraColumn != null) {
            header.add(extraTitle);
        }
        rows.add(header.toArray(String[]::new));
        for (TableStats t : status.tables()) {
            List<String> r = new ArrayList<>(List.of(t.table().toString(), t.state().label(), String.valueOf(t.fullLoadRows()),
                    String.valueOf(t.inserts()), String.valueOf(t.updates()), String.valueOf(t.deletes()), String.valueOf(t.ddls())));
            if (truncated) {
                r.add(String.valueOf(t.lobTruncations()));
            }
            if (extraColumn != null) {
                r.add(extraColumn.getOrDefault(t.table().toString(), ""));
            }
            rows.add(r.toArray(String[]::new));
        }
        int[] width = new int[header.size()];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < rows.size(); n++) {
            String[] r = rows.get(n);
            for (int i = 0; i < r.length; i++) {
                boolean number = i >= 2 && i < (truncated ? 8 : 7) && n > 0;
                String cell = number ? " ".repeat(width[i] - r[i].length()) + r[i] : r[i] + " ".repeat(width[i] - r[i].length());
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            sb.append('\n');
            if (n == 0) {
                for (int i = 0; i < width.length; i++) {
                    sb.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
