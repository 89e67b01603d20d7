package dev.ferry.core.task;

import dev.ferry.core.FerryException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.BulkWriter;
import dev.ferry.core.spi.CdcMark;
import dev.ferry.core.spi.ChangeApplier;
import dev.ferry.core.spi.ChangeBatch;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.Checkpoint;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.SyncPoint;
import dev.ferry.core.spi.Target;
import dev.ferry.core.spi.TargetTablePrepMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The task runner's lifecycle and ordering, with in-memory endpoints (the data path itself is
 * proven on real PostgreSQL in engine-postgres).
 */
class FerryTaskTest {

    record Pos(long n) implements SourcePosition {
        @Override
        public String serialize() {
            return Long.toString(n);
        }

        @Override
        public String describe() {
            return "#" + n;
        }

        @Override
        public int compareTo(SourcePosition o) {
            return Long.compare(n, ((Pos) o).n);
        }
    }

    static TableSchema table(String name) {
        return new TableSchema(new TableId("s", name), List.of(new Column("id", LogicalType.of(TypeKind.INT64), false),
                new Column("v", LogicalType.of(TypeKind.TEXT), true)), List.of("id"), 3);
    }

    static TableSchema keyless(String name) {
        return new TableSchema(new TableId("s", name), List.of(new Column("id", LogicalType.of(TypeKind.INT64), false),
                new Column("v", LogicalType.of(TypeKind.TEXT), true)), List.of(), 3);
    }

    static Set<TableId> ids(TableSchema... tables) {
        Set<TableId> ids = new LinkedHashSet<>();
        for (TableSchema t : tables) {
            ids.add(t.id());
        }
        return ids;
    }

    /** Records every call in order; serves rows and scripted change chunks. */
    static final class MemorySource implements Source {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final List<TableSchema> tables;
        final int rowsPerTable;
        final String failingTable;
        final BlockingQueue<ChangeChunk> changes = new LinkedBlockingQueue<>();
        final List<ChangeChunk> committed = Collections.synchronizedList(new ArrayList<>());
        /** Reads of these tables wait until their latch opens (after logging "read t"). */
        final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        volatile long head;
        volatile boolean addedMarkExact = true;
        volatile boolean streamStartsTables = true;

        MemorySource(List<TableSchema> tables, int rowsPerTable, String failingTable) {
            this.tables = tables;
            this.rowsPerTable = rowsPerTable;
            this.failingTable = failingTable;
        }

        @Override
        public List<TableSchema> discover() {
            return tables;
        }

        @Override
        public CdcMark markCdcStart(String taskName, List<TableSchema> t) {
            log.add("mark");
            return new CdcMark() {
                @Override
                public SourcePosition position() {
                    return new Pos(100);
                }

                @Override
                public boolean consistentSnapshot() {
                    return true;
                }

                @Override
                public void close() {
                    log.add("mark closed");
                }
            };
        }

        @Override
        public CdcMark markAddedTables(String taskName, List<TableSchema> added) {
            log.add("mark added " + added.stream().map(t -> t.id().name()).toList());
            return new CdcMark() {
                @Override
                public SourcePosition position() {
                    return new Pos(200);
                }

                @Override
                public boolean consistentSnapshot() {
                    return addedMarkExact;
                }

                @Override
                public void close() {
                    log.add("added mark closed");
                }
            };
        }

        @Override
        public BulkReader openBulkReader(TableSchema table, KeyRange range) {
            return new BulkReader() {
                @Override
                public long read(RowSink sink) throws InterruptedException {
                    log.add("read " + table.id().name());
                    CountDownLatch gate = gates.get(table.id().name());
                    if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                        throw new FerryException("the test never opened the gate of " + table.id());
                    }
                    if (table.id().name().equals(failingTable)) {
                        throw new FerryException("disk on fire while reading " + table.id());
                    }
                    for (long i = 0; i < rowsPerTable; i++) {
                        sink.accept(new Object[]{i, "v" + i});
                    }
                    return rowsPerTable;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public ChangeStream openChangeStream(String taskName, List<TableSchema> t, SourcePosition from,
                                             dev.ferry.core.spi.BatchLimits limits) {
            log.add("stream from " + from.describe() + " of " + t.stream().map(x -> x.id().name()).toList());
            return new ChangeStream() {
                @Override
                public boolean startTableAfter(TableId table, SourcePosition start) {
                    log.add("start " + table.name() + " after " + start.describe());
                    return streamStartsTables;
                }

                @Override
                public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
                    return changes.poll(timeout, unit);
                }

                @Override
                public void committed(ChangeChunk chunk) {
                    committed.add(chunk);
                }

                @Override
                public void close() {
                    log.add("stream closed");
                }
            };
        }

        @Override
        public SourcePosition decodePosition(String serialized) {
            return new Pos(Long.parseLong(serialized));
        }

        @Override
        public SyncPoint requestSyncPoint(String taskName) {
            log.add("sync point");
            return new SyncPoint(null, new Pos(head));
        }

        @Override
        public void close() {
        }
    }

    static final class MemoryTarget implements Target {
        final List<String> log;
        final Map<TableId, Long> loaded = new ConcurrentHashMap<>();
        final List<Checkpoint> checkpoints = Collections.synchronizedList(new ArrayList<>());
        final List<ChangeBatch> batches = Collections.synchronizedList(new ArrayList<>());
        /** Table loads recorded with their rows, by position ("" for none). */
        final Map<TableId, String> loads = new ConcurrentHashMap<>();
        volatile Checkpoint stored;
        volatile long dropRows;

        MemoryTarget(List<String> log, Checkpoint initial) {
            this.log = log;
            this.stored = initial;
        }

        @Override
        public void prepareControlTables(String taskName, String controlSchema) {
        }

        @Override
        public void prepareTable(TableSchema table, TargetTablePrepMode mode) {
            log.add("prepare " + table.id().name());
        }

        @Override
        public BulkWriter openBulkWriter(TableSchema table) {
            return new BulkWriter() {
                long rows;

                @Override
                public void write(Object[] row) {
                    rows++;
                }

                @Override
                public long finish() {
                    log.add("loaded " + table.id().name());
                    loaded.put(table.id(), rows);
                    return rows - dropRows;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public BulkWriter openBulkWriter(String taskName, TableSchema table, String position) {
            BulkWriter rows = openBulkWriter(table);
            return new BulkWriter() {
                @Override
                public void write(Object[] row) {
                    rows.write(row);
                }

                @Override
                public long finish() {
                    long n = rows.finish();
                    loads.put(table.id(), position == null ? "" : position);
                    return n;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Set<TableId> tablesLoaded(String taskName, String position) {
            Set<TableId> at = new java.util.TreeSet<>();
            loads.forEach((t, p) -> {
                if (p.equals(position == null ? "" : position)) {
                    at.add(t);
                }
            });
            return at;
        }

        @Override
        public void forgetTableLoads(String taskName, Collection<TableId> tables) {
            tables.forEach(loads::remove);
        }

        @Override
        public ChangeApplier openChangeApplier(String taskName, Collection<TableSchema> tables) {
            return new ChangeApplier() {
                @Override
                public void apply(ChangeBatch batch, Checkpoint checkpoint) {
                    batches.add(batch);
                    stored = checkpoint;
                    checkpoints.add(checkpoint);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Optional<Checkpoint> readCheckpoint(String taskName) {
            return Optional.ofNullable(stored);
        }

        @Override
        public void writeCheckpoint(String taskName, Checkpoint checkpoint) {
            log.add("checkpoint " + checkpoint.phase());
            stored = checkpoint;
            checkpoints.add(checkpoint);
        }

        @Override
        public void resetCheckpoint(String taskName) {
            stored = null;
        }

        @Override
        public void close() {
        }
    }

    static ChangeChunk chunk(long position, TableSchema table, long id) {
        return new ChangeChunk(List.of(new ChangeEvent.Insert(table.id(), new Object[]{id, "new"})), new Pos(position), 0, true, List.of());
    }

    @Test
    @DisplayName("when full-load-and-cdc runs, then the mark precedes every read and CDC starts from it after every load")
    void orderingOfMarkLoadAndCdc() throws Exception {
        List<TableSchema> tables = List.of(table("a"), table("b"), table("c"));
        MemorySource source = new MemorySource(tables, 5000, null);
        MemoryTarget target = new MemoryTarget(source.log, null);
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).maxParallelTables(2).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
            source.changes.add(chunk(101, tables.get(0), 9000));
            source.changes.add(chunk(102, tables.get(1), 9001));
            source.head = 102;
            assertThat(task.awaitInSync(Duration.ofSeconds(10))).isTrue();
            TaskStatus status = task.status();
            assertThat(status.fullLoadRows()).isEqualTo(15000);
            assertThat(status.tables()).extracting(TableStats::state).containsOnly(TableState.TABLE_COMPLETED);
            assertThat(status.appliedChanges()).isEqualTo(2);
            assertThat(status.appliedPosition()).isEqualTo("#102");
        }
        List<String> log = new ArrayList<>(source.log);
        assertThat(log.get(0)).isEqualTo("mark");
        assertThat(log.indexOf("checkpoint FULL_LOAD")).isLessThan(log.indexOf("read a"));
        int lastLoad = Math.max(log.indexOf("loaded a"), Math.max(log.indexOf("loaded b"), log.indexOf("loaded c")));
        assertThat(log.indexOf("checkpoint CDC")).isGreaterThan(lastLoad);
        assertThat(log.indexOf("stream from #100 of [a, b, c]")).isGreaterThan(log.indexOf("checkpoint CDC"));
        assertThat(log).endsWith("stream closed");
        assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "102", ids(tables.get(0), tables.get(1), tables.get(2))));
        // each batch is acknowledged to the source only after the target stored its checkpoint
        assertThat(source.committed).extracting(c -> ((Pos) c.position()).n()).containsExactly(101L, 102L);
    }

    @Test
    @DisplayName("when one table fails to load, then it shows Table error, the others complete, and the task fails naming it")
    void tableFailure() throws Exception {
        List<TableSchema> tables = List.of(table("good"), table("bad"));
        MemorySource source = new MemorySource(tables, 100, "bad");
        try (FerryTask task = FerryTask.builder("t").source(source).target(new MemoryTarget(source.log, null)).build()) {
            task.start();
            assertThatThrownBy(() -> task.awaitFullLoad(Duration.ofSeconds(10)))
                    .isInstanceOf(FerryException.class)
                    .hasMessageContaining("full load failed for 1 table(s): s.bad: disk on fire while reading s.bad");
            TaskStatus status = task.status();
            assertThat(status.state()).isEqualTo(TaskState.FAILED);
            Map<String, TableState> states = new java.util.HashMap<>();
            status.tables().forEach(t -> states.put(t.table().name(), t.state()));
            assertThat(states).containsEntry("good", TableState.TABLE_COMPLETED).containsEntry("bad", TableState.TABLE_ERROR);
        }
    }

    @Test
    @DisplayName("when the target accepts fewer rows than were read, then the load fails instead of losing them silently")
    void rowCountMismatch() throws Exception {
        MemorySource source = new MemorySource(List.of(table("a")), 10, null);
        MemoryTarget target = new MemoryTarget(source.log, null);
        target.dropRows = 1;
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(10))).isTrue();
            assertThat(task.status().error()).contains("table s.a: read 10 rows but the target accepted 9");
        }
    }

    @Test
    @DisplayName("when the target holds a CDC checkpoint, then the task resumes from it without loading")
    void resumeFromCheckpoint() throws Exception {
        MemorySource source = new MemorySource(List.of(table("a")), 10, null);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "555"));
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
            source.changes.add(chunk(556, table("a"), 1));
            source.head = 556;
            assertThat(task.awaitInSync(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(source.log).doesNotContain("mark").doesNotContain("read a").contains("stream from #555 of [a]");
    }

    @Test
    @DisplayName("when stop is called with a batch in hand, then that batch is committed before stop returns")
    void gracefulStopCommitsTheBatchInFlight() throws Exception {
        MemorySource source = new MemorySource(List.of(table("a")), 10, null);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "1"));
        FerryTask task = FerryTask.builder("t").source(source).target(target).build();
        task.start();
        assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
        source.changes.add(new ChangeChunk(List.of(new ChangeEvent.Insert(new TableId("s", "a"), new Object[]{1L, "x"})),
                new Pos(2), 0, false, List.of()));
        // the chunk does not ask for an immediate commit: the runner waits up to a second for more
        Thread.sleep(100);
        task.stop();
        // a checkpoint without loaded tables (an earlier version's) takes the selected tables as loaded
        assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "2", ids(table("a"))));
        assertThat(task.status().state()).isEqualTo(TaskState.STOPPED);
        task.close();
    }

    static ChangeChunk chunk(long position, ChangeEvent... events) {
        return new ChangeChunk(List.of(events), new Pos(position), 0, true, List.of());
    }

    static ChangeEvent insert(TableSchema table, long id) {
        return new ChangeEvent.Insert(table.id(), new Object[]{id, "new"});
    }

    /** Polls until {@code condition} holds; the test fails after ten seconds. */
    static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** The tables of a batch, by name, in the order the batch holds them. */
    static List<String> tablesOf(ChangeBatch batch) {
        return batch.tables().stream().map(t -> t.schema().id().name()).toList();
    }

    @Test
    @DisplayName("when a table is selected after the task started, then resuming marks and loads it alone while the other "
            + "table's changes are applied; its own changes are held until its load ends, then applied first")
    void addedTableLoadsWhileTheOthersReplicate() throws Exception {
        TableSchema a = table("a");
        TableSchema b = table("b");
        MemorySource source = new MemorySource(List.of(a, b), 10, null);
        CountDownLatch gate = new CountDownLatch(1);
        source.gates.put("b", gate);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a)));
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            await(() -> source.log.contains("read b"), "b's load starts");
            assertThat(task.awaitFullLoad(Duration.ZERO)).isFalse();

            // during b's load: a's change is applied and checkpointed without b; b's change is held
            source.changes.add(chunk(151, insert(a, 1), insert(b, 2)));
            await(() -> target.checkpoints.size() == 1, "the first batch commits");
            assertThat(target.checkpoints.get(0)).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "151", ids(a)));
            assertThat(tablesOf(target.batches.get(0))).containsExactly("a");
            assertThat(task.status().tables()).filteredOn(t -> t.table().name().equals("b"))
                    .extracting(TableStats::state).containsExactly(TableState.FULL_LOAD);

            gate.countDown();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
            // the held change is applied in one transaction with the first checkpoint listing b, at the same position
            assertThat(target.checkpoints.get(1)).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "151", ids(a, b)));
            assertThat(tablesOf(target.batches.get(1))).containsExactly("b");
            assertThat(target.batches.get(1).tables().get(0).upserts()).extracting(r -> r[0]).containsExactly(2L);

            source.changes.add(chunk(152, insert(b, 3)));
            source.head = 152;
            assertThat(task.awaitInSync(Duration.ofSeconds(10))).isTrue();
            assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "152", ids(a, b)));
            assertThat(task.status().tables()).extracting(TableStats::state).containsOnly(TableState.TABLE_COMPLETED);
            assertThat(task.status().fullLoadRows()).isEqualTo(10);
        }
        List<String> log = new ArrayList<>(source.log);
        assertThat(log).doesNotContain("mark", "read a").contains("start b after #200");
        assertThat(target.loaded).containsOnlyKeys(b.id());
        // b's start is recorded before it is read, its stream starts after that mark, and the mark ends with the load
        assertThat(log.indexOf("mark added [b]")).isLessThan(log.indexOf("stream from #150 of [a, b]"));
        assertThat(log.indexOf("start b after #200")).isLessThan(log.indexOf("read b"));
        assertThat(log.indexOf("added mark closed")).isGreaterThan(log.indexOf("loaded b"));
    }

    @Test
    @DisplayName("when the changes held for a loading table reach the bound, then the other tables wait for its load, "
            + "and nothing is lost or reordered")
    void heldChangesOverTheBoundPauseTheOthers() throws Exception {
        TableSchema a = table("a");
        TableSchema b = table("b");
        MemorySource source = new MemorySource(List.of(a, b), 10, null);
        CountDownLatch gate = new CountDownLatch(1);
        source.gates.put("b", gate);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a)));
        List<String> phases = Collections.synchronizedList(new ArrayList<>());
        try (FerryTask task = FerryTask.builder("t").source(source).target(target)
                .settings(dev.ferry.core.settings.TaskSettings.defaults().withBatchApplyMaxChanges(2))
                .listener(status -> phases.add(status.phase())).build()) {
            task.start();
            await(() -> source.log.contains("read b"), "b's load starts");
            source.changes.add(chunk(151, insert(b, 1), insert(b, 2)));
            await(() -> phases.contains("cdc paused until the added table(s) are loaded"), "the apply pauses");
            source.changes.add(chunk(152, insert(a, 3)));
            // paused: the stream is not read while b loads
            assertThat(target.checkpoints).extracting(Checkpoint::position).containsExactly("151");
            gate.countDown();
            source.head = 152;
            assertThat(task.awaitInSync(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(source.changes).isEmpty();
        assertThat(target.checkpoints).containsExactly(
                new Checkpoint(Checkpoint.Phase.CDC, "151", ids(a)),
                new Checkpoint(Checkpoint.Phase.CDC, "151", ids(a, b)),
                new Checkpoint(Checkpoint.Phase.CDC, "152", ids(a, b)));
        assertThat(tablesOf(target.batches.get(1))).containsExactly("b");
        assertThat(target.batches.get(1).tables().get(0).upserts()).extracting(r -> r[0]).containsExactly(1L, 2L);
    }

    @Test
    @DisplayName("when a table is no longer selected, then nothing loads and the next checkpoint no longer lists it")
    void removedTableLeavesTheCheckpoint() throws Exception {
        TableSchema a = table("a");
        TableSchema b = table("b");
        MemorySource source = new MemorySource(List.of(a), 10, null);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a, b)));
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
            source.changes.add(chunk(151, insert(a, 1)));
            source.head = 151;
            assertThat(task.awaitInSync(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "151", ids(a)));
        assertThat(source.log).doesNotContain("read a").doesNotContain("mark added [a]").contains("stream from #150 of [a]");
    }

    @Test
    @DisplayName("when a keyless table is added and its load cannot meet its changes exactly, then resuming fails naming "
            + "the table and the fix, before anything is read")
    void keylessAddedTableNeedsAnExactHandOver() throws Exception {
        TableSchema a = table("a");
        TableSchema audit = keyless("audit");
        MemorySource source = new MemorySource(List.of(a, audit), 10, null);
        source.addedMarkExact = false;
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a)));
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(10))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).contains("table(s) s.audit have no primary key and were selected after task t started")
                    .contains("give the table(s) a primary key, or leave them out of the table mappings");
        }
        assertThat(source.log).doesNotContain("read audit").contains("added mark closed");
        assertThat(target.checkpoints).isEmpty();
    }

    @Test
    @DisplayName("when a keyless table is added and the stream cannot drop its changes up to the mark, then resuming fails too")
    void keylessAddedTableNeedsAStreamThatStartsIt() throws Exception {
        TableSchema a = table("a");
        TableSchema audit = keyless("audit");
        MemorySource source = new MemorySource(List.of(a, audit), 10, null);
        source.streamStartsTables = false;
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a)));
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(10))).isTrue();
            assertThat(task.status().error()).contains("s.audit have no primary key");
        }
        assertThat(source.log).doesNotContain("read audit");
    }

    @Test
    @DisplayName("when a keyed table is added and the source replays its changes, then it loads all the same")
    void keyedAddedTableAcceptsReplay() throws Exception {
        TableSchema a = table("a");
        TableSchema b = table("b");
        MemorySource source = new MemorySource(List.of(a, b), 10, null);
        source.addedMarkExact = false;
        source.streamStartsTables = false;
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a)));
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(target.loaded).containsOnlyKeys(b.id());
        assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a, b)));
    }

    @Test
    @DisplayName("when the task stops while an added table loads, then the checkpoint does not list it, so it loads again")
    void stopDuringTheAddedLoad() throws Exception {
        TableSchema a = table("a");
        TableSchema b = table("b");
        MemorySource source = new MemorySource(List.of(a, b), 10, null);
        source.gates.put("b", new CountDownLatch(1));
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a)));
        FerryTask task = FerryTask.builder("t").source(source).target(target).build();
        task.start();
        await(() -> source.log.contains("read b"), "b's load starts");
        source.changes.add(chunk(151, insert(a, 1), insert(b, 2)));
        await(() -> target.checkpoints.size() == 1, "the first batch commits");
        task.stop();
        task.close();
        assertThat(task.status().state()).isEqualTo(TaskState.STOPPED);
        assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "151", ids(a)));
        assertThat(source.log).contains("added mark closed");
        assertThat(ResumePlan.of(List.of(a, b), target.stored.loadedTables()).load()).containsExactly(b);
    }

    @Test
    @DisplayName("when only heartbeats follow a change that arrived a minute late, then the lag drops from a minute to "
            + "about nothing: the source is quiet and the target has everything")
    void heartbeatsRefreshTheLag() throws Exception {
        TableSchema a = table("a");
        MemorySource source = new MemorySource(List.of(a), 10, null);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a)));
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
            source.changes.add(new ChangeChunk(List.of(insert(a, 1)), new Pos(151), System.currentTimeMillis() - 60_000, true,
                    List.of()));
            await(() -> task.status().cdcBatches() == 1, "the late change commits");
            assertThat(task.status().lagMillis()).isBetween(60_000L, 70_000L);

            source.changes.add(new ChangeChunk(List.of(), new Pos(152), 0, true, List.of()));
            await(() -> task.status().cdcBatches() == 2, "the heartbeat commits");
            assertThat(task.status().lagMillis()).isBetween(0L, 1_000L);
            assertThat(task.status().appliedPosition()).isEqualTo("#152");
        }
    }

    @Test
    @DisplayName("when a full load with CDC stopped after loading some tables, then the restart keeps those from the same "
            + "CDC start, loads the others with a start of their own, and counts them all once they are in")
    void interruptedFullLoadWithCdcGoesOnFromItsStart() throws Exception {
        TableSchema a = table("a");
        TableSchema b = table("b");
        MemorySource source = new MemorySource(List.of(a, b), 10, null);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.FULL_LOAD, "100", Set.of()));
        target.loads.put(a.id(), "100");
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
            source.changes.add(chunk(201, insert(a, 1), insert(b, 2)));
            source.head = 201;
            assertThat(task.awaitInSync(Duration.ofSeconds(10))).isTrue();
            assertThat(task.status().fullLoadRows()).isEqualTo(10);
        }
        assertThat(source.log).doesNotContain("mark", "read a").contains("mark added [b]", "read b", "stream from #100 of [a, b]",
                "start b after #200");
        assertThat(target.loaded).containsOnlyKeys(b.id());
        assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.CDC, "201", ids(a, b)));
        assertThat(target.loads).as("the checkpoint counts them: their records are forgotten").isEmpty();
    }

    @Test
    @DisplayName("when a full-load-only task stopped after loading some tables, then the restart loads only the others")
    void interruptedFullLoadOnlyGoesOn() throws Exception {
        TableSchema a = table("a");
        TableSchema b = table("b");
        MemorySource source = new MemorySource(List.of(a, b), 10, null);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.FULL_LOAD, null, Set.of()));
        target.loads.put(a.id(), "");
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(10))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.LOAD_COMPLETE);
            assertThat(task.status().tables()).extracting(TableStats::state).containsOnly(TableState.TABLE_COMPLETED);
        }
        assertThat(source.log).doesNotContain("read a").contains("read b");
        assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.LOAD_COMPLETE, null, ids(a, b)));
        assertThat(target.loads).isEmpty();
    }

    @Test
    @DisplayName("when a full-load-only task starts afresh, then it records a full load of its own first, and its loads")
    void fullLoadOnlyRecordsItsLoads() throws Exception {
        TableSchema a = table("a");
        MemorySource source = new MemorySource(List.of(a), 10, null);
        CountDownLatch gate = new CountDownLatch(1);
        source.gates.put("a", gate);
        MemoryTarget target = new MemoryTarget(source.log, null);
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            await(() -> source.log.contains("read a"), "a's load starts");
            assertThat(target.stored).isEqualTo(new Checkpoint(Checkpoint.Phase.FULL_LOAD, null, Set.of()));
            gate.countDown();
            assertThat(task.awaitFinished(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(source.log).contains("loaded a");
        assertThat(target.stored.phase()).isEqualTo(Checkpoint.Phase.LOAD_COMPLETE);
    }

    @Test
    @DisplayName("when a keyless added table is loaded before the committed position reached its start, then it joins only "
            + "after that (a sync point moves the stream on): no checkpoint listing it lies before its start")
    void keylessAddedTableJoinsAfterItsStart() throws Exception {
        TableSchema a = table("a");
        TableSchema audit = keyless("audit");
        MemorySource source = new MemorySource(List.of(a, audit), 10, null);
        MemoryTarget target = new MemoryTarget(source.log, new Checkpoint(Checkpoint.Phase.CDC, "150", ids(a)));
        try (FerryTask task = FerryTask.builder("t").source(source).target(target).build()) {
            task.start();
            await(() -> source.log.contains("loaded audit"), "audit loads");
            source.changes.add(chunk(151, insert(a, 1)));
            await(() -> !target.checkpoints.isEmpty(), "a batch commits");
            assertThat(task.awaitFullLoad(Duration.ofMillis(300))).as("audit has not joined").isFalse();
            source.changes.add(chunk(201, insert(a, 2)));
            assertThat(task.awaitFullLoad(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(source.log).as("a sync point moves a quiet stream past the start").contains("sync point");
        assertThat(target.checkpoints).containsExactly(
                new Checkpoint(Checkpoint.Phase.CDC, "151", ids(a)),
                new Checkpoint(Checkpoint.Phase.CDC, "201", ids(a)),
                new Checkpoint(Checkpoint.Phase.CDC, "201", ids(a, audit)));
    }

    @Test
    void twoTasksRunInOneJvm() throws Exception {
        MemorySource s1 = new MemorySource(List.of(table("a")), 1000, null);
        MemorySource s2 = new MemorySource(List.of(table("b")), 2000, null);
        try (FerryTask t1 = FerryTask.builder("one").source(s1).target(new MemoryTarget(s1.log, null))
                .migrationType(MigrationType.FULL_LOAD).build();
             FerryTask t2 = FerryTask.builder("two").source(s2).target(new MemoryTarget(s2.log, null))
                     .migrationType(MigrationType.FULL_LOAD).build()) {
            t1.start();
            t2.start();
            assertThat(t1.awaitFinished(Duration.ofSeconds(10))).isTrue();
            assertThat(t2.awaitFinished(Duration.ofSeconds(10))).isTrue();
            assertThat(t1.status().fullLoadRows()).isEqualTo(1000);
            assertThat(t2.status().fullLoadRows()).isEqualTo(2000);
            assertThat(t1.status().state()).isEqualTo(TaskState.LOAD_COMPLETE);
        }
    }

    @Test
    void badTaskNamesAreRefused() {
        assertThatThrownBy(() -> FerryTask.builder("no spaces")).hasMessageContaining("task name 'no spaces'");
    }
}
