package dev.ferry.cli;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.ChangeApplier;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.BatchLimits;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.ForwardingChangeStream;
import dev.ferry.core.spi.ForwardingSource;
import dev.ferry.core.spi.Checkpoint;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.Target;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.NetChangeReducer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code ferry bench}: throughput of Ferry against the ceiling of the same machine, in one run. */
@Command(name = "bench", description = "Measure throughput on embedded PostgreSQL servers.",
        subcommands = {BenchCommand.FullLoad.class, BenchCommand.Ranges.class, BenchCommand.Cdc.class})
final class BenchCommand {

    static final String ITEMS_DDL = "(id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2), name text, "
            + "created timestamptz, active boolean, ref uuid)";

    static void createItems(Connection c, long rows) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS bench");
            st.execute("CREATE TABLE bench.items " + ITEMS_DDL);
            st.execute("INSERT INTO bench.items SELECT g, (g % 100000)::int, (g % 1000000) / 100.0, 'item name ' || g, "
                    + "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g % 3 = 0, md5(g::text)::uuid "
                    + "FROM generate_series(1, " + rows + ") g");
            st.execute("VACUUM ANALYZE bench.items");
        }
    }

    @Command(name = "full-load", description = "Ferry's full load against a direct COPY TO STDOUT -> COPY FROM STDIN pipe.")
    static final class FullLoad implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "5000000", description = "Rows in the 7-column table (default 5000000).")
        long rows;

        @Option(names = "--runs", defaultValue = "2", description = "Runs of each, best reported (default 2).")
        int runs;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            out.println("ferry bench full-load: starting two embedded PostgreSQL servers...");
            try (EmbeddedServers servers = new EmbeddedServers("bench")) {
                long t0 = System.nanoTime();
                try (Connection c = servers.connect(servers.source)) {
                    createItems(c, rows);
                }
                out.printf("ferry bench full-load: %,d rows x 7 columns generated in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
                double bestPipe = 0;
                double bestFerry = 0;
                out.printf("%-5s %22s %22s %8s%n", "run", "COPY pipe (rows/s)", "ferry (rows/s)", "ratio");
                for (int run = 1; run <= runs; run++) {
                    double pipe = pipe(servers, rows);
                    double ferry = ferry(servers, rows);
                    bestPipe = Math.max(bestPipe, pipe);
                    bestFerry = Math.max(bestFerry, ferry);
                    out.printf("%-5d %,22.0f %,22.0f %8.2f%n", run, pipe, ferry, ferry / pipe);
                }
                out.printf("%-5s %,22.0f %,22.0f %8.2f%n", "best", bestPipe, bestFerry, bestFerry / bestPipe);
                out.printf("ferry bench full-load: ferry loads at %.2f x the COPY pipe ceiling%n", bestFerry / bestPipe);
            }
            return 0;
        }

        /** The ceiling: raw binary COPY bytes from source to target, no decoding, one thread. */
        private static double pipe(EmbeddedServers servers, long rows) throws Exception {
            try (Connection s = servers.connect(servers.source);
                 Connection t = servers.connect(servers.target)) {
                try (Statement st = t.createStatement()) {
                    st.execute("CREATE SCHEMA IF NOT EXISTS pipe");
                    st.execute("DROP TABLE IF EXISTS pipe.items");
                    st.execute("CREATE TABLE pipe.items " + ITEMS_DDL);
                }
                t.setAutoCommit(false);
                s.setAutoCommit(false);
                long start = System.nanoTime();
                CopyOut from = s.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY bench.items TO STDOUT (FORMAT binary)");
                CopyIn to = t.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY pipe.items FROM STDIN (FORMAT binary)");
                byte[] chunk;
                while ((chunk = from.readFromCopy()) != null) {
                    to.writeToCopy(chunk, 0, chunk.length);
                }
                long copied = to.endCopy();
                t.commit();
                s.commit();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (copied != rows) {
                    throw new FerryException("pipe copied " + copied + " rows, expected " + rows);
                }
                return rows / seconds;
            }
        }

        private static double ferry(EmbeddedServers servers, long rows) throws Exception {
            long start = System.nanoTime();
            try (FerryTask task = Ferry.task("bench-full-load").source(servers.endpoint(servers.source))
                    .target(servers.endpoint(servers.target)).migrationType(MigrationType.FULL_LOAD).build()) {
                task.start();
                if (!task.awaitFinished(Duration.ofHours(1)) || task.status().fullLoadRows() != rows) {
                    throw new FerryException("ferry full load failed: " + task.status().error());
                }
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }

    @Command(name = "ranges", description = "One big table: Ferry's full load in one stream against the same load split "
            + "by itself into ranges of its key, each checked complete by count and checksum.")
    static final class Ranges implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "5000000", description = "Rows in the 7-column table (default 5000000).")
        long rows;

        @Option(names = "--runs", defaultValue = "2", description = "Runs of each, best reported (default 2).")
        int runs;

        @Option(names = "--subtasks", defaultValue = "8", description = "MaxFullLoadSubTasks: the most ranges (default 8).")
        int subTasks;

        @Option(names = "--split-rows", defaultValue = "" + FerryTask.DEFAULT_AUTO_SPLIT_ROWS,
                description = "Rows per range of the automatic split (default ${DEFAULT-VALUE}).")
        long splitRows;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            out.println("ferry bench ranges: starting two embedded PostgreSQL servers...");
            try (EmbeddedServers servers = new EmbeddedServers("bench")) {
                long t0 = System.nanoTime();
                String expected;
                try (Connection c = servers.connect(servers.source)) {
                    createItems(c, rows);
                    expected = checksum(c);
                }
                out.printf("ferry bench ranges: %,d rows x 7 columns generated in %.1f s; source %s%n", rows,
                        (System.nanoTime() - t0) / 1e9, expected);
                long ranges = Math.min(Math.min(subTasks, Math.max(2, Runtime.getRuntime().availableProcessors())),
                        rows / Math.max(1, splitRows));
                out.printf("ferry bench ranges: automatic split into %d ranges of the key (MaxFullLoadSubTasks %d, %d cores, %,d "
                        + "rows per range); each range holds at most %d blocks of %d rows or %d MiB in its queue; max heap %d MiB%n",
                        ranges < 2 ? 1 : ranges, subTasks, Runtime.getRuntime().availableProcessors(), splitRows, 4, 1024, 4, Runtime.getRuntime().maxMemory() >> 20);
                try (Connection c = servers.connect(servers.source); Statement st = c.createStatement();
                     java.sql.ResultSet rs = st.executeQuery("EXPLAIN SELECT * FROM ONLY bench.items WHERE id >= " + (rows / 5)
                             + " AND id < " + (2 * rows / 5))) {
                    rs.next();
                    out.println("ferry bench ranges: a range's read on the source: " + rs.getString(1).trim());
                }
                out.printf("%-5s %20s %12s %20s %12s %8s%n", "run", "one stream (rows/s)", "peak heap", "ranges (rows/s)",
                        "peak heap", "ratio");
                double bestOne = 0;
                double bestRanges = 0;
                for (int run = 1; run <= runs; run++) {
                    long[] heapOne = new long[1];
                    long[] heapRanges = new long[1];
                    double one = load(servers, 0, expected, heapOne);
                    double split = load(servers, splitRows, expected, heapRanges);
                    bestOne = Math.max(bestOne, one);
                    bestRanges = Math.max(bestRanges, split);
                    out.printf("%-5d %,20.0f %9d MiB %,20.0f %9d MiB %8.2f%n", run, one, heapOne[0] >> 20, split,
                            heapRanges[0] >> 20, split / one);
                }
                out.printf("%-5s %,20.0f %12s %,20.0f %12s %8.2f%n", "best", bestOne, "", bestRanges, "", bestRanges / bestOne);
                out.printf("ferry bench ranges: automatic ranges load at %.2f x the single stream; every load checked complete "
                        + "(count and checksum equal to the source's)%n", bestRanges / bestOne);
            }
            return 0;
        }

        /** Loads bench.items with automatic splits of {@code splitRows} rows (0: one stream), checks it, returns rows/s. */
        private double load(EmbeddedServers servers, long splitRows, String expected, long[] peakHeap) throws Exception {
            System.gc();
            List<java.lang.management.MemoryPoolMXBean> heap = new ArrayList<>();
            for (java.lang.management.MemoryPoolMXBean p : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == java.lang.management.MemoryType.HEAP) {
                    p.resetPeakUsage();
                    heap.add(p);
                }
            }
            long start = System.nanoTime();
            try (FerryTask task = Ferry.task("bench-ranges").source(servers.endpoint(servers.source))
                    .target(servers.endpoint(servers.target)).migrationType(MigrationType.FULL_LOAD).reload(true)
                    .maxParallelTables(subTasks).autoSplitRows(splitRows).build()) {
                task.start();
                if (!task.awaitFinished(Duration.ofHours(1)) || task.status().fullLoadRows() != rows) {
                    throw new FerryException("ferry full load failed: " + task.status().error());
                }
            }
            double rate = rows / ((System.nanoTime() - start) / 1e9);
            for (java.lang.management.MemoryPoolMXBean p : heap) {
                peakHeap[0] += p.getPeakUsage().getUsed();
            }
            try (Connection t = servers.connect(servers.target)) {
                String actual = checksum(t);
                if (!actual.equals(expected)) {
                    throw new FerryException("the target holds " + actual + ", the source " + expected);
                }
            }
            return rate;
        }

        /** Row count and the sum of every row's 64-bit hash of its text form: equal tables give equal sums. */
        private static String checksum(Connection c) throws Exception {
            try (Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(hashtextextended(i::text, 0)), 0) "
                         + "FROM bench.items i")) {
                rs.next();
                return rs.getLong(1) + " rows, checksum " + rs.getString(2);
            }
        }
    }

    @Command(name = "cdc", description = "End-to-end CDC catch-up rate, and the target's apply rate alone.")
    static final class Cdc implements Callable<Integer> {
        @Option(names = "--changes", defaultValue = "1000000", description = "Changes made while the task is stopped (default 1000000).")
        int changes;

        @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the table before the changes (default 1000000).")
        int rows;

        @Option(names = "--batch", defaultValue = "20000", description = "Changes per batch, as BatchSplitSize (default 20000).")
        int batch;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            if (rows < changes * 6L / 10) {
                throw new dev.ferry.core.ConfigurationException("--rows must be at least 60% of --changes (updates and deletes "
                        + "touch distinct existing rows), was " + rows + " for " + changes + " changes");
            }
            out.println("ferry bench cdc: starting two embedded PostgreSQL servers...");
            try (EmbeddedServers servers = new EmbeddedServers("bench")) {
                try (Connection c = servers.connect(servers.source)) {
                    createItems(c, rows);
                }
                var sourceConfig = servers.endpoint(servers.source);
                var settings = dev.ferry.core.settings.TaskSettings.defaults().withBatchApplyMaxChanges(batch);
                var targetConfig = servers.endpoint(servers.target);
                try (FerryTask first = Ferry.task("bench-cdc").source(sourceConfig).target(targetConfig).settings(settings).build()) {
                    first.start();
                    first.awaitFullLoad(Duration.ofMinutes(30));
                    if (!first.awaitInSync(Duration.ofMinutes(5))) {
                        throw new FerryException("initial load did not get in sync: " + first.status().error());
                    }
                }
                try (Connection t = servers.connect(servers.target); Statement st = t.createStatement()) {
                    st.execute("CREATE TABLE bench.items_replay (LIKE bench.items INCLUDING ALL)");
                    st.execute("INSERT INTO bench.items_replay SELECT * FROM bench.items");
                    st.execute("VACUUM ANALYZE bench.items_replay");
                }
                long t0 = System.nanoTime();
                int made = makeChanges(servers, rows, changes);
                out.printf("ferry bench cdc: %,d changes (40%% updates, 40%% inserts, 20%% deletes) made on the source "
                        + "while the task was stopped, in %.1f s%n", made, (System.nanoTime() - t0) / 1e9);

                List<ChangeEvent> recorded = new ArrayList<>(made + 1000);
                RecordingSource recording = new RecordingSource(Endpoints.source(sourceConfig), recorded);
                double e2e;
                try (FerryTask second = Ferry.task("bench-cdc").source(recording).target(targetConfig).settings(settings).build()) {
                    long start = System.nanoTime();
                    second.start();
                    if (!second.awaitInSync(Duration.ofMinutes(30))) {
                        throw new FerryException("catch-up did not finish: " + second.status().error());
                    }
                    e2e = made / ((System.nanoTime() - start) / 1e9);
                    out.printf("ferry bench cdc: end to end (start, capture through Debezium, apply, in sync): %,.0f changes/s "
                            + "(%d batches)%n", e2e, second.status().cdcBatches());
                } finally {
                    recording.close();
                }

                // The same events, from memory, into a copy of the table as it was before the changes.
                double apply = applyFromMemory(targetConfig, recording.items, recorded, batch);
                out.printf("ferry bench cdc: target apply alone (same %,d events from memory, batches of %,d): %,.0f changes/s%n",
                        recorded.size(), batch, apply);
                try (Connection s = servers.connect(servers.source);
                     Connection t = servers.connect(servers.target)) {
                    String a = DemoCommand.checksum(s, "bench.items");
                    String b = DemoCommand.checksum(t, "bench.items");
                    String c = DemoCommand.checksum(t, "bench.items_replay");
                    out.printf("ferry bench cdc: source %s; target %s; replayed copy %s: %s%n", a, b, c,
                            a.equals(b) && a.equals(c) ? "all equal" : "DIFFERENT");
                    if (!a.equals(b) || !a.equals(c)) {
                        throw new FerryException("the benchmark's target differs from its source");
                    }
                }
            }
            return 0;
        }

        private static int makeChanges(EmbeddedServers servers, int rows, int changes) throws Exception {
            int made = 0;
            long nextId = rows + 1L;
            long updateFrom = 1;
            long deleteFrom = rows; // deletes walk down from the top, updates up from the bottom
            try (Connection c = servers.connect(servers.source); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                while (made < changes) {
                    int step = Math.min(10_000, changes - made);
                    int updates = step * 4 / 10;
                    int inserts = step * 4 / 10;
                    int deletes = step - updates - inserts;
                    made += st.executeUpdate("UPDATE bench.items SET amount = amount + 1, name = name || '+', active = NOT active "
                            + "WHERE id >= " + updateFrom + " AND id < " + (updateFrom + updates));
                    updateFrom += updates;
                    made += st.executeUpdate("INSERT INTO bench.items SELECT g, (g % 100000)::int, g / 100.0, 'new ' || g, now(), "
                            + "true, md5(g::text)::uuid FROM generate_series(" + nextId + ", " + (nextId + inserts - 1) + ") g");
                    nextId += inserts;
                    made += st.executeUpdate("DELETE FROM bench.items WHERE id > " + (deleteFrom - deletes) + " AND id <= " + deleteFrom);
                    deleteFrom -= deletes;
                    c.commit();
                }
            }
            return made;
        }

        private static double applyFromMemory(dev.ferry.core.spi.EndpointConfig targetConfig, TableSchema items,
                                              List<ChangeEvent> events, int batch) {
            TableId replay = new TableId("bench", "items_replay");
            try (Target target = Endpoints.target(targetConfig)) {
                target.prepareControlTables("bench-replay", "ferry");
                List<ChangeEvent> remapped = new ArrayList<>(events.size());
                for (ChangeEvent e : events) {
                    remapped.add(remap(e, replay));
                }
                TableSchema schema = items.withId(replay);
                long nanos = 0;
                try (ChangeApplier applier = target.openChangeApplier("bench-replay", List.of(schema))) {
                    for (int i = 0; i < remapped.size(); i += batch) {
                        long start = System.nanoTime();
                        NetChangeReducer reducer = new NetChangeReducer(Map.of(replay, schema));
                        for (ChangeEvent e : remapped.subList(i, Math.min(remapped.size(), i + batch))) {
                            reducer.add(e);
                        }
                        applier.apply(reducer.toBatch(), new Checkpoint(Checkpoint.Phase.CDC, "replay " + i));
                        nanos += System.nanoTime() - start;
                    }
                }
                return events.size() / (nanos / 1e9);
            }
        }

        private static ChangeEvent remap(ChangeEvent e, TableId table) {
            if (e instanceof ChangeEvent.Insert i) {
                return new ChangeEvent.Insert(table, i.after());
            }
            if (e instanceof ChangeEvent.Update u) {
                return new ChangeEvent.Update(table, u.before(), u.after());
            }
            if (e instanceof ChangeEvent.Delete d) {
                return new ChangeEvent.Delete(table, d.before());
            }
            return new ChangeEvent.Truncate(table);
        }
    }

    /** A source that records every change event its stream delivers (for replaying them from memory). */
    static final class RecordingSource extends ForwardingSource {
        private volatile TableSchema items;
        private final List<ChangeEvent> recorded;

        RecordingSource(Source delegate, List<ChangeEvent> recorded) {
            super(delegate);
            this.recorded = recorded;
        }

        @Override
        public List<TableSchema> discover() {
            List<TableSchema> tables = delegate.discover();
            for (TableSchema t : tables) {
                if (t.id().equals(new TableId("bench", "items"))) {
                    items = t;
                }
            }
            return tables;
        }

        @Override
        public ChangeStream openChangeStream(String taskName, List<TableSchema> tables, SourcePosition from, BatchLimits limits) {
            return new ForwardingChangeStream(delegate.openChangeStream(taskName, tables, from, limits)) {
                @Override
                public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
                    ChangeChunk c = delegate.poll(timeout, unit);
                    if (c != null) {
                        recorded.addAll(c.events());
                    }
                    return c;
                }
            };
        }
    }
}
