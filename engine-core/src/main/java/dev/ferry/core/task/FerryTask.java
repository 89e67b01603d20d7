package dev.ferry.core.task;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.Endpoints;
import dev.ferry.core.FerryException;
import dev.ferry.core.SourceException;
import dev.ferry.core.TargetException;
import dev.ferry.core.mapping.MappedSource;
import dev.ferry.core.mapping.MappedTable;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.spi.BatchLimits;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.BulkWriter;
import dev.ferry.core.spi.CdcMark;
import dev.ferry.core.spi.ChangeApplier;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.Checkpoint;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.SyncPoint;
import dev.ferry.core.spi.Target;
import dev.ferry.core.spi.TargetTablePrepMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One migration task: full load of the selected tables, then CDC, between one source and one
 * target. Build with {@link #builder(String)}, then {@link #start()}, wait with
 * {@link #awaitFullLoad} / {@link #awaitInSync}, and {@link #stop()} or {@link #close()}.
 *
 * <p>Invariants: the CDC start is recorded before any table is read; CDC begins only when every
 * table is loaded, except for tables added to the selection of a task that was in CDC: those load
 * while the others' CDC goes on, and their changes are held until their load ends; each CDC batch is
 * committed on the target together with the source position it reaches and the tables it covers,
 * and only then acknowledged to the source. A task holds no static state, so several run in one JVM.
 */
public final class FerryTask implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FerryTask.class);
    private static final int MAX_REMEMBERED_MARKERS = 1024;
    private static final int APPLY_ATTEMPTS = 5;
    /** The most bytes (estimated) of changes held for tables that are loading while CDC runs. */
    private static final long MAX_HELD_BYTES = 128L << 20;

    private final String name;
    private final Source source;
    private final Target target;
    private final boolean ownsEndpoints;
    private final EndpointConfig sourceConfig;
    private final EndpointConfig targetConfig;
    private final MigrationType migrationType;
    private final TableMappings mappings;
    /** The source seen through the mappings, set once the catalog is read (before any reader or stream opens). */
    private MappedSource mapped;
    private final TaskSettings settings;
    private final List<TaskListener> listeners;
    private final boolean reload;

    private final Map<TableId, TableCounters> counters = Collections.synchronizedMap(new LinkedHashMap<>());
    private final CountDownLatch fullLoadDone = new CountDownLatch(1);
    private final CountDownLatch cdcRunning = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object progress = new Object();
    private final Set<String> committedMarkers = new LinkedHashSet<>();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();
    /**
     * What the task opened on its endpoints and has not closed yet: marks, readers, writers, the
     * change stream, appliers. {@link #abort()} closes these, which drops their connections, and
     * leaves the endpoints themselves to whoever owns them.
     */
    private final Set<AutoCloseable> opened = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    private volatile TaskState state = TaskState.READY;
    private volatile String phase = "";
    private volatile String error;
    private volatile boolean stopRequested;
    private volatile boolean aborted;
    private volatile SourcePosition committedPosition;
    private volatile long lastLagMillis = -1;
    private volatile long cdcBatches;
    private volatile Thread runner;
    /** The source keeps capture objects for this task (a slot, a publication), made or found by this run. */
    private volatile boolean captureHeld;
    private volatile ExecutorService loadPool;
    /** The tables whose changes CDC applies, as the checkpoint lists them. CDC thread only. */
    private Set<TableId> applied = Set.of();
    /** The checkpoint of the last batch committed, as far as this task knows. CDC thread only. */
    private Checkpoint committedCheckpoint;

    private FerryTask(Builder b) {
        this.name = b.name;
        this.ownsEndpoints = b.sourceConfig != null || b.targetConfig != null;
        this.sourceConfig = b.sourceConfig;
        this.targetConfig = b.targetConfig;
        this.migrationType = b.migrationType;
        this.mappings = b.mappings;
        this.settings = b.settings;
        this.listeners = List.copyOf(b.listeners);
        this.reload = b.reload;
        Source s = b.source;
        Target t = b.target;
        if (s == null) {
            s = Endpoints.source(b.sourceConfig);
        }
        try {
            if (t == null) {
                t = Endpoints.target(b.targetConfig);
            }
        } catch (RuntimeException e) {
            if (b.source == null) {
                s.close();
            }
            throw e;
        }
        this.source = s;
        this.target = t;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** Starts the task in its own thread and returns at once. A task starts once. */
    public synchronized void start() {
        if (runner != null) {
            throw new IllegalStateException("task " + name + " was already started");
        }
        state = TaskState.STARTING;
        LOG.info("task {}: starting {} with {}", name, migrationType, settings);
        if (ownsEndpoints) {
            LOG.info("task {}: source {}, target {}", name, sourceConfig, targetConfig);
        }
        Thread t = new Thread(this::run, "ferry-" + name);
        t.setDaemon(false);
        runner = t;
        t.start();
    }

    /**
     * Waits until every table is loaded: at once for a task resuming CDC with the tables it had, after
     * the load of the tables selected since it started otherwise.
     *
     * @return true when the full load is done, false on timeout
     * @throws FerryException when the task failed
     */
    public boolean awaitFullLoad(Duration timeout) throws InterruptedException {
        requireStarted();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (fullLoadDone.await(Math.min(100, remainingMillis(deadline)), TimeUnit.MILLISECONDS)) {
                return true;
            }
            failIfFailed();
            if (finished.getCount() == 0 || remainingMillis(deadline) <= 0) {
                return fullLoadDone.getCount() == 0;
            }
        }
    }

    /**
     * Waits until CDC has applied everything the source had committed when this call began.
     *
     * @return true when in sync, false on timeout or when the task stopped first
     * @throws FerryException when the task failed
     */
    public boolean awaitInSync(Duration timeout) throws InterruptedException {
        requireStarted();
        if (!migrationType.cdc()) {
            throw new IllegalStateException("task " + name + " is " + migrationType + ": it has no CDC to be in sync with");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // Changes committed before CDC starts are in the full load's snapshot or replayed from the mark;
        // those of tables added on resume are held until their load ends, then applied.
        for (CountDownLatch before : List.of(fullLoadDone, cdcRunning)) {
            while (!before.await(Math.min(100, remainingMillis(deadline)), TimeUnit.MILLISECONDS)) {
                failIfFailed();
                if (finished.getCount() == 0 || remainingMillis(deadline) <= 0) {
                    return false;
                }
            }
        }
        SyncPoint point = source.requestSyncPoint(name);
        synchronized (progress) {
            while (!reached(point)) {
                failIfFailed();
                long left = remainingMillis(deadline);
                if (left <= 0 || finished.getCount() == 0) {
                    return reached(point);
                }
                progress.wait(Math.min(left, 200));
            }
            if (point.marker() != null) {
                committedMarkers.remove(point.marker());
            }
            return true;
        }
    }

    private boolean reached(SyncPoint point) {
        if (point.marker() != null) {
            return committedMarkers.contains(point.marker());
        }
        SourcePosition p = committedPosition;
        return p != null && p.compareTo(point.position()) >= 0;
    }

    /** Waits until the task has ended (full-load-only tasks end by themselves). */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops gracefully: the CDC batch in flight is committed, loads in progress are cancelled
     * (their tables reload on the next start). Returns when the task has ended.
     */
    public void stop() throws InterruptedException {
        Thread t = runner;
        if (t == null || finished.getCount() == 0) {
            return;
        }
        stopRequested = true;
        if (state == TaskState.RUNNING || state == TaskState.STARTING) {
            state = TaskState.STOPPING;
        }
        ExecutorService pool = loadPool;
        if (pool != null) {
            pool.shutdownNow();
        }
        finished.await();
    }

    /**
     * Stops at once, as a crash would: threads are interrupted and connections closed mid-batch;
     * nothing in flight is committed. A later start of a task of the same name converges.
     *
     * <p>The connections closed are the ones the task opened: when the task created its endpoints
     * from configs, the endpoints themselves; when the caller passed endpoint instances, the
     * readers, writers, appliers, change stream and marks the task opened on them, so that the
     * caller's source and target stay open and can serve another task.
     */
    public void abort() throws InterruptedException {
        aborted = true;
        stopRequested = true;
        Thread t = runner;
        ExecutorService pool = loadPool;
        if (pool != null) {
            pool.shutdownNow();
        }
        for (Thread w : workers) {
            w.interrupt();
        }
        if (t != null) {
            t.interrupt();
        }
        // Dropping the connections is what makes this a crash rather than a stop.
        if (ownsEndpoints) {
            closeQuietly(source);
            closeQuietly(target);
        } else {
            List<AutoCloseable> open;
            synchronized (opened) {
                open = new ArrayList<>(opened);
            }
            for (AutoCloseable r : open) {
                releaseQuietly(r);
            }
        }
        if (t != null) {
            finished.await(30, TimeUnit.SECONDS);
        }
    }

    /** Stops gracefully if running, then releases the endpoints when the task created them. */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsEndpoints) {
            closeQuietly(source);
            closeQuietly(target);
        }
    }

    /** A snapshot of the task's state and statistics; callable at any moment from any thread. */
    public TaskStatus status() {
        List<TableStats> tables = new ArrayList<>();
        synchronized (counters) {
            for (TableCounters c : counters.values()) {
                tables.add(c.snapshot());
            }
        }
        SourcePosition p = committedPosition;
        long lag = lastLagMillis;
        return new TaskStatus(name, state, phase, tables, p == null ? "" : p.describe(), lag, cdcBatches,
                Instant.now(), error);
    }

    // ---------------------------------------------------------------------------------------------

    private void run() {
        try {
            target.prepareControlTables(name, settings.controlSchema());
            if (reload) {
                LOG.info("task {}: reload requested, starting from a full load", name);
                target.resetCheckpoint(name);
            }
            List<TableSchema> catalog = source.discover();
            List<MappedTable> mappedTables = mappings.plan(catalog);
            if (mappedTables.isEmpty()) {
                throw new ConfigurationException("table mappings select none of the source's " + catalog.size() + " tables");
            }
            // from here on the task deals in target tables; the mapped source reads, filters and transforms
            mapped = new MappedSource(source, mappedTables);
            List<TableSchema> tables = new ArrayList<>(mappedTables.size());
            for (MappedTable m : mappedTables) {
                tables.add(m.target());
                if (!m.source().id().equals(m.target().id())) {
                    LOG.info("task {}: source table {} goes to target table {}", name, m.source().id(), m.target().id());
                }
            }
            for (TableSchema t : tables) {
                counters.put(t.id(), new TableCounters(t.id(), t.estimatedRows()));
            }
            LOG.info("task {}: {} table(s) selected: {}", name, tables.size(),
                    tables.stream().map(t -> t.id().toString()).toList());
            state = TaskState.RUNNING;
            publish();

            Optional<Checkpoint> checkpoint = target.readCheckpoint(name);
            Checkpoint last = checkpoint.orElse(null);
            // the tables an interrupted full load had loaded: each load was recorded in the transaction of its rows
            Set<TableId> loadedBefore = last != null && last.phase() == Checkpoint.Phase.FULL_LOAD
                    ? target.tablesLoaded(name, last.position()) : Set.of();
            boolean resumeCdc = migrationType.cdc() && last != null && last.phase() == Checkpoint.Phase.CDC;
            // a full load with CDC goes on from its CDC start: the tables it loaded keep their changes from there
            boolean resumeLoadWithCdc = migrationType == MigrationType.FULL_LOAD_AND_CDC && last != null
                    && last.phase() == Checkpoint.Phase.FULL_LOAD && last.position() != null && !loadedBefore.isEmpty();
            SourcePosition from;
            Set<TableId> loaded = ids(tables);
            List<TableSchema> added = List.of();
            CdcMark addedMark = null;
            if (resumeCdc || resumeLoadWithCdc) {
                from = source.decodePosition(last.position());
                ResumePlan plan = ResumePlan.of(tables, resumeCdc ? last.loadedTables() : loadedBefore);
                if (resumeCdc) {
                    LOG.info("task {}: resuming CDC from {}", name, from.describe());
                    // records of loads its checkpoint counts now (a crash came before they were forgotten)
                    target.forgetTableLoads(name, plan.keptIds());
                } else {
                    LOG.info("task {}: resuming the full load interrupted before: {} table(s) it loaded are kept, their changes "
                            + "applied from its CDC start {}; the others load now", name, plan.keep().size(), from.describe());
                }
                if (!plan.loadedKnown()) {
                    LOG.info("task {}: its checkpoint does not list the loaded tables (written by an earlier version); "
                            + "taking the {} selected table(s) as loaded, as that version did", name, tables.size());
                }
                if (!plan.dropped().isEmpty()) {
                    LOG.info("task {}: table(s) {} are no longer selected: their changes are no longer applied, their target "
                            + "tables stay as they are, and selecting them again loads them again", name, plan.dropped());
                }
                loaded = plan.keptIds();
                for (TableSchema t : plan.keep()) {
                    counters.get(t.id()).state = TableState.TABLE_COMPLETED;
                }
                added = plan.load();
                if (!added.isEmpty()) {
                    LOG.info("task {}: table(s) {} {}: loading them while CDC goes on for the others", name, ids(added),
                            resumeCdc ? "were selected after the task started" : "were not loaded when the full load stopped");
                    addedMark = opened(mapped.markAddedTables(name, added));
                    LOG.info("task {}: changes of the added table(s) start after {} ({})", name, addedMark.position().describe(),
                            addedMark.consistentSnapshot() ? "their load reads that exact snapshot"
                                    : "changes during their load are replayed");
                }
            } else if (migrationType == MigrationType.CDC) {
                CdcMark mark = opened(mapped.markCdcStart(name, tables));
                try {
                    from = mark.position();
                } finally {
                    release(mark);
                }
                for (TableSchema t : tables) {
                    target.prepareTable(t, TargetTablePrepMode.DO_NOTHING);
                    counters.get(t.id()).state = TableState.TABLE_COMPLETED;
                }
                target.writeCheckpoint(name, new Checkpoint(Checkpoint.Phase.CDC, from.serialize(), loaded));
                target.forgetTableLoads(name, loaded);
            } else {
                // a full-load-only task goes on with the full load it started (its checkpoint has no CDC start)
                boolean resumeLoad = !migrationType.cdc() && last != null && last.phase() == Checkpoint.Phase.FULL_LOAD
                        && last.position() == null && !loadedBefore.isEmpty();
                List<TableSchema> toLoad = tables;
                if (resumeLoad) {
                    toLoad = new ArrayList<>();
                    for (TableSchema t : tables) {
                        if (loadedBefore.contains(t.id())) {
                            counters.get(t.id()).state = TableState.TABLE_COMPLETED;
                        } else {
                            toLoad.add(t);
                        }
                    }
                    LOG.info("task {}: resuming the full load interrupted before: {} table(s) it loaded are kept, {} load now",
                            name, tables.size() - toLoad.size(), toLoad.size());
                } else if (last != null && last.phase() == Checkpoint.Phase.FULL_LOAD) {
                    LOG.warn("task {}: the previous full load did not finish; loading every table again", name);
                }
                if (!migrationType.cdc() && last != null && last.position() != null) {
                    // the task ran with CDC; as a full-load-only task it never resumes that CDC, whose capture would keep
                    // WAL on the source forever (a running CDC task of this name makes this fail, before any load)
                    List<String> dropped = source.dropCapture(name);
                    if (!dropped.isEmpty()) {
                        LOG.info("task {}: it ran with CDC before and is full-load only now: removed its {} from the source",
                                name, String.join(", ", dropped));
                    }
                }
                from = null;
                CdcMark mark = migrationType.cdc() ? opened(mapped.markCdcStart(name, tables)) : null;
                try {
                    if (mark != null) {
                        captureHeld = true;
                        from = mark.position();
                        target.writeCheckpoint(name, new Checkpoint(Checkpoint.Phase.FULL_LOAD, from.serialize(), Set.of()));
                        LOG.info("task {}: CDC start recorded at {} ({})", name, from.describe(),
                                mark.consistentSnapshot() ? "full load reads that exact snapshot" : "changes during the load are replayed");
                    } else if (!resumeLoad) {
                        // so that a restart knows which full load its recorded table loads belong to
                        target.writeCheckpoint(name, new Checkpoint(Checkpoint.Phase.FULL_LOAD, null, Set.of()));
                    }
                    phase = "full load";
                    fullLoad(toLoad, from == null ? null : from.serialize());
                } finally {
                    release(mark);
                }
                target.writeCheckpoint(name, from != null
                        ? new Checkpoint(Checkpoint.Phase.CDC, from.serialize(), loaded)
                        : new Checkpoint(Checkpoint.Phase.LOAD_COMPLETE, null, loaded));
                target.forgetTableLoads(name, loaded);
            }
            if (added.isEmpty()) {
                fullLoadDone.countDown();
            }
            publish();
            if (!migrationType.cdc()) {
                state = TaskState.LOAD_COMPLETE;
                LOG.info("task {}: load complete, {} rows", name, status().fullLoadRows());
                return;
            }
            if (stopRequested) {
                release(addedMark);
                state = TaskState.STOPPED;
                return;
            }
            phase = "cdc";
            cdc(tables, from, loaded, added, addedMark);
            state = TaskState.STOPPED;
        } catch (Throwable t) {
            if (aborted || (stopRequested && isInterruption(t))) {
                state = TaskState.STOPPED;
                LOG.info("task {}: stopped{}", name, aborted ? " (aborted)" : "");
            } else {
                // the error before the state: a caller that sees FAILED reads the error next (leftOnTheSource asks the source)
                error = FerryException.describe(t) + leftOnTheSource();
                state = TaskState.FAILED;
                LOG.error("task {}: failed: {}", name, error);
                LOG.debug("task {}: failure detail", name, t);
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            synchronized (progress) {
                finished.countDown();
                progress.notifyAll();
            }
            publish();
        }
    }

    /**
     * For the message of a failed task that holds capture objects on the source: what stays there,
     * and the way to remove it when the task is not going to run again.
     */
    private String leftOnTheSource() {
        String objects = captureHeld ? source.captureObjects(name) : null;
        if (objects == null) {
            return "";
        }
        return ". The source keeps this task's " + objects + " until the task runs again; if it will not, remove them with "
                + "ferry drop TASK.yaml (Ferry.drop in the API)";
    }

    /**
     * Loads {@code tables} in parallel; each table's load is recorded on the target with its rows
     * (see {@link Target#openBulkWriter(String, TableSchema, String)}), as consistent with
     * {@code position} (null for a full-load-only task).
     */
    private void fullLoad(List<TableSchema> tables, String position) throws InterruptedException {
        if (tables.isEmpty()) {
            return;
        }
        int threads = Math.min(settings.maxFullLoadSubTasks(), tables.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, threadFactory("load"));
        loadPool = pool;
        List<Future<?>> futures = new ArrayList<>();
        try {
            // Higher load-order first (DMS); among equals the largest first, so that the longest load does not start last.
            List<TableSchema> order = new ArrayList<>(tables);
            order.sort(Comparator.comparingInt((TableSchema t) -> -mapped.mapping(t.id()).loadOrder())
                    .thenComparingLong(t -> -t.estimatedRows()));
            for (TableSchema table : order) {
                futures.add(pool.submit(() -> {
                    loadTable(table, position);
                    return null;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(order.get(i).id() + ": " + FerryException.describe(e.getCause()));
                } catch (java.util.concurrent.CancellationException e) {
                    failures.add(order.get(i).id() + ": cancelled");
                }
            }
            if (stopRequested) {
                throw new InterruptedException("stopped during the full load");
            }
            if (!failures.isEmpty()) {
                throw new FerryException("full load failed for " + failures.size() + " table(s): " + String.join("; ", failures));
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            loadPool = null;
        }
    }

    /** Rows move reader thread → bounded queue of blocks → this thread → target writer. */
    private void loadTable(TableSchema table, String position) throws Exception {
        TableCounters c = counters.get(table.id());
        c.state = TableState.FULL_LOAD;
        c.loadStarted = Instant.now();
        publish();
        try {
            target.prepareTable(name, table, settings.targetTablePrepMode());
            long written;
            BulkReader reader = null;
            BulkWriter writer = null;
            try {
                reader = opened(mapped.openBulkReader(table, null));
                writer = opened(target.openBulkWriter(name, table, position));
                written = RowPipe.run(table.id(), reader, writer, c.fullLoadRows, (what, body) -> {
                    Thread t = newWorker(what, () -> {
                        try {
                            body.run();
                        } finally {
                            workers.remove(Thread.currentThread());
                        }
                    });
                    t.start();
                    return t;
                });
            } finally {
                try {
                    release(writer);
                } finally {
                    release(reader);
                }
            }
            c.fullLoadRows.set(written);
            c.loadEnded = Instant.now();
            c.state = TableState.TABLE_COMPLETED;
            LOG.info("task {}: table {} loaded, {} rows in {} ms", name, table.id(), written,
                    Duration.between(c.loadStarted, c.loadEnded).toMillis());
        } catch (Throwable e) {
            c.loadEnded = Instant.now();
            if (stopRequested) {
                c.state = TableState.TABLE_CANCELLED;
            } else {
                c.state = TableState.TABLE_ERROR;
                c.error = FerryException.describe(e);
            }
            throw e;
        } finally {
            publish();
        }
    }

    /**
     * Streams and applies changes from {@code from}. The changes of {@code loaded} are applied from
     * the start; {@code added} tables (selected after the task started, marked by {@code addedMark})
     * load meanwhile on a worker thread, their changes held until the load ends, then applied first.
     */
    private void cdc(List<TableSchema> tables, SourcePosition from, Set<TableId> loaded, List<TableSchema> added,
                     CdcMark addedMark) throws InterruptedException {
        Map<TableId, TableSchema> byId = new LinkedHashMap<>();
        for (TableSchema t : tables) {
            byId.put(t.id(), t);
        }
        applied = Set.copyOf(loaded);
        int maxChanges = settings.batchApplyMaxChanges();
        long maxWaitNanos = settings.batchApplyTimeoutMin().toNanos();
        BatchLimits limits = new BatchLimits(maxChanges, settings.batchApplyTimeoutMin());
        ChangeApplier applier = null;
        AddedLoad adding = null;
        ChangeStream stream = null;
        try {
            stream = opened(mapped.openChangeStream(name, tables, from, limits));
            captureHeld = true;
            applier = opened(target.openChangeApplier(name, tables));
            if (!added.isEmpty()) {
                adding = startAddedLoad(stream, added, addedMark);
                addedMark = null;
            }
            committedPosition = from;
            committedCheckpoint = new Checkpoint(Checkpoint.Phase.CDC, from.serialize(), applied);
            LOG.info("task {}: CDC running from {}", name, from.describe());
            cdcRunning.countDown();
            publish();
            List<ChangeChunk> chunks = new ArrayList<>();
            while (!stopRequested) {
                if (adding != null && adding.load.isDone() && adding.mayJoin(committedPosition)) {
                    applier = join(adding, byId, applier, tables);
                    adding = null;
                }
                chunks.clear();
                ChangeChunk first = stream.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                chunks.add(first);
                int events = first.events().size();
                long deadline = System.nanoTime() + maxWaitNanos;
                ChangeChunk last = first;
                while (!last.awaitsCommit() && events < maxChanges) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    ChangeChunk next = stream.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    chunks.add(next);
                    events += next.events().size();
                    last = next;
                }
                applier = applyWithRetries(byId, chunks, adding == null ? null : adding.held, applier, tables, stream);
                if (adding != null && adding.held.full()) {
                    LOG.info("task {}: {} changes of the added table(s) {} are held while they load, as many as Ferry holds; "
                            + "the other tables' changes wait for the end of that load", name, adding.held.size(),
                            adding.held.tables());
                    phase = "cdc paused until the added table(s) are loaded";
                    publish();
                    adding.awaitLoadEnd();
                }
            }
        } finally {
            releaseQuietly(stream);
            cdcRunning.countDown();
            releaseQuietly(addedMark);
            if (adding != null) {
                adding.cancel();
            }
            releaseQuietly(applier);
        }
    }

    /**
     * Starts loading the tables added since the task started, after checking that their hand-over
     * from load to changes is exact where it must be: a table without a primary key would double
     * the rows of every replayed insert, so it needs both a load that reads exactly the mark's
     * snapshot (or no load, in a CDC-only task) and a stream that drops its changes up to the mark.
     */
    private AddedLoad startAddedLoad(ChangeStream stream, List<TableSchema> added, CdcMark mark) {
        try {
            boolean exactRead = migrationType == MigrationType.CDC || mark.consistentSnapshot();
            List<String> inexact = new ArrayList<>();
            for (TableSchema t : added) {
                boolean startsAfterMark = stream.startTableAfter(t.id(), mark.position());
                if (!t.hasPrimaryKey() && !(exactRead && startsAfterMark)) {
                    inexact.add(t.id().toString());
                }
            }
            if (!inexact.isEmpty()) {
                throw new SourceException("table(s) " + String.join(", ", inexact) + " have no primary key and were selected after "
                        + "task " + name + " started, but this source cannot hand a table over from its load to its changes "
                        + "exactly, so every change replayed after the load would double a row; give the table(s) a primary key, "
                        + "or leave them out of the table mappings");
            }
        } catch (RuntimeException e) {
            release(mark);
            throw e;
        }
        AddedLoad adding = new AddedLoad(added, mark, new HeldChanges(ids(added), settings.batchApplyMaxChanges(), MAX_HELD_BYTES));
        phase = "cdc, loading " + added.size() + " added table(s)";
        adding.worker.start();
        return adding;
    }

    /** The load of the tables added since the task started, on a worker thread of its own. */
    private final class AddedLoad {
        final List<TableSchema> tables;
        final HeldChanges held;
        final FutureTask<Void> load;
        final Thread worker;
        /** Where the changes of the tables start: their load holds everything up to here. */
        final SourcePosition start;
        final boolean keyless;
        private boolean nudged;

        AddedLoad(List<TableSchema> tables, CdcMark mark, HeldChanges held) {
            this.tables = tables;
            this.held = held;
            this.start = mark.position();
            this.keyless = tables.stream().anyMatch(t -> !t.hasPrimaryKey());
            this.load = new FutureTask<>(() -> {
                try {
                    if (migrationType == MigrationType.CDC) {
                        // a CDC-only task loads nothing: the added tables' changes apply from the mark on
                        for (TableSchema t : tables) {
                            target.prepareTable(t, TargetTablePrepMode.DO_NOTHING);
                            counters.get(t.id()).state = TableState.TABLE_COMPLETED;
                        }
                    } else {
                        fullLoad(tables, start.serialize());
                    }
                } finally {
                    release(mark);
                }
                return null;
            });
            this.worker = newWorker("load-added", () -> {
                try {
                    load.run();
                } finally {
                    workers.remove(Thread.currentThread());
                }
            });
        }

        /**
         * Whether the load, done, may join the others now. A table without a primary key joins only
         * once the committed position has reached {@link #start}: the checkpoint that first lists it
         * must not lie before its start, or a restart from there would apply again changes its load
         * holds (the stream drops them only while this task runs), doubling rows. Until then none of
         * its changes can have come (they follow the start), so waiting costs nothing but time; on a
         * quiet source a sync point moves the stream past the start. A failed load joins at once, to fail.
         */
        boolean mayJoin(SourcePosition committed) {
            if (!keyless || (committed != null && committed.compareTo(start) >= 0) || failed()) {
                return true;
            }
            if (!nudged) {
                nudged = true;
                try {
                    source.requestSyncPoint(name);
                } catch (FerryException e) {
                    LOG.debug("task {}: a sync point to move the stream past {} failed ({}); waiting for the next change",
                            name, start.describe(), e.getMessage());
                }
            }
            return false;
        }

        private boolean failed() {
            try {
                load.get();
                return false;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        /** Waits until the load has ended (loaded, failed or stopped), or the task is asked to stop. */
        void awaitLoadEnd() throws InterruptedException {
            while (!stopRequested && !load.isDone()) {
                try {
                    load.get(200, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // ended with a failure (reported by join) or still running
                }
            }
        }

        /** Ends a load the task no longer waits for (a stop, a failure): its tables load again next time. */
        void cancel() throws InterruptedException {
            if (!load.isDone()) {
                ExecutorService pool = loadPool;
                if (pool != null) {
                    pool.shutdownNow();
                }
                worker.interrupt();
            }
            worker.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /**
     * The added tables are loaded: their held changes are applied, first, in one transaction with
     * the checkpoint that lists the tables as loaded; from then on their changes apply like the
     * others'. The position stays where it is: every held change is at or before it.
     */
    private ChangeApplier join(AddedLoad adding, Map<TableId, TableSchema> byId, ChangeApplier applier,
                               List<TableSchema> tables) throws InterruptedException {
        try {
            adding.load.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (stopRequested && isInterruption(cause)) {
                throw new InterruptedException("stopped while loading the added tables");
            }
            throw new FerryException("loading the table(s) added to the task failed: " + FerryException.describe(cause), cause);
        }
        Set<TableId> now = new LinkedHashSet<>(applied);
        now.addAll(adding.held.tables());
        applied = Set.copyOf(now);
        List<ChangeChunk> held = List.of(new ChangeChunk(adding.held.changes(), committedPosition, 0, true, List.of()));
        applier = applyWithRetries(byId, held, null, applier, tables, null);
        // the checkpoint counts them now; and the loads kept from an interrupted full load are counted by it too
        target.forgetTableLoads(name, applied);
        LOG.info("task {}: table(s) {} loaded; the {} change(s) made to them during their load are applied, and their CDC "
                + "goes on with the others'", name, adding.held.tables(), adding.held.size());
        phase = "cdc";
        fullLoadDone.countDown();
        publish();
        return applier;
    }

    /**
     * Applies a batch; a transient target failure (a dropped connection, a deadlock) is retried on a
     * new applier after a growing delay, up to {@value #APPLY_ATTEMPTS} attempts. Safe because the
     * batch and its checkpoint commit together and applying is idempotent for keyed tables. A failed
     * attempt may still have committed (a connection lost during the commit), and applying again
     * would double rows of a keyless table: after a failure the batch is applied again only once the
     * target's checkpoint, read back, says it is not there; while that read fails, nothing is applied.
     *
     * @param held   where changes of tables still loading go; null when none loads
     * @param stream the stream to acknowledge the batch to; null for changes it delivered before
     * @return the applier to use from now on (a new one after a retry)
     */
    private ChangeApplier applyWithRetries(Map<TableId, TableSchema> byId, List<ChangeChunk> chunks, HeldChanges held,
                                           ChangeApplier applier, List<TableSchema> tables, ChangeStream stream)
            throws InterruptedException {
        NetChangeReducer reducer = new NetChangeReducer(byId);
        for (ChangeChunk chunk : chunks) {
            for (ChangeEvent e : chunk.events()) {
                if (held == null || !held.hold(e)) {
                    reducer.add(e);
                }
            }
        }
        ChangeApplier given = applier;
        // what applyBatch writes with the batch: its position and the tables it covers
        Checkpoint written = new Checkpoint(Checkpoint.Phase.CDC, chunks.get(chunks.size() - 1).position().serialize(), applied);
        boolean maybeCommitted = false;
        for (int attempt = 1; ; attempt++) {
            try {
                if (applier == null) {
                    applier = opened(target.openChangeApplier(name, tables));
                }
                if (maybeCommitted && committedDespite(written)) {
                    LOG.info("task {}: the failed batch had committed (its checkpoint is on the target): not applied again",
                            name);
                    afterCommit(reducer, chunks, stream, System.nanoTime());
                    committedCheckpoint = written;
                    return applier;
                }
                applyBatch(reducer, chunks, applier, stream);
                committedCheckpoint = written;
                return applier;
            } catch (TargetException e) {
                if (!e.isTransient() || attempt >= APPLY_ATTEMPTS || aborted) {
                    if (applier != given) {
                        releaseQuietly(applier);
                    }
                    throw e;
                }
                maybeCommitted = true;
                long delay = 500L << (attempt - 1);
                LOG.warn("task {}: applying a batch failed, attempt {}/{}, retrying in {} ms: {}", name, attempt,
                        APPLY_ATTEMPTS, delay, e.getMessage());
                releaseQuietly(applier);
                applier = null;
                Thread.sleep(delay);
            }
        }
    }

    /**
     * Whether a batch whose apply failed committed all the same: a connection lost during the commit
     * leaves the client unsure. The checkpoint commits with the batch, so the batch committed when
     * the target's checkpoint is the one it wrote (position and loaded tables: the held changes of
     * added tables commit at the position before them, with the tables newly listed) and the one
     * committed before differed. A failure of the read is thrown: the batch's fate is still unknown.
     */
    private boolean committedDespite(Checkpoint written) {
        if (written.equals(committedCheckpoint)) {
            return false; // nothing to tell them apart by; such a batch carries no change
        }
        Optional<Checkpoint> checkpoint = target.readCheckpoint(name);
        return checkpoint.isPresent() && written.equals(checkpoint.get());
    }

    private void applyBatch(NetChangeReducer reducer, List<ChangeChunk> chunks, ChangeApplier applier,
                            ChangeStream stream) throws InterruptedException {
        ChangeChunk last = chunks.get(chunks.size() - 1);
        long started = System.nanoTime();
        applier.apply(reducer.toBatch(), new Checkpoint(Checkpoint.Phase.CDC, last.position().serialize(), applied));
        afterCommit(reducer, chunks, stream, started);
    }

    /** Acknowledges a committed batch to the stream and counts it. */
    private void afterCommit(NetChangeReducer reducer, List<ChangeChunk> chunks, ChangeStream stream, long started)
            throws InterruptedException {
        ChangeChunk last = chunks.get(chunks.size() - 1);
        if (stream != null) {
            stream.committed(last);
        }
        for (Map.Entry<TableId, NetChangeReducer.Counts> e : reducer.counts().entrySet()) {
            TableCounters c = counters.get(e.getKey());
            c.inserts.addAndGet(e.getValue().inserts);
            c.updates.addAndGet(e.getValue().updates);
            c.deletes.addAndGet(e.getValue().deletes);
            c.ddls.addAndGet(e.getValue().truncates);
        }
        synchronized (progress) {
            committedPosition = last.position();
            long sourceTime = 0;
            boolean changes = false;
            for (ChangeChunk chunk : chunks) {
                committedMarkers.addAll(chunk.syncMarkers());
                sourceTime = Math.max(sourceTime, chunk.sourceTimeMillis());
                changes |= !chunk.events().isEmpty();
            }
            if (sourceTime > 0) {
                // how long the newest change of this batch took from its source commit to its target commit
                lastLagMillis = Math.max(0, System.currentTimeMillis() - sourceTime);
            } else if (!changes && stream != null) {
                // only heartbeats (or sync markers): the source had nothing more to send when the stream handed
                // this over, so the target is as far behind as this hand-over took, not as the last change was
                lastLagMillis = Math.max(0, (System.nanoTime() - started) / 1_000_000);
            }
            while (committedMarkers.size() > MAX_REMEMBERED_MARKERS) {
                committedMarkers.remove(committedMarkers.iterator().next());
            }
            cdcBatches++;
            progress.notifyAll();
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("task {}: batch of {} changes ({} chunks) applied up to {} in {} ms", name, reducer.events(),
                    chunks.size(), last.position().describe(), (System.nanoTime() - started) / 1_000_000);
        }
        publish();
    }

    private static Set<TableId> ids(List<TableSchema> tables) {
        Set<TableId> ids = new LinkedHashSet<>();
        for (TableSchema t : tables) {
            ids.add(t.id());
        }
        return ids;
    }

    // ---------------------------------------------------------------------------------------------

    private void publish() {
        if (listeners.isEmpty()) {
            return;
        }
        TaskStatus s = status();
        for (TaskListener l : listeners) {
            try {
                l.onStatus(s);
            } catch (RuntimeException e) {
                LOG.warn("task {}: a status listener failed: {}", name, e.toString());
            }
        }
    }

    private Thread newWorker(String what, Runnable body) {
        Thread t = new Thread(body, "ferry-" + name + "-" + what);
        t.setDaemon(true);
        workers.add(t);
        return t;
    }

    private ThreadFactory threadFactory(String what) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ferry-" + name + "-" + what + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void requireStarted() {
        if (runner == null) {
            throw new IllegalStateException("task " + name + " is not started");
        }
    }

    private void failIfFailed() {
        if (state == TaskState.FAILED) {
            throw new FerryException("task " + name + " failed: " + error);
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static boolean isInterruption(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Registers {@code resource}, just opened on an endpoint, as one {@link #abort()} closes; when
     * the task is aborted already, closes it at once and fails: nothing new starts after an abort.
     */
    private <T extends AutoCloseable> T opened(T resource) {
        opened.add(resource);
        if (aborted) {
            releaseQuietly(resource);
            throw new FerryException("task " + name + " was aborted");
        }
        return resource;
    }

    /** Closes {@code resource} unless it was closed already (by an abort); null is ignored. */
    private void release(AutoCloseable resource) {
        if (resource == null || !opened.remove(resource)) {
            return;
        }
        try {
            resource.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new FerryException("closing " + resource + " failed: " + e.getMessage(), e);
        }
    }

    private void releaseQuietly(AutoCloseable resource) {
        if (resource != null && opened.remove(resource)) {
            closeQuietly(resource);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed: {}", c, e.toString());
        }
    }

    /** Builds a {@link FerryTask}. Endpoints are given as instances or as configs (then owned by the task). */
    public static final class Builder {
        private final String name;
        private Source source;
        private Target target;
        private EndpointConfig sourceConfig;
        private EndpointConfig targetConfig;
        private MigrationType migrationType = MigrationType.FULL_LOAD_AND_CDC;
        private TableMappings mappings = TableMappings.includeAll();
        private TaskSettings settings = TaskSettings.defaults();
        private final List<TaskListener> listeners = new ArrayList<>();
        private boolean reload;

        private Builder(String name) {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
                throw new ConfigurationException("task name '" + name
                        + "' must be 1-63 letters, digits, '_' or '-', starting with a letter or digit");
            }
            this.name = name;
        }

        /** The source; the caller keeps ownership and closes it. */
        public Builder source(Source source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** The source, created from {@code config} at {@link #build()}; the task closes it. */
        public Builder source(EndpointConfig config) {
            this.sourceConfig = Objects.requireNonNull(config, "source config");
            return this;
        }

        public Builder target(Target target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        public Builder target(EndpointConfig config) {
            this.targetConfig = Objects.requireNonNull(config, "target config");
            return this;
        }

        public Builder migrationType(MigrationType type) {
            this.migrationType = Objects.requireNonNull(type, "migrationType");
            return this;
        }

        public Builder tableMappings(TableMappings mappings) {
            this.mappings = Objects.requireNonNull(mappings, "tableMappings");
            return this;
        }

        public Builder settings(TaskSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Tables loaded in parallel (FullLoadSettings.MaxFullLoadSubTasks), 1..49, default 8. */
        public Builder maxParallelTables(int n) {
            this.settings = settings.withMaxFullLoadSubTasks(n);
            return this;
        }

        /** Forget the task's checkpoint and start again with a full load (and a new CDC start). */
        public Builder reload(boolean reload) {
            this.reload = reload;
            return this;
        }

        public Builder listener(TaskListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public FerryTask build() {
            List<String> problems = new ArrayList<>();
            if (source == null && sourceConfig == null) {
                problems.add("no source given");
            }
            if (target == null && targetConfig == null) {
                problems.add("no target given");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException("task " + name, problems);
            }
            return new FerryTask(this);
        }
    }
}
