package dev.ferry.debezium;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A change stream fed by a connector in Debezium's embedded engine.
 *
 * <p>Hand-over protocol: the engine thread converts a Debezium batch into one chunk, hands it to
 * the task thread and waits until the task reports it {@link #committed}; only then does it mark
 * the records processed and finish the batch, which lets the connector acknowledge the position
 * to the database (a slot's confirmed LSN). So the source never releases what the target has not
 * committed. Offsets come from the target checkpoint through {@link SeededOffsetStore}.
 */
public final class EngineChangeStream implements ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(EngineChangeStream.class);

    /** How the stream reads positions off a source's records. */
    public interface Positions {
        /** The position a record's offset stands for: storing it means "this record is applied". */
        SourcePosition of(SourceRecord record);

        /** Identifies the source message a record came from; records of one message give equal values. */
        Object message(SourceRecord record);
    }

    private final String label;
    private final RecordConverter converter;
    private final Positions positions;
    private final SynchronousQueue<ChangeChunk> handover = new SynchronousQueue<>();
    private final Object commitLock = new Object();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService executor;
    private final String taskName;
    private final Properties engineProperties;
    private final SourcePosition from;
    /** Whether the first batch showed that the connector started from {@link #from}; engine thread only. */
    private boolean startChecked;
    /** Per table added to a running task: its changes at or before this position are in its load. */
    private final Map<TableId, SourcePosition> tableStarts = new ConcurrentHashMap<>();
    /** Opened by the task's first poll: no record is converted before the task said where its tables start. */
    private final java.util.concurrent.CountDownLatch polled = new java.util.concurrent.CountDownLatch(1);
    private ChangeChunk lastCommitted;
    /** The position of the last committed chunk: where a chunk that covers no complete record stays. */
    private SourcePosition lastPosition;
    private volatile boolean closed;
    /** CdcStopPosition: no change committed after it is handed over; null when none. Set before the first poll. */
    private volatile dev.ferry.core.settings.CdcStop stop;
    /** The chunk that ends before the stop point was handed over: nothing more comes. */
    private volatile boolean stopReached;

    /**
     * Starts the engine. {@code engine} holds the connector's properties, including
     * {@code topic.prefix}, and the offset store set by {@link SeededOffsetStore#seed}.
     *
     * @param label names the source in errors: "SQL Server change capture stopped: ..."
     */
    public EngineChangeStream(String taskName, String label, Properties engine, RecordConverter converter,
                              Positions positions, SourcePosition from) {
        this.taskName = taskName;
        this.label = label;
        this.converter = converter;
        this.positions = positions;
        this.lastPosition = from;
        this.from = from;
        this.engineProperties = engine;
        unregisterStaleMetrics(engine.getProperty("topic.prefix"));
        this.engine = DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(engine)
                .using((success, message, error) -> {
                    if (!closed) {
                        failure.compareAndSet(null, ended(label, success, message, error));
                    }
                    synchronized (commitLock) {
                        commitLock.notifyAll();
                    }
                })
                .notifying(this::handleBatch)
                .build();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferry-" + taskName + "-cdc-capture");
            t.setDaemon(true);
            return t;
        });
        executor.execute(this.engine);
    }

    /**
     * Why the stream can deliver nothing more: the engine ended while the task still reads it. An
     * engine normally ends only when the stream closes it; one that ends by itself (its connector
     * failed, or gave up after its retries) captures nothing more, so the task must not wait for it.
     */
    static SourceException ended(String label, boolean success, String message, Throwable error) {
        String reason = message == null || message.isBlank() ? (error == null ? "no reason given" : error.toString()) : message;
        if (success) {
            return new SourceException(label + " change capture ended by itself (" + reason + "), so no further change would "
                    + "be captured; the task stops, and resumes from its last checkpoint when started again", error);
        }
        return new SourceException(label + " change capture stopped: " + reason, error);
    }

    /**
     * The engine and connector properties every Ferry change stream shares: one engine name and
     * topic prefix per task ({@code ferry-<task>}; Debezium names its metrics and offset partition
     * after it, so it must stay the same across restarts), capture batches of {@code maxBatch}
     * changes bounded by bytes too, precise decimals and raw bytes, no tombstones, heartbeats, and
     * the connector's own retries of a lost connection (10, 3 s apart).
     */
    public static Properties properties(String taskName, String connectorClass, int maxBatch, long pollMillis) {
        Properties p = new Properties();
        p.setProperty("name", "ferry-" + taskName);
        p.setProperty("topic.prefix", "ferry-" + taskName);
        p.setProperty("connector.class", connectorClass);
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("skipped.operations", "none");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("heartbeat.interval.ms", "5000");
        p.setProperty("max.batch.size", String.valueOf(maxBatch));
        p.setProperty("max.queue.size", String.valueOf(Math.max(maxBatch * 2, 8192)));
        // bounds Debezium's queue, and so one batch, by bytes too: wide rows cannot exhaust the heap
        p.setProperty("max.queue.size.in.bytes", String.valueOf(256L << 20));
        p.setProperty("poll.interval.ms", String.valueOf(pollMillis));
        p.setProperty("errors.max.retries", "10");
        p.setProperty("retriable.restart.connector.wait.ms", "3000");
        return p;
    }

    /**
     * An engine of this task that was killed (an abort, a crash of the task thread) may not have
     * removed its JMX metrics; the connector would then wait a minute per metrics group for the
     * names to free up. Only one engine of a task runs at a time, so whatever is registered under
     * this prefix now is stale.
     */
    static void unregisterStaleMetrics(String prefix) {
        if (prefix == null) {
            return;
        }
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        try {
            for (javax.management.ObjectName name : server.queryNames(new javax.management.ObjectName("debezium.*:*"), null)) {
                if (prefix.equals(name.getKeyProperty("server"))) {
                    server.unregisterMBean(name);
                }
            }
        } catch (javax.management.JMException e) {
            LOG.debug("could not remove stale Debezium metrics of {}: {}", prefix, e.toString());
        }
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        if (!startChecked) {
            startChecked = true;
            String problem = SeededOffsetStore.notStartedFromSeed(engineProperties);
            if (problem != null) {
                SourceException e = new SourceException(label + " change capture did not start from the stored position ("
                        + from.describe() + "): " + problem + ". It would have skipped every change since that position, so "
                        + "nothing was applied and the task stops. Check that the task's name and the source database are the "
                        + "ones it started with; to start over, reload the task (ferry run --reload)");
                failure.compareAndSet(null, e);
                throw e;
            }
        }
        while (!polled.await(100, TimeUnit.MILLISECONDS)) {
            if (closed) {
                throw new InterruptedException("change stream closed");
            }
        }
        if (stopReached) {
            // past the stop point nothing is handed over, and nothing is acknowledged: the task closes the stream
            synchronized (commitLock) {
                while (!closed) {
                    commitLock.wait(100);
                }
            }
            throw new InterruptedException("change stream closed at its stop point");
        }
        dev.ferry.core.settings.CdcStop stopAt = stop;
        int cut = -1; // the first record of a change committed after the stop point
        List<ChangeEvent> events = new ArrayList<>(batch.size());
        List<String> markers = new ArrayList<>();
        long ts = 0;
        boolean keyChangeOpen = false; // the last event is the delete half of a key change
        for (int i = 0; i < batch.size(); i++) {
            RecordChangeEvent<SourceRecord> e = batch.get(i);
            RecordConverter.Result result;
            try {
                result = converter.convert(e.record());
            } catch (RuntimeException ex) {
                failure.compareAndSet(null, ex);
                throw ex;
            }
            if (result instanceof RecordConverter.Change c) {
                if (stopAt != null && stopAt.after(c.sourceTimeMillis())) {
                    // the changes of one transaction share its commit time: the cut falls between transactions
                    cut = i;
                    break;
                }
                if (!tableStarts.isEmpty() && inLoad(c.event().table(), e.record())) {
                    keyChangeOpen = false;
                    continue;
                }
                ChangeEvent event = c.event();
                ChangeEvent.Update keyChange = keyChangeOpen ? keyChange(events.get(events.size() - 1), event, e.record()) : null;
                if (keyChange != null) {
                    events.set(events.size() - 1, keyChange);
                } else {
                    events.add(event);
                }
                keyChangeOpen = keyChange == null && event instanceof ChangeEvent.Delete
                        && e.record().headers().lastWithName(NEW_KEY) != null;
                ts = Math.max(ts, c.sourceTimeMillis());
            } else {
                keyChangeOpen = false;
                if (result instanceof RecordConverter.Marker m) {
                    markers.add(m.token());
                }
            }
        }
        int covered = cut >= 0 ? cut : coveredRecords(batch, positions::message);
        SourcePosition position = covered == 0 ? lastPosition : positions.of(batch.get(covered - 1).record());
        ChangeChunk chunk = new ChangeChunk(events, position, ts, true, markers);
        if (cut >= 0) {
            LOG.info("task {}: {} change capture reached a change committed after the stop point {}: it is not handed over, "
                    + "nor anything after it", taskName, label, stopAt.describe());
            stopReached = true;
        }
        // Wait for the task to take the chunk, then for the target commit.
        while (!handover.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            if (closed) {
                throw new InterruptedException("change stream closed");
            }
        }
        synchronized (commitLock) {
            while (lastCommitted != chunk) {
                if (closed) {
                    throw new InterruptedException("change stream closed before the batch was committed");
                }
                commitLock.wait(100);
            }
        }
        for (int i = 0; i < covered; i++) {
            committer.markProcessed(batch.get(i));
        }
        committer.markBatchFinished();
        lastPosition = position;
    }

    private static final String NEW_KEY = "__debezium.newkey";
    private static final String OLD_KEY = "__debezium.oldkey";

    /**
     * The update that {@code delete} and {@code insert} are the halves of, or null. A relational
     * connector turns an update that changes a row's key into a delete of the old key carrying the
     * new one ({@value #NEW_KEY}) and a create of the new key carrying the old one ({@value #OLD_KEY}),
     * adjacent and of one table. Ferry makes them the one update they were on the source: that is
     * what the statistics count (as DMS does), and what the reducer applies (the old key deleted, the
     * new row upserted, as for the two halves). A key change split between two capture batches stays
     * a delete and an insert.
     */
    static ChangeEvent.Update keyChange(ChangeEvent delete, ChangeEvent insert, SourceRecord insertRecord) {
        if (delete instanceof ChangeEvent.Delete d && insert instanceof ChangeEvent.Insert i && d.table().equals(i.table())
                && insertRecord.headers().lastWithName(OLD_KEY) != null) {
            return new ChangeEvent.Update(i.table(), d.before(), i.after());
        }
        return null;
    }

    /**
     * Every change carries its commit time ({@link RecordConverter.Change#sourceTimeMillis}), and the
     * changes of one transaction share it, so the stream cuts exactly between the last transaction
     * at or before the stop point and the first after it.
     */
    @Override
    public boolean stopAfter(dev.ferry.core.settings.CdcStop stop) {
        this.stop = stop;
        return true;
    }

    @Override
    public boolean stopReached() {
        return stopReached;
    }

    /** True when the record's change is at or before the start of its table (so in the table's load). */
    private boolean inLoad(TableId table, SourceRecord record) {
        SourcePosition start = tableStarts.get(table);
        return start != null && positions.of(record).compareTo(start) <= 0;
    }

    /**
     * Every record's position is known here ({@link Positions#of}), so the changes of {@code table}
     * up to {@code start} are dropped record by record: the hand-over is exact. Records are
     * converted only after the task's first {@link #poll}, so a start given before it applies to all.
     */
    @Override
    public boolean startTableAfter(TableId table, SourcePosition start) {
        tableStarts.put(table, start);
        return true;
    }

    /**
     * How many records of the batch its checkpoint may cover. A connector turns one source message
     * into several records with the same offset (a key change: a delete, then a create; a TRUNCATE
     * of several tables: one record per table), and an offset means "this message is done". A batch
     * that ends inside such a group must not store the group's offset, or a restart would skip the
     * rest of the message: it stores the offset before the group instead. The group's records are
     * applied all the same; after a restart the whole message comes again and is applied again,
     * which is idempotent for these records (deletes, upserts of keyed tables, truncates).
     */
    public static int coveredRecords(List<RecordChangeEvent<SourceRecord>> batch, Function<SourceRecord, Object> message) {
        int n = batch.size();
        SourceRecord last = batch.get(n - 1).record();
        if (!mayContinueInNextBatch(last)) {
            return n;
        }
        Object key = message.apply(last);
        int i = n - 1;
        while (i >= 0 && Objects.equals(message.apply(batch.get(i).record()), key)) {
            i--;
        }
        return i + 1;
    }

    /** The first half of a key change (a delete carrying the new key), or a truncate. */
    static boolean mayContinueInNextBatch(SourceRecord r) {
        if (r.headers().lastWithName(NEW_KEY) != null) {
            return true;
        }
        return r.value() instanceof Struct s && s.schema().field("op") != null && "t".equals(s.getString("op"));
    }

    /**
     * The next chunk, or null after {@code timeout}. Fails with a {@link SourceException} as soon as
     * the engine has failed or ended (checked at least every 100 ms while waiting): an ended engine
     * delivers nothing more.
     */
    @Override
    public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
        throwIfFailed();
        polled.countDown();
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            long left = deadline - System.nanoTime();
            ChangeChunk chunk = handover.poll(Math.max(0, Math.min(left, FAILURE_CHECK_NANOS)), TimeUnit.NANOSECONDS);
            if (chunk != null) {
                return chunk;
            }
            throwIfFailed();
            if (left <= FAILURE_CHECK_NANOS) {
                return null;
            }
        }
    }

    private static final long FAILURE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private void throwIfFailed() {
        Throwable f = failure.get();
        if (f != null) {
            throw f instanceof SourceException s ? s : new SourceException(label + " change capture failed: " + f.getMessage(), f);
        }
    }

    @Override
    public void committed(ChangeChunk chunk) {
        synchronized (commitLock) {
            lastCommitted = chunk;
            commitLock.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (commitLock) {
            commitLock.notifyAll();
        }
        // Let the engine stop in order (and release its metrics) even when this thread was interrupted.
        boolean interrupted = Thread.interrupted();
        try {
            engine.close();
        } catch (IOException e) {
            LOG.warn("task {}: closing change capture failed: {}", taskName, e.toString());
        } catch (IllegalStateException alreadyStopped) {
            // the engine stopped by itself (a failed start, a connector error): nothing left to close
            LOG.debug("task {}: change capture had stopped already: {}", taskName, alreadyStopped.getMessage());
        }
        executor.shutdown();
        SeededOffsetStore.release(engineProperties);
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
