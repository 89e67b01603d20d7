package dev.ferry.cli;

import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TableStats;
import dev.ferry.core.task.TaskStatus;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints live progress of a task every few seconds: per table in the full load (rows of
 * estimate, rate), then CDC totals (changes applied, rate, lag).
 */
final class Progress implements AutoCloseable {
    private final FerryTask task;
    private final PrintStream out;
    private final ScheduledExecutorService timer;
    private final Map<String, Long> lastRows = new HashMap<>();
    private long lastChanges = -1;
    private long lastAt = System.nanoTime();

    Progress(FerryTask task, PrintStream out, long everyMillis) {
        this.task = task;
        this.out = out;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::print, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void print() {
        TaskStatus s = task.status();
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastAt) / 1e9);
        lastAt = now;
        // tables load in the full load, and while CDC runs when they were selected after the task started
        if ("full load".equals(s.phase()) || s.phase().startsWith("cdc")) {
            for (TableStats t : s.tables()) {
                if (t.state() != TableState.FULL_LOAD) {
                    continue;
                }
                String key = t.table().toString();
                long before = lastRows.getOrDefault(key, 0L);
                lastRows.put(key, t.fullLoadRows());
                String of = t.estimatedRows() > 0
                        ? String.format(" of ~%,d (%d%%)", t.estimatedRows(), Math.min(100, t.fullLoadRows() * 100 / t.estimatedRows()))
                        : "";
                out.printf("  loading %-40s %,12d rows%s  %,.0f rows/s%n", key, t.fullLoadRows(), of,
                        (t.fullLoadRows() - before) / seconds);
            }
        }
        if (s.phase().startsWith("cdc")) {
            long changes = s.appliedChanges();
            double rate = lastChanges < 0 ? 0 : (changes - lastChanges) / seconds;
            lastChanges = changes;
            out.printf("  cdc: %,d changes applied (%,.0f/s), %d batches, position %s, lag %s%n", changes, rate,
                    s.cdcBatches(), s.appliedPosition(), s.lagMillis() < 0 ? "-" : String.format("%.1f s", s.lagMillis() / 1000.0));
        }
        out.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
