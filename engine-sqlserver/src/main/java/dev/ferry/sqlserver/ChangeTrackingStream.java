package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.ChangeEvent;
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
 * <p>One cycle: read {@code CHANGE_TRACKING_CURRENT_VERSION()} as the cycle's upper bound; check
 * that no table's {@code CHANGE_TRACKING_MIN_VALID_VERSION} passed the last applied version (if
 * it did, changes were cleaned up before Ferry read them: the stream stops and asks for a
 * reload, never skipping them); then, table by table, read {@code CHANGETABLE(CHANGES ...)}
 * joined back to the table. Change Tracking records which keys changed, not the values: a key
 * whose row still exists becomes an upsert of the row's current values, a key whose row is gone
 * a delete. Replaying a cycle is therefore idempotent, and the cycle's version is the position
 * of its last chunk only: a restart inside a cycle repeats the cycle.
 *
 * <p>Rows are handed over in chunks of at most {@code maxChanges}, so memory stays bounded
 * whatever a cycle holds. When the database allows snapshot isolation a cycle reads in one
 * snapshot transaction, so all its tables are seen as of the same moment.
 */
final class ChangeTrackingStream implements ChangeStream {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeTrackingStream.class);

    private final SqlServerConnector connector;
    private final List<Reader> tables;
    private final int maxChanges;
    private final long pollMillis;
    private final String taskName;
    private Connection conn;
    private long applied;
    private long cycleEnd = -1;
    private int tableIndex;
    private PreparedStatement statement;
    private ResultSet rows;
    private long nextCycleAt;
    private boolean snapshotIsolation;

    /** The change query of one table and how to turn its rows into events. */
    record Reader(TableSchema table, String sql, SqlServerTypes.Read[] keyReads, int[] keyIndexes, SqlServerTypes.Read[] reads) {
    }

    ChangeTrackingStream(String taskName, SqlServerConnector connector, List<Reader> tables, long fromVersion, int maxChanges,
                         long pollMillis) {
        this.taskName = taskName;
        this.connector = connector;
        this.tables = tables;
        this.applied = fromVersion;
        this.maxChanges = maxChanges;
        this.pollMillis = pollMillis;
    }

    @Override
    public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        try {
            if (cycleEnd < 0) {
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
            while (tableIndex < tables.size() && events.size() < maxChanges) {
                Reader r = tables.get(tableIndex);
                if (rows == null) {
                    statement = conn.prepareStatement(r.sql(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                    statement.setLong(1, applied);
                    statement.setLong(2, cycleEnd);
                    rows = statement.executeQuery();
                }
                if (rows.next()) {
                    events.add(event(r, rows));
                } else {
                    closeTable();
                    tableIndex++;
                }
            }
            if (tableIndex < tables.size()) {
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
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.CT_CURRENT_VERSION)) {
            rs.next();
            long current = rs.getLong(1);
            if (rs.wasNull()) {
                throw new SourceException("Change Tracking is not enabled on database " + connector.endpoint().database()
                        + "; run ferry prepare-source TASK.yaml --change-tracking, then reload the task");
            }
            cycleEnd = current;
        }
        for (Reader r : tables) {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.ctMinValidVersion(r.table().id()))) {
                rs.next();
                long min = rs.getLong(1);
                if (rs.wasNull()) {
                    throw new SourceException("Change Tracking is not enabled on table " + r.table().id()
                            + "; enable it (ferry prepare-source TASK.yaml --change-tracking) and reload the task (ferry run --reload)");
                }
                if (min > applied) {
                    throw new SourceException("the Change Tracking position of task " + taskName + " (version " + applied
                            + ") has expired for table " + r.table().id() + ": SQL Server cleaned up changes up to version " + min
                            + " before they were applied. Nothing was skipped; reload the task (ferry run --reload), and keep "
                            + "CHANGE_RETENTION longer than the longest time the task may be stopped");
                }
            }
        }
        tableIndex = 0;
    }

    private static ChangeEvent event(Reader r, ResultSet rs) throws SQLException {
        int n = r.table().columns().size();
        int keys = r.keyIndexes().length;
        boolean present = rs.getBoolean(3 + keys);
        Object[] row = new Object[n];
        if (present) {
            for (int i = 0; i < n; i++) {
                row[i] = read(r, rs, 4 + keys + i, r.reads()[i], i);
            }
            return new ChangeEvent.Update(r.table().id(), null, row);
        }
        for (int k = 0; k < keys; k++) {
            row[r.keyIndexes()[k]] = read(r, rs, 3 + k, r.keyReads()[k], r.keyIndexes()[k]);
        }
        return new ChangeEvent.Delete(r.table().id(), row);
    }

    private static Object read(Reader r, ResultSet rs, int index, SqlServerTypes.Read read, int column) throws SQLException {
        try {
            return SqlServerValues.read(rs, index, read);
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
        cycleEnd = -1;
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
