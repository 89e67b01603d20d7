package dev.ferry.sqlserver;

import dev.ferry.core.model.TableId;
import dev.ferry.core.spi.Assessment.Finding;
import dev.ferry.core.spi.Assessment.Status;
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Struct;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Ferry's sync marker table in an MS-CDC source, {@code dbo.ferry_sync_marker}: one row per task,
 * holding the last token the task wrote, captured by CDC like the task's tables (as AWS DMS keeps
 * {@code awsdms_truncation_safeguard}). It is never replicated: discovery leaves it out, and the
 * change stream turns its changes into sync markers.
 *
 * <p><b>Why a marker makes {@code awaitInSync} exact.</b> {@code sys.fn_cdc_get_max_lsn()} is the
 * capture job's high-water mark, which trails the log by the job's polling interval (5 s by
 * default, minutes under load): a transaction committed before the call may be above it and
 * applied only later. Instead, {@code requestSyncPoint} writes a new token into the task's row.
 * That write commits after the call began, so its commit LSN is above the commit LSN of every
 * transaction committed before the call. Debezium's SQL Server connector emits changes in
 * commit-LSN order across all captured change tables (it merges them by commit LSN, change LSN and
 * operation, {@code SqlServerStreamingChangeEventSource}), so every change committed before the
 * call is emitted before the marker, in the marker's chunk or an earlier one; chunks are committed
 * to the target in order and the marker counts only once its chunk is committed (the commit-gated
 * hand-over of {@code EngineChangeStream}). The marker reaches the stream only after the capture
 * job has harvested it, whatever its polling interval.
 */
final class SyncMarker {

    /** The marker table, fixed so that every task and {@code prepare-source} agree on it. */
    static final TableId TABLE = new TableId("dbo", "ferry_sync_marker");

    private SyncMarker() {
    }

    /** Writes {@code token} as task {@code taskName}'s marker, in the connection's transaction. */
    static void write(Connection c, String taskName, String token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqlServerSql.WRITE_SYNC_MARKER)) {
            ps.setString(1, taskName);
            ps.setString(2, token);
            ps.executeUpdate();
        }
    }

    /**
     * What a change of the marker table means to task {@code taskName}: its own token written
     * (insert or update) is a sync marker; another task's token or a delete only moves the position.
     */
    static RecordConverter.Result convert(Struct envelope, String taskName) {
        Struct after = envelope.getStruct("after");
        String op = envelope.getString("op");
        if (after == null || "d".equals(op) || taskName == null || !taskName.equals(after.getString("task"))) {
            return RecordConverter.PositionOnly.INSTANCE;
        }
        return new RecordConverter.Marker(after.getString("token"));
    }

    /**
     * The MS-CDC rules about the marker table and the hand-over of keyless tables, for the
     * assessment and the readiness checks alike: the marker table must exist and be captured;
     * when {@code keyless} tables are to be loaded, the database must allow snapshot isolation.
     *
     * @param instances capture instances per table (the marker table's among them when captured)
     * @param keyless   the selected tables without a primary key that a full load will read
     */
    static List<Finding> findings(SqlServerSource.DatabaseInfo db, Map<TableId, List<SqlServerSource.CaptureInstance>> instances,
                                  List<TableId> keyless) {
        String subject = "database " + db.name();
        List<Finding> out = new ArrayList<>();
        List<SqlServerSource.CaptureInstance> marker = instances.getOrDefault(TABLE, List.of());
        out.add(marker.isEmpty()
                ? new Finding(Status.FAIL, subject, "sync marker table", "Ferry's marker table " + TABLE + " does not exist or is not "
                + "captured by CDC: Ferry writes a token to it to know when the target holds every change committed before a point "
                + "(awaitInSync) and where the full load of a table without a primary key hands over to CDC",
                "ferry prepare-source TASK.yaml --cdc, or run: " + String.join("; ", SqlServerSql.createSyncMarker()))
                : new Finding(Status.PASS, subject, "sync marker table", TABLE + " is captured by capture instance "
                + marker.get(marker.size() - 1).name(), ""));
        if (!keyless.isEmpty()) {
            StringJoiner names = new StringJoiner(", ");
            keyless.forEach(t -> names.add(t.toString()));
            out.add(db.snapshotIsolation()
                    ? new Finding(Status.PASS, subject, "snapshot isolation", "allowed: table(s) without a primary key are read in "
                    + "a snapshot taken at an exact CDC position", "")
                    : new Finding(Status.FAIL, subject, "snapshot isolation", "not allowed, and table(s) " + names + " have no primary "
                    + "key: their full load reads a snapshot taken at an exact CDC position, so that no change is applied twice",
                    "ferry prepare-source TASK.yaml --cdc, or run: " + SqlServerSql.allowSnapshotIsolation(db.name())));
        }
        return out;
    }

    /** Fails, in the words of {@link #findings}, unless all of them pass. */
    /**
     * What the login needs on the marker table, when the table is there and the login is neither
     * sysadmin nor db_owner: write it (INSERT and UPDATE, for the MERGE of each token) and read its
     * change table (to find where a keyless table's load hands over).
     */
    static List<Finding> permissions(SqlServerSource.DatabaseInfo db, SqlServerAssessment.Facts f, boolean privileged) {
        List<SqlServerSource.CaptureInstance> marker = f.captureInstances().getOrDefault(TABLE, List.of());
        if (privileged || marker.isEmpty()) {
            return List.of();
        }
        String subject = "database " + db.name();
        List<Finding> out = new ArrayList<>();
        if (Boolean.FALSE.equals(f.canWriteMarker())) {
            out.add(new Finding(Status.FAIL, subject, "sync marker permission", "the login may not write " + TABLE
                    + ", where Ferry writes a token for each awaitInSync and each load of a table without a primary key",
                    "GRANT SELECT, INSERT, UPDATE ON " + TABLE + " TO <the login's user>"));
        }
        String instance = marker.get(marker.size() - 1).name();
        if (f.canReadChanges() != null && Boolean.FALSE.equals(f.canReadChanges().get(instance))) {
            out.add(new Finding(Status.FAIL, subject, "sync marker permission", "the login may not read cdc." + instance + "_CT",
                    "GRANT SELECT ON cdc." + SqlServerIdentifiers.quote(instance + "_CT") + " TO <the login's user>"));
        }
        return out;
    }
}
