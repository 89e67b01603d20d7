package dev.ferry.postgres.fuzz;

import dev.ferry.core.Ferry;
import dev.ferry.core.FerryException;
import dev.ferry.core.mapping.SelectionRule;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TaskState;
import dev.ferry.core.task.TaskStatus;
import dev.ferry.postgres.PgIdentifiers;
import dev.ferry.postgres.PgTestServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs one {@link Scenario} on an embedded server: creates the source (types, tables, rows), starts
 * a full-load-and-CDC task, asserts the refusals the shapes call for (then applies the fix or leaves
 * the table out, and starts again), runs the writers through the phases with the task killed or
 * stopped and resumed between them, waits until the task is in sync, and compares every replicated
 * table row by row. A failure carries the scenario, what differed, the command that replays the
 * seed, and the path of a replay script with every statement run.
 */
final class FuzzRun {
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(3);
    static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);
    static final Duration WRITER_TIMEOUT = Duration.ofMinutes(5);

    /** What a run that did not fail ended in. */
    enum Outcome { CONVERGED, STOPPED_ON_SCHEMA_CHANGE, EVERY_TABLE_REFUSED }

    static final class Failure extends AssertionError {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final IntFunction<String> BIG = k -> "fz_blob(" + k + ", " + (100 + k % 300) + ")";
    private static final String[] ZONES = {"UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham"};

    private final Scenario s;
    private final PgTestServer server;
    private final FuzzLog log = new FuzzLog();
    private final Set<FuzzTable> excluded = new LinkedHashSet<>();
    private final Map<FuzzTable, String> refusals = new LinkedHashMap<>();
    private final List<Connection> writerConnections = new ArrayList<>();
    private ExecutorService pool;
    private String src;
    private String dst;
    private FerryTask task;
    private int taskNumber;

    FuzzRun(Scenario s, PgTestServer server) {
        this.s = s;
        this.server = server;
    }

    Outcome run() {
        try {
            setUp();
            if (!startWithRefusals()) {
                return Outcome.EVERY_TABLE_REFUSED;
            }
            Outcome o = phases();
            if (o == Outcome.CONVERGED) {
                compare();
                if (s.heartbeat) {
                    heartbeat();
                }
            }
            if (Boolean.getBoolean("ferry.fuzz.keep")) {
                writeScript("-- fuzz seed " + Long.toUnsignedString(s.seed) + ": " + o + "\n");
            }
            return o;
        } catch (Failure f) {
            throw f;
        } catch (Throwable e) {
            throw failure("unexpected " + e, e);
        } finally {
            cleanUp();
        }
    }

    // ------------------------------------------------------------------------------------------ set-up

    private void setUp() throws SQLException {
        src = server.newDatabase("fz_src");
        dst = server.newDatabase("fz_dst");
        log.step(s.describe());
        log.step("source database " + src + ", target database " + dst);
        try (Connection c = server.connect(src)) {
            for (String sql : FuzzTypes.setup(s.features)) {
                setupSql(c, sql);
            }
            Set<String> schemas = new LinkedHashSet<>();
            for (FuzzTable t : s.tables) {
                if (!t.schema.equals("public") && schemas.add(t.schema)) {
                    setupSql(c, "CREATE SCHEMA " + PgIdentifiers.quote(t.schema));
                }
            }
            Random data = new Random(s.dataSeed());
            for (FuzzTable t : s.tables) {
                for (String sql : t.ddl()) {
                    setupSql(c, sql);
                }
                for (String sql : t.initialData(data, BIG)) {
                    setupSql(c, sql);
                }
            }
            if (s.snapshotTimeout) {
                setupSql(c, "ALTER DATABASE " + src + " SET idle_in_transaction_session_timeout = '100ms'");
            }
            if (s.heartbeat) {
                setupSql(c, "CREATE TABLE fz_noise (id bigserial PRIMARY KEY, v text)");
            }
        }
    }

    private void setupSql(Connection c, String sql) throws SQLException {
        log.raw(sql);
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw failure("the generator wrote a statement the source refused (a defect of the test, not of Ferry): "
                    + e.getMessage() + "\n  in: " + sql, e);
        }
    }

    // ------------------------------------------------------------------------------------------ tasks

    private TableMappings mappings() {
        List<SelectionRule> rules = new ArrayList<>();
        rules.add(new SelectionRule("1", "all", true, "%", "%"));
        int id = 2;
        for (FuzzTable t : excluded) {
            rules.add(new SelectionRule(String.valueOf(id++), "refused", false, t.schema, t.name));
        }
        if (s.heartbeat) {
            rules.add(new SelectionRule(String.valueOf(id), "noise", false, "public", "fz_noise"));
        }
        return TableMappings.of(rules);
    }

    private FerryTask newTask() {
        EndpointConfig source = s.cdcBatchSize > 0 ? server.sourceEndpoint(src, s.cdcBatchSize) : server.endpoint(src);
        TaskSettings settings = TaskSettings.defaults().withMaxFullLoadSubTasks(s.maxParallelTables)
                .withBatchApplyMaxChanges(s.applyMaxChanges).withBatchApplyTimeoutMin(Duration.ofMillis(s.applyTimeoutMillis))
                .withTargetTablePrepMode(s.prepMode);
        FerryTask t = Ferry.task(s.taskName).source(source).target(server.endpoint(dst)).migrationType(MigrationType.FULL_LOAD_AND_CDC)
                .settings(settings).tableMappings(mappings()).build();
        taskNumber++;
        log.step("task " + taskNumber + " starts" + (excluded.isEmpty() ? "" : " without " + excluded.stream().map(x -> x.q()).toList()));
        t.start();
        return t;
    }

    /** Waits until the task has marked the CDC start (it is loading or streaming) or has failed; true when marked. */
    private boolean marked(FerryTask t) throws InterruptedException {
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (true) {
            TaskStatus st = t.status();
            if (st.state() == TaskState.FAILED || st.state() == TaskState.STOPPED) {
                return false;
            }
            if (!st.phase().isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                throw failure("task " + taskNumber + " neither started loading nor failed within " + LOAD_TIMEOUT.toSeconds() + " s: " + st, null);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Starts the first task. Where it refuses tables at start, the refusal must name tables whose shape calls for
     * it; each is fixed (the documented fix for keyless tables) or left out, and the task starts again.
     */
    private boolean startWithRefusals() throws Exception {
        for (int attempt = 0; attempt <= s.tables.size(); attempt++) {
            if (excluded.size() == s.tables.size()) {
                log.step("every table was refused at start: nothing to replicate");
                return false;
            }
            task = newTask();
            if (marked(task)) {
                break;
            }
            String error = String.valueOf(task.status().error());
            task.close();
            task = null;
            log.step("refused at start: " + error);
            List<FuzzTable> named = new ArrayList<>();
            for (FuzzTable t : s.tables) {
                if (!excluded.contains(t) && error.contains(t.name)) {
                    named.add(t);
                }
            }
            if (named.isEmpty() && s.features.contains(Feature.DOMAIN_OVER_ENUM) && error.contains("fz_dmood")) {
                log.step("the domain over an enum was refused at start, naming it: nothing to replicate");
                return false;
            }
            if (named.isEmpty()) {
                throw failure("the task failed at start without naming a table: " + error, null);
            }
            for (FuzzTable t : named) {
                if (t.expect == FuzzTable.Expect.CONVERGE) {
                    throw failure("the task refused " + t.q() + " (" + t.shape() + "), which it must replicate: " + error, null);
                }
                boolean firstRefusal = refusals.putIfAbsent(t, error) == null;
                if (t.keyless && t.identity != FuzzTable.Identity.FULL && firstRefusal) {
                    if (!error.contains("REPLICA IDENTITY FULL")) {
                        throw failure("the refusal of keyless " + t.q() + " does not give the fix (REPLICA IDENTITY FULL): " + error, null);
                    }
                    try (Connection c = server.connect(src)) {
                        for (String sql : t.identityDdl(FuzzTable.Identity.FULL)) {
                            setupSql(c, sql);
                        }
                    }
                } else {
                    excluded.add(t);
                }
            }
        }
        if (task == null) {
            throw failure("the task kept refusing tables at start", null);
        }
        for (FuzzTable t : s.tables) {
            if (t.expect == FuzzTable.Expect.REFUSE && !refusals.containsKey(t)) {
                throw failure("the task started with " + t.q() + " (" + t.shape() + "), which it must refuse at start"
                        + (t.suspect.isEmpty() ? "" : " [" + t.suspect + "]"), null);
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------ phases

    private Outcome phases() throws Exception {
        List<FuzzWriter> writers = new ArrayList<>();
        pool = Executors.newFixedThreadPool(s.owned.size(), r -> {
            Thread t = new Thread(r, "fuzz-writer");
            t.setDaemon(true);
            return t;
        });
        for (int w = 0; w < s.owned.size(); w++) {
            Connection c = server.connect(src);
            writerConnections.add(c);
            String zone = ZONES[new Random(s.writerSeed(w)).nextInt(ZONES.length)];
            try (Statement st = c.createStatement()) {
                st.execute("SET TimeZone = '" + zone + "'");
            }
            log.step("writer " + w + ": SET TimeZone = '" + zone + "'");
            writers.add(new FuzzWriter(w, s.owned.get(w), s.writerSeed(w), c, log, BIG, w == s.ddlWriter ? s.ddlAt : -1,
                    w == s.ddlWriter ? s.ddlTable : null, s.types));
        }
        try {
            for (int k = 0; ; k++) {
                int phase = 2 * k;
                List<Future<?>> running = submit(writers, s.phaseTransactions[phase], phase);
                if (k == s.kills.size()) {
                    awaitWriters(running);
                    return finish();
                }
                Scenario.Kill kill = s.kills.get(k);
                int delay = s.killDelaysMillis.get(k);
                if (kill == Scenario.Kill.DURING_LOAD) {
                    Thread.sleep(delay);
                } else {
                    awaitFullLoad();
                    awaitWriters(running);
                    Thread.sleep(delay);
                }
                log.step((kill == Scenario.Kill.STOP ? "task " + taskNumber + " stopped" : "task " + taskNumber + " aborted") + " ("
                        + kill + ", phase " + task.status().phase() + ", " + task.status().cdcBatches() + " CDC batches)");
                if (kill == Scenario.Kill.STOP) {
                    task.stop();
                } else {
                    task.abort();
                }
                String error = task.status().error();
                task.close();
                task = null;
                awaitWriters(running);
                if (error != null) {
                    return stoppedOrFailed(error);
                }
                awaitWriters(submit(writers, s.phaseTransactions[phase + 1], phase + 1));
                task = newTask();
            }
        } catch (FerryException e) {
            return stoppedOrFailed(task == null ? e.getMessage() : String.valueOf(task.status().error()));
        }
    }

    private List<Future<?>> submit(List<FuzzWriter> writers, int transactions, int phase) {
        log.step("phase " + phase + ": " + transactions + " transactions per writer" + (phase % 2 == 1 ? " while no task runs" : ""));
        List<Future<?>> out = new ArrayList<>();
        for (FuzzWriter w : writers) {
            out.add(pool.submit(() -> {
                w.run(transactions);
                return null;
            }));
        }
        return out;
    }

    private void awaitWriters(List<Future<?>> running) throws InterruptedException {
        for (Future<?> f : running) {
            try {
                f.get(WRITER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                String m = String.valueOf(c.getMessage());
                String hint = m.contains("does not have a replica identity")
                        ? " [the publication broke the application's statement: case 2 (deferrable key / REPLICA IDENTITY NOTHING)]" : "";
                throw failure("a writer's statement failed on the source: " + m + hint, c);
            } catch (TimeoutException e) {
                throw failure("a writer did not finish its transactions within " + WRITER_TIMEOUT.toMinutes() + " min", e);
            }
        }
    }

    private void awaitFullLoad() throws Exception {
        if (!task.awaitFullLoad(LOAD_TIMEOUT)) {
            throw failure("task " + taskNumber + " did not finish the full load within " + LOAD_TIMEOUT.toSeconds() + " s: "
                    + task.status(), null);
        }
        targetUniqueIndexes();
    }

    /** After a full load, the unique indexes a user adds on the target (issue 8 case 10). */
    private void targetUniqueIndexes() throws SQLException {
        try (Connection c = server.connect(dst); Statement st = c.createStatement()) {
            for (FuzzTable t : s.tables) {
                if (t.targetUnique && !excluded.contains(t)) {
                    String sql = "CREATE UNIQUE INDEX IF NOT EXISTS " + PgIdentifiers.quote("fz_tu_" + s.tables.indexOf(t)) + " ON "
                            + t.q() + " (" + t.unique().q() + ")";
                    log.step("on the target: " + sql);
                    try {
                        st.execute(sql);
                    } catch (SQLException e) {
                        throw failure("the unique index a user adds on the target cannot be created on " + t.q()
                                + ", the target holds a state the source never had: " + e.getMessage() + " [" + t.suspect + "]", e);
                    }
                }
            }
        }
    }

    private Outcome finish() throws Exception {
        awaitFullLoad();
        log.step("waiting until task " + taskNumber + " is in sync");
        if (!task.awaitInSync(SYNC_TIMEOUT)) {
            throw failure("task " + taskNumber + " was not in sync within " + SYNC_TIMEOUT.toSeconds() + " s: " + task.status(), null);
        }
        TaskStatus st = task.status();
        if (st.error() != null || st.state() != TaskState.RUNNING) {
            return stoppedOrFailed(String.valueOf(st.error()));
        }
        return Outcome.CONVERGED;
    }

    /** A task that stopped with an error: expected only when a replicated table changed its columns, and it names it. */
    private Outcome stoppedOrFailed(String error) {
        FuzzTable t = s.ddlTable;
        String lower = error.toLowerCase(java.util.Locale.ROOT);
        // a stop that names the table and speaks of its columns or schema; an apply that failed on a value written
        // into the wrong column (issue 8 case 8) names the table too, but neither
        if (t != null && t.ddlDone && !excluded.contains(t) && error.contains(t.name) && (lower.contains("column") || lower.contains("schema"))) {
            log.step("stopped on the schema change, naming the table: " + error);
            return Outcome.STOPPED_ON_SCHEMA_CHANGE;
        }
        StringBuilder hint = new StringBuilder();
        if (t != null && t.ddlDone && error.contains(t.name)) {
            hint.append(" [").append(t.q()).append(": case 8 (DROP + ADD COLUMN during CDC; the stop does not speak of the columns: "
                    + "a value went into another column?)]");
        }
        for (FuzzTable x : s.tables) {
            if (error.contains(x.name) && !x.suspect.isEmpty()) {
                hint.append(" [").append(x.q()).append(": ").append(x.suspect).append("]");
            }
        }
        throw failure("task " + taskNumber + " failed: " + error + hint, null);
    }

    // ------------------------------------------------------------------------------------------ checks

    private void compare() throws SQLException {
        List<String> diffs = new ArrayList<>();
        try (Connection sc = server.connect(src); Connection tc = server.connect(dst)) {
            for (FuzzTable t : s.tables) {
                if (excluded.contains(t)) {
                    continue;
                }
                String d = RowDiff.diff(sc, tc, t);
                if (d != null) {
                    diffs.add(t.q() + " (" + t.shape() + ")" + suspects(t, d) + ": " + d);
                }
            }
        }
        if (!diffs.isEmpty()) {
            throw failure("source and target differ after awaitInSync:\n  " + String.join("\n  ", diffs), null);
        }
        log.step("source and target hold the same rows");
    }

    /** The issue 8 cases a difference in this table may belong to, from its shape and column types. */
    private String suspects(FuzzTable t, String diff) {
        Set<String> out = new LinkedHashSet<>();
        if (!t.suspect.isEmpty()) {
            out.add(t.suspect);
        }
        if (t.ddlDone) {
            out.add("case 8 (DROP + ADD COLUMN during CDC)");
        }
        for (FuzzTable.Column c : t.columns) {
            String ddl = c.type.ddl();
            if (!t.keyless && !diff.contains(c.name + " (")) {
                continue; // keyed tables name the columns that differ
            }
            if (c.type.array()) {
                out.add("case 3 (arrays on the CDC path)?");
            }
            if (t.keyless && ddl.startsWith("char(")) {
                out.add("case 4 (char(n) in a keyless table)?");
            }
            if (t.keyless && ddl.startsWith("timetz")) {
                out.add("case 5 (timetz in a keyless table)?");
            }
        }
        // a heuristic guess ("case N ...?") adds nothing next to the shape's own "case N ..."
        out.removeIf(x -> x.endsWith("?") && out.stream().anyMatch(y -> !y.endsWith("?") && y.startsWith(x.substring(0, 7))));
        return out.isEmpty() ? "" : " " + out;
    }

    /** Issue 8 case 6: while the replicated tables are quiet and another is busy, the slot's confirmed position advances. */
    private void heartbeat() throws Exception {
        String slot = PgIdentifiers.simpleName("ferry_", s.taskName);
        long waitSeconds = Long.getLong("ferry.fuzz.heartbeatSeconds", 30);
        try (Connection c = server.connect(src); Statement st = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                st.execute("INSERT INTO fz_noise (v) SELECT repeat(md5(g::text), 30) FROM generate_series(1, 20000) g");
            }
            String lsn;
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                lsn = rs.getString(1);
            }
            log.step("heartbeat check: the busy unreplicated table wrote WAL up to " + lsn);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            String sql = "SELECT confirmed_flush_lsn >= '" + lsn + "'::pg_lsn, confirmed_flush_lsn::text, "
                    + "pg_size_pretty(pg_current_wal_lsn() - confirmed_flush_lsn) FROM pg_replication_slots WHERE slot_name = '" + slot + "'";
            while (true) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    if (!rs.next()) {
                        throw failure("heartbeat check: slot " + slot + " is gone", null);
                    }
                    if (rs.getBoolean(1)) {
                        log.step("heartbeat check: the slot confirmed " + rs.getString(2));
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw failure("case 6: the slot's confirmed_flush_lsn stayed at " + rs.getString(2) + ", " + rs.getString(3)
                                + " behind, for " + waitSeconds + " s while only an unreplicated table was written", null);
                    }
                }
                Thread.sleep(200);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ report, clean-up

    Failure failure(String what, Throwable cause) {
        String spec = Feature.spec(s.features);
        String seed = Long.toUnsignedString(s.seed);
        String replay = "mvn -B -o -pl engine-postgres -am test -Dtest=DifferentialFuzzIT -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dferry.fuzz.seed=" + seed + (spec.equals("default") ? "" : " -Dferry.fuzz.features=" + spec);
        StringBuilder m = new StringBuilder();
        m.append("fuzz seed ").append(seed).append(" failed: ").append(what).append('\n');
        m.append("  replay: ").append(replay).append('\n');
        try {
            Path script = writeScript("-- " + m.toString().replace("\n", "\n-- ") + "\n");
            m.append("  script (DDL, data, every statement, the task's steps): ").append(script).append('\n');
        } catch (IOException e) {
            m.append("  (the script could not be written: ").append(e).append(")\n");
        }
        if (!refusals.isEmpty()) {
            m.append("  refused at start: ").append(refusals.keySet().stream().map(FuzzTable::q).toList()).append('\n');
        }
        m.append("  scenario:\n    ").append(s.describe().replace("\n", "\n    "));
        return new Failure(m.toString(), cause);
    }

    /** Writes target/fuzz/seed-N[-features].sql: {@code header}, then every statement run and the harness's steps. */
    private Path writeScript(String header) throws IOException {
        String spec = Feature.spec(s.features);
        String suffix = spec.equals("default") ? "" : "-" + spec.replaceAll("[^A-Za-z0-9_+-]", "_");
        Path script = Path.of("target", "fuzz", "seed-" + Long.toUnsignedString(s.seed)
                + (suffix.length() > 60 ? suffix.substring(0, 60) : suffix) + ".sql").toAbsolutePath();
        Files.createDirectories(script.getParent());
        Files.writeString(script, header + log);
        return script;
    }

    private void cleanUp() {
        if (task != null) {
            try {
                task.abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.close();
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Connection c : writerConnections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the run is over
            }
        }
        if (src == null) {
            return;
        }
        try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE active), count(*) FROM pg_replication_slots "
                        + "WHERE database = '" + src + "'")) {
                    rs.next();
                    if (rs.getInt(2) == 0) {
                        break;
                    }
                    if (rs.getInt(1) == 0 || System.nanoTime() > deadline) {
                        st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + src + "'");
                        break;
                    }
                }
                Thread.sleep(100);
            }
            st.execute("DROP DATABASE IF EXISTS " + src + " WITH (FORCE)");
            st.execute("DROP DATABASE IF EXISTS " + dst + " WITH (FORCE)");
        } catch (SQLException | InterruptedException e) {
            System.out.println("fuzz seed " + Long.toUnsignedString(s.seed) + ": clean-up failed: " + e);
        }
    }
}
