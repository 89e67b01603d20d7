package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Changes from SQL Server Change Tracking, for editions and databases without MS-CDC.
 *
 * <p>One cycle runs the {@link #cycle steps} in order: read {@code CHANGE_TRACKING_CURRENT_VERSION()}
 * as the cycle's upper bound; then, table by table, read {@code CHANGETABLE(CHANGES ...)} joined
 * back to the table, and after that read check that the table's
 * {@code CHANGE_TRACKING_MIN_VALID_VERSION} has not passed the last applied version (if it has,
 * SQL Server cleaned up changes Ferry had not applied: the stream stops and asks for a reload,
 * never skipping them). Change Tracking records which keys changed, not the values: a key whose
 * row still exists becomes an upsert of the row's current values, a key whose row is gone a
 * delete. Replaying a cycle is therefore idempotent, and the cycle's version is the position of
 * its last chunk only: a restart inside a cycle repeats the cycle.
 *
 * <p>Rows are handed over in chunks of at most {@code maxChanges}, so memory stays bounded
 * whatever a cycle holds. When the database allows snapshot isolation a cycle reads in one
 * snapshot transaction, so all its tables are seen as of the same moment.
 */
final class ChangeTrackingStream implements ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeTrackingStream.class);

    private final SqlServerConnector connector;
    private final List<Reader> tables;
    private final List<Step> steps;
    private final int maxChanges;
    private final long pollMillis;
    private final String taskName;
    private Connection conn;
    private long applied;
    private long cycleEnd;
    /** The step of the running cycle, -1 between cycles. */
    private int step = -1;
    private PreparedStatement statement;
    private ResultSet rows;
    private long nextCycleAt;
    private boolean snapshotIsolation;

    /**
     * The change query of one table and how to turn its rows into events: {@code reads[i]} reads
     * column {@code i} of {@code table} at {@code query.values()[i]}, and key column {@code k} of a
     * deleted row at {@code query.keys()[k]}; the query placed both, so no position is counted here.
     */
    record Reader(TableSchema table, SqlServerSql.ChangeQuery query, SqlServerTypes.Read[] reads) {

        Reader {
            if (reads.length != table.columns().size() || query.values().length != reads.length
                    || query.keys().length != table.primaryKey().size()) {
                throw new IllegalArgumentException("table " + table.id() + ": the change query selects " + query.values().length
                        + " column(s) and " + query.keys().length + " key column(s) for " + reads.length + " reader(s), "
                        + table.columns().size() + " column(s) and " + table.primaryKey().size() + " key column(s)");
            }
        }
    }

    /** What one step of a cycle does. */
    enum Action {
        /** read CHANGE_TRACKING_CURRENT_VERSION() as the cycle's upper bound */
        BOUND,
        /** read the table's changes up to the bound */
        CHANGES,
        /** check the table's CHANGE_TRACKING_MIN_VALID_VERSION against the applied version */
        VALIDATE
    }

    /** One step of a cycle; {@code table} indexes the readers, -1 for {@link Action#BOUND}. */
    record Step(Action action, int table) {
    }

    /**
     * The steps of one cycle over {@code tables} tables, in the order {@link #poll} runs them: the
     * bound, then for each table its changes and, after them, its validation.
     *
     * <p>Why validate after the read, not before: SQL Server's cleanup may run at any moment, and
     * {@code CHANGETABLE(CHANGES t, v)} does not fail when cleanup has removed changes after
     * {@code v}: it just returns fewer rows. A check before the read can pass and the cleanup then
     * delete rows before the read reaches them, so the loss goes unseen. Cleanup raises the
     * table's minimum valid version for what it deletes, so a check made after the read has
     * finished sees every cleanup that could have taken rows from that read: if the minimum valid
     * version is still at or below the applied version, every change the read should have returned
     * was still there. This is the alternative to snapshot isolation Microsoft documents ("Work with
     * Change Tracking": check last_synchronization_version after the calls to CHANGETABLE()). Inside
     * a snapshot transaction the cleanup's deletions are not visible to the read at all; the check
     * after it is then at worst cautious (it may stop a cycle whose read was complete, when cleanup
     * passed the applied version while the cycle ran, a position already at the edge of retention).
     */
    static List<Step> cycle(int tables) {
        List<Step> result = new ArrayList<>(1 + 2 * tables);
        result.add(new Step(Action.BOUND, -1));
        for (int i = 0; i < tables; i++) {
            result.add(new Step(Action.CHANGES, i));
            result.add(new Step(Action.VALIDATE, i));
        }
        return List.copyOf(result);
    }

    /**
     * Whether changes after version {@code applied} read from {@code table} are complete, given
     * the table's {@code CHANGE_TRACKING_MIN_VALID_VERSION} read after them ({@code null} when
     * Change Tracking is off for the table): null when they are, else the failure to stop with.
     * {@code CHANGETABLE(CHANGES t, v)} is valid for {@code v >= minValid}.
     */
    static SourceException invalidPosition(String taskName, TableId table, long applied, Long minValid) {
        if (minValid == null) {
            return new SourceException("Change Tracking is not enabled on table " + table
                    + "; enable it (ferry prepare-source TASK.yaml --change-tracking) and reload the task (ferry run --reload)");
        }
        if (minValid > applied) {
            return new SourceException("the Change Tracking position of task " + taskName + " (version " + applied
                    + ") has expired for table " + table + ": SQL Server cleaned up changes up to version " + minValid
                    + " before they were applied. Nothing was skipped; reload the task (ferry run --reload), and keep "
                    + "CHANGE_RETENTION longer than the longest time the task may be stopped");
        }
        return null;
    }

    ChangeTrackingStream(String taskName, SqlServerConnector connector, List<Reader> tables, long fromVersion, int maxChanges,
                         long pollMillis) {
        this.taskName = taskName;
        this.connector = connector;
        this.tables = List.copyOf(tables);
        this.steps = cycle(tables.size());
        this.applied = fromVersion;
        this.maxChanges = maxChanges;
        this.pollMillis = pollMillis;
    }

    @Override
    public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        try {
            if (step < 0) {
                long wait = nextCycleAt - System.currentTimeMillis();
                if (wait > 0) {
                    long allowed = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    Thread.sleep(Math.max(0, Math.min(wait, allowed)));
                    if (wait > allowed) {
                        return null;
                    }
                }
                startCycle();
            }
            List<ChangeEvent> events = new ArrayList<>();
            while (step < steps.size() && events.size() < maxChanges) {
                Step s = steps.get(step);
                boolean done = switch (s.action()) {
                    case BOUND -> bound();
                    case CHANGES -> changes(tables.get(s.table()), events);
                    case VALIDATE -> validate(tables.get(s.table()));
                };
                if (done) {
                    step++;
                }
            }
            if (step < steps.size()) {
                // more of this cycle to come: the position stays where it was
                return new ChangeChunk(events, new SqlServerPosition.ChangeTracking(applied), 0, false, List.of());
            }
            long end = cycleEnd;
            endCycle(true);
            nextCycleAt = System.currentTimeMillis() + pollMillis;
            if (events.isEmpty() && end == applied) {
                return null; // nothing changed anywhere: no checkpoint write for an idle poll
            }
            applied = end;
            return new ChangeChunk(events, new SqlServerPosition.ChangeTracking(end), System.currentTimeMillis(), true, List.of());
        } catch (SQLException e) {
            endCycle(false);
            throw connector.failure("reading Change Tracking changes of task " + taskName + " failed", e);
        } catch (SourceException e) {
            endCycle(false);
            throw e;
        }
    }

    private void startCycle() throws SQLException {
        if (conn == null) {
            conn = connector.open();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.DATABASE)) {
                snapshotIsolation = rs.next() && rs.getInt(4) == 1;
            }
        }
        if (snapshotIsolation) {
            conn.setTransactionIsolation(4096); // SQLServerConnection.TRANSACTION_SNAPSHOT
        }
        conn.setAutoCommit(false);
        step = 0;
    }

    /** {@link Action#BOUND}: the cycle's upper bound. */
    private boolean bound() throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.CT_CURRENT_VERSION)) {
            rs.next();
            long current = rs.getLong(1);
            if (rs.wasNull()) {
                throw new SourceException("Change Tracking is not enabled on database " + connector.endpoint().database()
                        + "; run ferry prepare-source TASK.yaml --change-tracking, then reload the task");
            }
            cycleEnd = current;
        }
        return true;
    }

    /** {@link Action#CHANGES}: adds the table's changes to {@code events} up to the chunk size; true once all are read. */
    private boolean changes(Reader r, List<ChangeEvent> events) throws SQLException {
        if (rows == null) {
            statement = conn.prepareStatement(r.query().sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            statement.setLong(1, applied);
            statement.setLong(2, cycleEnd);
            rows = statement.executeQuery();
        }
        while (events.size() < maxChanges) {
            if (!rows.next()) {
                closeTable();
                return true;
            }
            events(r, rows, events);
        }
        return false;
    }

    /** {@link Action#VALIDATE}: fails unless the changes just read from the table were complete. */
    private boolean validate(Reader r) throws SQLException {
        TableId id = r.table().id();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.ctMinValidVersion(id))) {
            rs.next();
            long min = rs.getLong(1);
            SourceException invalid = invalidPosition(taskName, id, applied, rs.wasNull() ? null : min);
            if (invalid != null) {
                throw invalid;
            }
        }
        return true;
    }

    /**
     * Adds the change(s) one row of the Change Tracking query stands for: an upsert of the row's
     * current values when the row exists, else a delete of the changed key. The row is joined back
     * by SQL Server's equality, which under a case-insensitive collation (or with trailing blanks)
     * finds the row 'ABC' for the changed key 'abc': a key changed in case only, which Change
     * Tracking may keep as one entry. The target compares keys exactly, so the old key is deleted
     * and the row upserted under its current key.
     */
    static void events(Reader r, ResultSet rs, List<ChangeEvent> out) throws SQLException {
        SqlServerSql.ChangeQuery q = r.query();
        int[] keyIndexes = r.table().keyIndexes();
        Object[] key = new Object[r.reads().length];
        for (int k = 0; k < keyIndexes.length; k++) {
            key[keyIndexes[k]] = read(r, rs, q.keys()[k], keyIndexes[k]);
        }
        if (!rs.getBoolean(q.present())) {
            out.add(new ChangeEvent.Delete(r.table().id(), key));
            return;
        }
        Object[] row = new Object[r.reads().length];
        for (int i = 0; i < row.length; i++) {
            row[i] = read(r, rs, q.values()[i], i);
        }
        if (!sameKey(keyIndexes, key, row)) {
            out.add(new ChangeEvent.Delete(r.table().id(), key));
        }
        out.add(new ChangeEvent.Update(r.table().id(), null, row));
    }

    /** Whether {@code a} and {@code b} hold exactly the same key values (strings by their characters, bytes by content). */
    static boolean sameKey(int[] keyIndexes, Object[] a, Object[] b) {
        for (int k : keyIndexes) {
            if (!java.util.Objects.deepEquals(a[k], b[k])) {
                return false;
            }
        }
        return true;
    }

    private static Object read(Reader r, ResultSet rs, int index, int column) throws SQLException {
        try {
            return SqlServerValues.read(rs, index, r.reads()[column]);
        } catch (RuntimeException e) {
            throw new SourceException("table " + r.table().id() + ", column " + r.table().columns().get(column).name()
                    + ": cannot read the value: " + e.getMessage(), e);
        }
    }

    private void closeTable() throws SQLException {
        if (rows != null) {
            rows.close();
            rows = null;
        }
        if (statement != null) {
            statement.close();
            statement = null;
        }
    }

    private void endCycle(boolean commit) {
        step = -1;
        try {
            closeTable();
            if (conn != null) {
                if (commit) {
                    conn.commit();
                } else {
                    conn.rollback();
                }
            }
        } catch (SQLException e) {
            LOG.debug("task {}: ending a Change Tracking cycle failed: {}", taskName, e.toString());
            connector.release(conn);
            conn = null;
        }
    }

    @Override
    public void committed(ChangeChunk chunk) {
        // the version is stored by the target; SQL Server keeps changes for its retention period regardless
    }

    @Override
    public void close() {
        endCycle(false);
        connector.release(conn);
        conn = null;
    }
}
