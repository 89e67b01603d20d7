package dev.ferry.postgres.fuzz;

import dev.ferry.core.spi.TargetTablePrepMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Everything one seed decides: the tables, their rows, the writers and what each writes, where the
 * task is killed (or stopped) and resumed, and the task's settings. The same seed and features give
 * the same scenario.
 */
final class Scenario {

    enum Kill { DURING_LOAD, DURING_CDC, STOP }

    final long seed;
    final Set<Feature> features;
    final List<FuzzTable> tables = new ArrayList<>();
    /** Writer i owns the tables owned.get(i). */
    final List<List<FuzzTable>> owned = new ArrayList<>();
    final List<Kill> kills = new ArrayList<>();
    /** Transactions per writer in each phase: running, down, running, down, ..., running. */
    final int[] phaseTransactions;
    final List<Integer> killDelaysMillis = new ArrayList<>();
    final int maxParallelTables;
    final int cdcBatchSize;
    final int applyMaxChanges;
    final int applyTimeoutMillis;
    final TargetTablePrepMode prepMode;
    final boolean snapshotTimeout;
    final boolean heartbeat;
    /** The table that drops and adds a column mid-stream, and the writer's transaction number when it does; or null. */
    final FuzzTable ddlTable;
    final int ddlAt;
    final int ddlWriter;
    final FuzzTypes types;
    final String taskName;

    Scenario(long seed, Set<Feature> features) {
        this.seed = seed;
        this.features = Set.copyOf(features);
        this.taskName = "fuzz" + Long.toUnsignedString(seed);
        Random r = new Random(seed);
        this.types = new FuzzTypes(features);
        int n = 1 + r.nextInt(5);
        for (int i = 1; i <= n; i++) {
            boolean quotes = features.contains(Feature.QUOTES_IN_NAMES);
            String schema = r.nextInt(5) == 0 ? "fz_other" : r.nextInt(20) == 0 ? (quotes ? "Odd \"Schema\"" : "Odd Schema") : "public";
            String name = switch (r.nextInt(12)) {
                case 0 -> "Mixed Case t" + i;
                case 1 -> quotes ? "t" + i + " \"quoted\"" : "t" + i + " spaced";
                default -> "t" + i;
            };
            tables.add(new FuzzTable(r, features, types, schema, name, i == 1));
        }
        this.snapshotTimeout = features.contains(Feature.SNAPSHOT_TIMEOUT) && r.nextBoolean();
        if (snapshotTimeout && tables.size() < 2) {
            // tables that wait for the one load slot while the snapshot's connection sits idle
            tables.add(new FuzzTable(r, features, types, "public", "t" + (tables.size() + 1), false));
        }
        int writers = tables.size() >= 2 && r.nextInt(4) == 0 ? 2 : 1;
        for (int w = 0; w < writers; w++) {
            owned.add(new ArrayList<>());
        }
        for (int i = 0; i < tables.size(); i++) {
            owned.get(writers == 1 ? 0 : i % writers).add(tables.get(i));
        }
        int killCount = r.nextInt(10) < 7 ? 1 : 2;
        for (int k = 0; k < killCount; k++) {
            int d = r.nextInt(100);
            kills.add(d < 35 ? Kill.DURING_LOAD : d < 85 ? Kill.DURING_CDC : Kill.STOP);
            killDelaysMillis.add(r.nextInt(1500));
        }
        phaseTransactions = new int[2 * killCount + 1];
        for (int i = 0; i < phaseTransactions.length; i++) {
            phaseTransactions[i] = i % 2 == 1 && r.nextInt(5) == 0 ? 0 : 3 + r.nextInt(25);
        }
        boolean bulk = tables.stream().anyMatch(t -> t.bulkRows > 0);
        this.maxParallelTables = snapshotTimeout ? 1 : 1 + r.nextInt(4);
        int[] batches = {1, 7, 50, 500, 0};
        int cdc = batches[r.nextInt(batches.length)];
        this.cdcBatchSize = cdc == 1 && bulk ? 50 : cdc;
        int[] applies = {0, 3, 50, 1000};
        this.applyMaxChanges = applies[r.nextInt(applies.length)];
        this.applyTimeoutMillis = r.nextBoolean() ? 200 : 1000;
        this.prepMode = r.nextInt(4) == 0 ? TargetTablePrepMode.TRUNCATE_BEFORE_LOAD : TargetTablePrepMode.DROP_AND_CREATE;
        this.heartbeat = features.contains(Feature.HEARTBEAT) && r.nextBoolean();
        if (features.contains(Feature.DROP_ADD_COLUMN) && r.nextInt(3) != 0) {
            FuzzTable t = tables.get(r.nextInt(tables.size()));
            int w = 0;
            while (!owned.get(w).contains(t)) {
                w++;
            }
            int total = 0;
            for (int i = 0; i < phaseTransactions.length; i++) {
                total += phaseTransactions[i];
            }
            this.ddlTable = t;
            // half the time in the last phase, after the last restart: the task that saw the old columns meets the new
            int last = phaseTransactions[phaseTransactions.length - 1];
            this.ddlAt = r.nextBoolean() && last > 1 ? total - last + r.nextInt(last - 1) : r.nextInt(Math.max(1, total));
            this.ddlWriter = w;
        } else {
            this.ddlTable = null;
            this.ddlAt = -1;
            this.ddlWriter = -1;
        }
        if (snapshotTimeout) {
            // a table large enough that the others wait for the load slot longer than the timeout
            tables.get(0).forceBulk(60_000);
        }
    }


    long writerSeed(int w) {
        return seed * 1_000_003L + 17 * (w + 1);
    }

    long dataSeed() {
        return seed * 7_919L + 3;
    }

    String describe() {
        StringJoiner j = new StringJoiner("\n");
        j.add("seed " + Long.toUnsignedString(seed) + ", features " + Feature.spec(features));
        j.add("writers " + owned.size() + ", kills " + kills + " after " + killDelaysMillis + " ms, transactions per phase "
                + java.util.Arrays.toString(phaseTransactions));
        j.add("maxParallelTables " + maxParallelTables + ", cdcBatchSize " + cdcBatchSize + ", BatchSplitSize " + applyMaxChanges
                + ", BatchApplyTimeout " + applyTimeoutMillis + " ms, " + prepMode + (snapshotTimeout ? ", idle_in_transaction_session_timeout 100ms" : "")
                + (heartbeat ? ", heartbeat check" : ""));
        if (ddlTable != null) {
            j.add("drop + add column on " + ddlTable.q() + " at transaction " + ddlAt + " of writer " + ddlWriter);
        }
        for (FuzzTable t : tables) {
            j.add("table " + t.q() + ": " + t.shape() + "; expect " + t.expect + (t.suspect.isEmpty() ? "" : " (" + t.suspect + ")"));
            StringJoiner cols = new StringJoiner(", ");
            for (FuzzTable.Column c : t.columns) {
                cols.add(c.name + " " + c.type.ddl());
            }
            j.add("  columns: " + cols);
        }
        return j.toString();
    }
}
