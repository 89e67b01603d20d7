package dev.ferry.sqlserver;

import com.microsoft.sqlserver.jdbc.ISQLServerConnection;
import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The exact hand-over from the full load of a table without a primary key to MS-CDC. A keyed table
 * absorbs the changes committed while it loads, which the stream replays after the load (an insert
 * becomes an upsert, a delete of a missing row does nothing); a keyless table would hold those rows
 * twice. So a keyless table is read in a snapshot whose contents are known by a commit LSN X:
 * exactly the table's transactions committed before X.
 *
 * <p><b>Method.</b> The reading connection R starts a SNAPSHOT-isolation transaction. A second
 * connection L, in a transaction:
 * <ol>
 *   <li>takes a shared table lock held to its end ({@code TABLOCK, HOLDLOCK}); SQL Server grants it
 *       only once no transaction that wrote the table is open (each holds an intent-exclusive lock on
 *       it until it ends), and from then on new writers of the table wait;</li>
 *   <li>writes a marker token into Ferry's marker table ({@link SyncMarker});</li>
 *   <li>R then runs its first read, which fixes R's snapshot (a snapshot transaction's snapshot is
 *       taken at its first statement that reads data, not at BEGIN TRANSACTION);</li>
 *   <li>L commits: the marker gets its commit LSN X and the lock is released in the same moment.</li>
 * </ol>
 * Every transaction that wrote the table and committed before the lock was granted committed below
 * X and is in R's snapshot; every later one waited for the lock, commits above X and is not. R then
 * reads the whole table in that snapshot. After the load, X is read from the marker's row in the
 * marker table's change table (once the capture job has harvested it), and the change stream drops
 * the table's changes committed before X ({@link KeylessHandoff}). X and the token travel in the
 * stream's positions until the stream passes X, so a restart in between keeps the hand-over.
 *
 * <p><b>Cost.</b> A writer of the table waits for the moment of the lock: until transactions that
 * wrote the table and are open at that moment end, plus a few milliseconds for the marker and the
 * snapshot start; Ferry gives up one attempt after {@value #LOCK_WAIT_MILLIS} ms so that writers
 * never queue behind it for longer, and tries again. The database must allow snapshot isolation
 * ({@code ALLOW_SNAPSHOT_ISOLATION ON}; {@code ferry prepare-source --cdc} sets it when keyless
 * tables are selected): from then on every update and delete in the database keeps a row version in
 * tempdb's version store (and changed rows carry 14 bytes of versioning information); the load
 * holds its snapshot open, so the version store grows with the writes made while the table loads
 * and shrinks when the load ends. Other tables' loads are not affected.
 *
 * <p>Why not simpler: Debezium's own snapshots read {@code fn_cdc_get_max_lsn()} as their position,
 * which is not tied to what the snapshot saw, and its incremental snapshots need a key to chunk by.
 * Mapping the snapshot's active transactions ({@code sys.dm_tran_current_snapshot}) to
 * {@code cdc.lsn_time_mapping} would need VIEW SERVER STATE and transaction ids Debezium's records
 * do not carry. The lock makes the boundary a single commit LSN, which Debezium's records do carry.
 */
final class KeylessSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(KeylessSnapshot.class);

    /** The longest one attempt at the table lock waits. */
    static final int LOCK_WAIT_MILLIS = 1000;
    /** How long attempts at the table lock go on before the load fails. */
    static final long LOCK_GIVE_UP_MILLIS = TimeUnit.MINUTES.toMillis(5);
    /** How long the stream's start waits for the capture job to harvest a marker. */
    static final long HARVEST_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final long POLL_MILLIS = 250;
    private static final int LOCK_TIMEOUT_ERROR = 1222;
    private static final int DEADLOCK_VICTIM_ERROR = 1205;

    /** A keyless table's hand-over to make: which task's marker row, which token. */
    record Pending(String taskName, String token) {
    }

    private KeylessSnapshot() {
    }

    /** The bulk reader's prologue that fixes its snapshot at the hand-over of {@code table}. */
    static SqlServerBulkReader.Prologue prologue(SqlServerConnector connector, TableId table, Pending pending) {
        return reading -> begin(connector, reading, table, pending);
    }

    /**
     * Starts {@code reading}'s snapshot transaction under the table lock, with the marker written in
     * the lock's transaction. {@code reading} is left in that transaction; its owner commits it
     * after the read.
     */
    static void begin(SqlServerConnector connector, Connection reading, TableId table, Pending pending)
            throws SQLException, InterruptedException {
        reading.setAutoCommit(false);
        reading.setTransactionIsolation(ISQLServerConnection.TRANSACTION_SNAPSHOT);
        Connection lock = lockAndMark(connector, table, pending);
        try {
            try (Statement st = reading.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.startSnapshot(table))) {
                rs.next();
            }
            lock.commit();
        } finally {
            connector.release(lock);
        }
        LOG.info("table {} has no primary key: it is read in a snapshot that hands over to CDC at marker {}", table, pending.token());
    }

    /** A connection in a transaction that holds {@code table}'s shared lock and has written the marker. */
    private static Connection lockAndMark(SqlServerConnector connector, TableId table, Pending pending)
            throws SQLException, InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_GIVE_UP_MILLIS);
        for (int attempt = 1; ; attempt++) {
            Connection lock = connector.open();
            try {
                lock.setAutoCommit(false);
                try (Statement st = lock.createStatement()) {
                    st.execute(SqlServerSql.LOCK_TIMEOUT);
                    try (ResultSet rs = st.executeQuery(SqlServerSql.lockForHandoff(table))) {
                        rs.next();
                    }
                }
                SyncMarker.write(lock, pending.taskName(), pending.token());
                return lock;
            } catch (SQLException e) {
                connector.release(lock); // rolls back: writers go on
                boolean busy = e.getErrorCode() == LOCK_TIMEOUT_ERROR || e.getErrorCode() == DEADLOCK_VICTIM_ERROR;
                if (!busy) {
                    throw e;
                }
                if (System.nanoTime() > giveUp) {
                    throw new SourceException("table " + table + " has no primary key, and its full load found no moment without "
                            + "an open transaction that wrote it in " + TimeUnit.MILLISECONDS.toMinutes(LOCK_GIVE_UP_MILLIS)
                            + " minutes (" + attempt + " attempts): end long transactions on it, or add a primary key", e);
                }
                LOG.debug("table {}: hand-over lock not granted in {} ms, attempt {}", table, LOCK_WAIT_MILLIS, attempt);
            } catch (RuntimeException e) {
                connector.release(lock);
                throw e;
            }
            Thread.sleep(Math.min(100L * attempt, 2000L));
        }
    }

    /**
     * {@code from} with each keyless hand-over resolved to its marker's commit LSN. A probe marker
     * is written first and waited for: once the capture job has harvested it, it has harvested
     * every marker written before, so a token that is not in the change table was never written
     * (the task started without a full load, or the table was not loaded under this mark) and its
     * entry is dropped. (Had the cleanup job removed it, it would have removed the changes after
     * {@code from} too, and the stream refuses to continue from a position no longer covered.)
     *
     * @param markerInstances the marker table's capture instances
     */
    static SqlServerPosition.Cdc resolve(SqlServerConnector connector, String taskName, SqlServerPosition.Cdc from,
                                         List<SqlServerSource.CaptureInstance> markerInstances) {
        if (from.handoffs().values().stream().allMatch(h -> h.lsn() != null)) {
            return from;
        }
        try (Connection c = connector.pooled()) {
            String probe = UUID.randomUUID().toString();
            SyncMarker.write(c, taskName, probe);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HARVEST_WAIT_MILLIS);
            while (markerLsn(c, markerInstances, probe) == null) {
                if (System.nanoTime() > deadline) {
                    throw new SourceException("task " + taskName + ": the CDC capture job did not harvest a write to " + SyncMarker.TABLE
                            + " in " + TimeUnit.MILLISECONDS.toMinutes(HARVEST_WAIT_MILLIS) + " minutes, so where the full load of "
                            + "table(s) " + from.handoffs().keySet() + " hands over to CDC is unknown: start SQL Server Agent and the "
                            + "capture job (EXEC sys.sp_cdc_start_job @job_type = N'capture')");
                }
                Thread.sleep(POLL_MILLIS);
            }
            Map<TableId, KeylessHandoff> resolved = new TreeMap<>();
            for (Map.Entry<TableId, KeylessHandoff> e : from.handoffs().entrySet()) {
                KeylessHandoff h = e.getValue();
                Lsn x = h.lsn() != null ? h.lsn() : markerLsn(c, markerInstances, h.token());
                if (x != null) {
                    resolved.put(e.getKey(), new KeylessHandoff(h.token(), x));
                    LOG.info("task {}: table {} hands over from its full load to CDC at LSN {}", taskName, e.getKey(), x);
                } else {
                    LOG.info("task {}: table {} was not loaded under this CDC start: all its changes are applied", taskName, e.getKey());
                }
            }
            return from.withHandoffs(resolved);
        } catch (SQLException e) {
            throw connector.failure("reading where the full loads of tables without a primary key hand over to CDC failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException("task " + taskName + ": interrupted while waiting for the capture job", e);
        }
    }

    /** The commit LSN of {@code token}'s last write in the marker's change tables, or null. */
    private static Lsn markerLsn(Connection c, List<SqlServerSource.CaptureInstance> instances, String token) throws SQLException {
        Lsn max = null;
        for (SqlServerSource.CaptureInstance ci : instances) {
            try (PreparedStatement ps = c.prepareStatement(SqlServerSql.syncMarkerLsn(ci.name()))) {
                ps.setString(1, token);
                try (ResultSet rs = ps.executeQuery()) {
                    byte[] b = rs.next() ? rs.getBytes(1) : null;
                    if (b != null && (max == null || new Lsn(b).compareTo(max) > 0)) {
                        max = new Lsn(b);
                    }
                }
            }
        }
        return max;
    }
}
