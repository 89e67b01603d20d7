package dev.ferry.postgres.source;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.postgres.PgEndpoint;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PostgreSQL changes through Debezium's embedded engine and its PostgreSQL connector (pgoutput).
 *
 * <p>Hand-over protocol: the engine thread converts a Debezium batch into one chunk, hands it to
 * the task thread and waits until the task reports it {@link #committed}; only then does it mark
 * the records processed and finish the batch, which makes the connector confirm the LSN to the
 * slot. So the slot never moves past what the target has committed, and WAL is released as soon
 * as it is. Offsets come from the target checkpoint through {@link SeededOffsetStore}.
 */
final class PgChangeStream implements ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(PgChangeStream.class);
    static final String SYNC_PREFIX = "ferry-sync";

    private final DebeziumRecords records;
    private final SynchronousQueue<ChangeChunk> handover = new SynchronousQueue<>();
    private final Object commitLock = new Object();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService executor;
    private final String taskName;
    private ChangeChunk lastCommitted;
    /** The position of the last committed chunk: where a chunk that covers no complete record stays. */
    private PgPosition lastPosition;
    private volatile boolean closed;

    PgChangeStream(String taskName, PgEndpoint endpoint, String slot, String publication, List<TableSchema> tables,
                   PgPosition from, int maxBatch, long pollMillis) {
        this.taskName = taskName;
        this.records = new DebeziumRecords(tables, SYNC_PREFIX);
        this.lastPosition = from;
        Properties p = new Properties();
        p.setProperty("name", "ferry-" + taskName);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", SeededOffsetStore.class.getName());
        p.setProperty(SeededOffsetStore.SEED, from.serialize());
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", endpoint.host());
        p.setProperty("database.port", String.valueOf(endpoint.port()));
        p.setProperty("database.user", endpoint.user());
        p.setProperty("database.password", endpoint.password());
        p.setProperty("database.dbname", endpoint.database());
        // Debezium names its JMX metrics after the prefix: one per task, so that tasks run side by side.
        // It is also the offset partition, so it must stay the same for a task across restarts.
        String prefix = "ferry-" + taskName;
        p.setProperty("topic.prefix", prefix);
        unregisterStaleMetrics(prefix);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", publication);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "json");
        p.setProperty("include.unknown.datatypes", "true");
        p.setProperty("unavailable.value.placeholder", DebeziumRecords.UNCHANGED_PLACEHOLDER);
        p.setProperty("skipped.operations", "none");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("message.prefix.include.list", SYNC_PREFIX);
        p.setProperty("heartbeat.interval.ms", "5000");
        p.setProperty("max.batch.size", String.valueOf(maxBatch));
        p.setProperty("max.queue.size", String.valueOf(Math.max(maxBatch * 2, 8192)));
        // bounds Debezium's queue, and so one batch, by bytes too: wide rows cannot exhaust the heap
        p.setProperty("max.queue.size.in.bytes", String.valueOf(256L << 20));
        p.setProperty("poll.interval.ms", String.valueOf(pollMillis));
        p.setProperty("status.update.interval.ms", "1000");
        // a lost replication connection is retried by the connector: 10 times, 3 s apart
        p.setProperty("errors.max.retries", "10");
        p.setProperty("retriable.restart.connector.wait.ms", "3000");
        // a restarted task may find the slot still held for a moment by the process it replaces
        p.setProperty("slot.max.retries", "30");
        p.setProperty("slot.retry.delay.ms", "500");
        p.setProperty("schema.include.list", String.join(",", tables.stream()
                .map(t -> java.util.regex.Pattern.quote(t.id().schema())).distinct().toList()));
        this.engine = DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(p)
                .using((success, message, error) -> {
                    if (!success && !closed) {
                        failure.compareAndSet(null, new SourceException("PostgreSQL change capture stopped: "
                                + (message == null ? "" : message), error));
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
        executor.execute(engine);
        LOG.info("task {}: change capture started on slot {} from {}", taskName, slot, from.describe());
    }

    /**
     * An engine of this task that was killed (an abort, a crash of the task thread) may not have
     * removed its JMX metrics; the connector would then wait a minute per metrics group for the
     * names to free up. Only one engine of a task runs at a time (the slot is exclusive), so
     * whatever is registered under this prefix now is stale.
     */
    static void unregisterStaleMetrics(String prefix) {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        try {
            for (javax.management.ObjectName name : server.queryNames(new javax.management.ObjectName("debezium.postgres:*"), null)) {
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
        List<ChangeEvent> events = new ArrayList<>(batch.size());
        List<String> markers = new ArrayList<>();
        long ts = 0;
        SourceRecord last = null;
        for (RecordChangeEvent<SourceRecord> e : batch) {
            SourceRecord r = e.record();
            last = r;
            DebeziumRecords.Result result;
            try {
                result = records.convert(r);
            } catch (RuntimeException ex) {
                failure.compareAndSet(null, ex);
                throw ex;
            }
            if (result instanceof DebeziumRecords.Change c) {
                events.add(c.event());
                ts = Math.max(ts, c.sourceTimeMillis());
            } else if (result instanceof DebeziumRecords.Marker m) {
                markers.add(m.token());
            }
        }
        if (last == null) {
            return;
        }
        int covered = coveredRecords(batch);
        PgPosition position = covered == 0 ? lastPosition
                : PgPosition.of(batch.get(covered - 1).record().sourcePartition(), batch.get(covered - 1).record().sourceOffset());
        ChangeChunk chunk = new ChangeChunk(events, position, ts, true, markers);
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

    /**
     * How many records of the batch its checkpoint may cover. The connector turns one WAL message into
     * several records with the same offset (a key change: a delete, then a create; a TRUNCATE of several
     * tables: one record per table), and an offset means "this message is done". A batch that ends
     * inside such a group must not store the group's offset, or a restart would skip the rest of the
     * message: it stores the offset before the group instead. The group's records are applied all the
     * same; after a restart the whole message comes again and is applied again, which is idempotent
     * for these records (deletes, upserts of keyed tables, truncates).
     */
    static int coveredRecords(List<RecordChangeEvent<SourceRecord>> batch) {
        int n = batch.size();
        SourceRecord last = batch.get(n - 1).record();
        if (!mayContinueInNextBatch(last)) {
            return n;
        }
        Object lsn = last.sourceOffset().get("lsn");
        int i = n - 1;
        while (i >= 0 && java.util.Objects.equals(batch.get(i).record().sourceOffset().get("lsn"), lsn)) {
            i--;
        }
        return i + 1;
    }

    /** The first half of a key change (a delete carrying the new key), or a truncate. */
    static boolean mayContinueInNextBatch(SourceRecord r) {
        if (r.headers().lastWithName("__debezium.newkey") != null) {
            return true;
        }
        return r.value() instanceof org.apache.kafka.connect.data.Struct s && s.schema().field("op") != null
                && "t".equals(s.getString("op"));
    }

    @Override
    public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
        Throwable f = failure.get();
        if (f != null) {
            throw f instanceof SourceException s ? s : new SourceException("PostgreSQL change capture failed: " + f.getMessage(), f);
        }
        return handover.poll(timeout, unit);
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
        }
        executor.shutdown();
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
