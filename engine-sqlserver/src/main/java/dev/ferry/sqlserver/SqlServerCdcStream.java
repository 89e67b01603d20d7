package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.ForwardingChangeStream;
import dev.ferry.debezium.EngineChangeStream;
import dev.ferry.debezium.SeededOffsetStore;
import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.sqlserver.SqlServerChangeTable;
import io.debezium.connector.sqlserver.SqlServerConnection;
import io.debezium.connector.sqlserver.SqlServerConnectorConfig;
import io.debezium.connector.sqlserver.SqlServerValueConverters;
import io.debezium.jdbc.JdbcValueConverters;
import io.debezium.jdbc.TemporalPrecisionMode;
import io.debezium.relational.Tables;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * MS-CDC changes through Debezium's SQL Server connector in the embedded engine, handed over by
 * {@link EngineChangeStream}. The connector starts from the position in the target checkpoint
 * (or the max LSN recorded before the full load) through {@link SeededOffsetStore}; the structure
 * of the captured tables comes from {@link CaptureSchemaHistory}.
 */
final class SqlServerCdcStream {

    private static final Logger LOG = LoggerFactory.getLogger(SqlServerCdcStream.class);

    private SqlServerCdcStream() {
    }

    /** The connector's topic prefix: its offset partition and the name of its metrics, one per task. */
    static String prefix(String taskName) {
        return "ferry-" + taskName;
    }

    /** Debezium's source partition for this task and database. */
    static Map<String, Object> partition(String taskName, String database) {
        Map<String, Object> p = new HashMap<>();
        p.put("server", prefix(taskName));
        p.put("database", database);
        return p;
    }

    /** The connector properties. The password is in them: they are never logged. */
    static Properties properties(String taskName, SqlServerEndpoint endpoint, List<TableSchema> tables, int maxBatch,
                                 long pollMillis) {
        Properties p = EngineChangeStream.properties(taskName, "io.debezium.connector.sqlserver.SqlServerConnector", maxBatch,
                pollMillis);
        p.setProperty("database.hostname", endpoint.host());
        p.setProperty("database.port", String.valueOf(endpoint.port()));
        p.setProperty("database.user", endpoint.user());
        p.setProperty("database.password", endpoint.password());
        p.setProperty("database.names", endpoint.database());
        p.setProperty("driver.encrypt", endpoint.encrypt());
        p.setProperty("driver.trustServerCertificate", String.valueOf(endpoint.trustServerCertificate()));
        if (endpoint.hostNameInCertificate() != null) {
            p.setProperty("driver.hostNameInCertificate", endpoint.hostNameInCertificate());
        }
        p.setProperty("driver.loginTimeout", String.valueOf(endpoint.connectTimeoutSeconds()));
        p.setProperty("driver.applicationName", "ferry-cdc");
        p.setProperty("table.include.list", includeList(tables));
        // The position always comes from the checkpoint and says the snapshot is complete: no snapshot.
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("schema.history.internal", CaptureSchemaHistory.class.getName());
        p.setProperty(CaptureSchemaHistory.KEY, prefix(taskName));
        p.setProperty("include.schema.changes", "false");
        // ISO strings keep datetime2(7) whole: nanoseconds since 1970 in a long end in 2262
        p.setProperty("time.precision.mode", "isostring");
        // datetimeoffset exactly, in place of the connector's conversion (wrong before 1970 and before 1583)
        p.setProperty("converters", DateTimeOffsetConverter.NAME);
        p.setProperty(DateTimeOffsetConverter.NAME + ".type", DateTimeOffsetConverter.class.getName());
        // a failing conversion stops the task instead of writing NULL
        p.setProperty("event.converting.failure.handling.mode", "fail");
        return p;
    }

    /**
     * The position of {@code record}, carrying the keyless hand-overs ({@link KeylessHandoff}) that
     * the stream has not passed at it.
     */
    static SqlServerPosition.Cdc position(SourceRecord record, Map<TableId, KeylessHandoff> handoffs) {
        SqlServerPosition.Cdc p = SqlServerPosition.Cdc.of(record.sourcePartition(), record.sourceOffset());
        return handoffs.isEmpty() ? p : p.withHandoffs(KeylessHandoff.pending(handoffs, p.commitLsn()));
    }

    /**
     * Debezium's table.include.list: regular expressions matched against schema.table, for the
     * tables and Ferry's sync marker table ({@link SyncMarker}).
     */
    static String includeList(List<TableSchema> tables) {
        StringJoiner list = new StringJoiner(",");
        for (TableSchema t : tables) {
            list.add(regexLiteral(t.id().schema()) + "\\." + regexLiteral(t.id().name()));
        }
        list.add(regexLiteral(SyncMarker.TABLE.schema()) + "\\." + regexLiteral(SyncMarker.TABLE.name()));
        return list.toString();
    }

    private static String regexLiteral(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("\\^$.|?*+()[]{},".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    static ChangeStream open(String taskName, SqlServerEndpoint endpoint, List<TableSchema> tables, SqlServerPosition.Cdc from,
                             int maxBatch, long pollMillis) {
        return open(taskName, endpoint, tables, from, Map.of(), maxBatch, pollMillis);
    }

    /**
     * @param addedStarts the own start of each table added to the task on resume: its capture
     *                    instance may be younger than {@code from}, and serves it from that start
     */
    static ChangeStream open(String taskName, SqlServerEndpoint endpoint, List<TableSchema> tables, SqlServerPosition.Cdc from,
                             Map<TableId, Lsn> addedStarts, int maxBatch, long pollMillis) {
        Properties p = properties(taskName, endpoint, tables, maxBatch, pollMillis);
        SeededOffsetStore.seed(p, from.partition(), from.offset());
        String key = prefix(taskName);
        Properties connectorProps = (Properties) p.clone();
        Set<String> selected = new java.util.HashSet<>();
        for (TableSchema t : tables) {
            selected.add(t.id().schema() + "." + t.id().name());
        }
        Map<String, io.debezium.connector.sqlserver.Lsn> added = new HashMap<>();
        addedStarts.forEach((t, lsn) -> added.put(t.schema() + "." + t.name(), io.debezium.connector.sqlserver.Lsn.valueOf(lsn.bytes())));
        CaptureSchemaHistory.Reader reader = (offset, schema) -> readCapturedStructure(connectorProps, endpoint.database(), selected,
                added, offset, schema);
        CaptureSchemaHistory.register(key, reader);
        ChangeTableReader changeRows = new ChangeTableReader(endpoint);
        ChangeStream stream;
        try {
            stream = new EngineChangeStream(taskName, "SQL Server", p, new SqlServerRecords(tables, taskName, from.handoffs(), changeRows),
                    new EngineChangeStream.Positions() {
                        @Override
                        public SqlServerPosition of(SourceRecord record) {
                            return position(record, from.handoffs());
                        }

                        @Override
                        public Object message(SourceRecord record) {
                            return SqlServerCdcStream.message(record);
                        }
                    }, from);
        } catch (RuntimeException e) {
            CaptureSchemaHistory.unregister(key, reader);
            changeRows.close();
            throw e;
        }
        LOG.info("task {}: SQL Server change capture started from {}", taskName, from.describe());
        return new ForwardingChangeStream(stream) {
            @Override
            public ChangeChunk poll(long timeout, TimeUnit unit) throws InterruptedException {
                try {
                    return super.poll(timeout, unit);
                } catch (SourceException e) {
                    throw explained(taskName, from, e);
                }
            }

            @Override
            public void close() {
                try {
                    super.close();
                } finally {
                    CaptureSchemaHistory.unregister(key, reader);
                    changeRows.close();
                }
            }
        };
    }

    /** A capture failure with what to do about it, where Ferry knows. */
    static SourceException explained(String taskName, SqlServerPosition.Cdc from, SourceException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("no longer available")) {
            return new SourceException("the CDC position of task " + taskName + " (" + from.describe() + " or later) "
                    + "was removed from the change tables by the CDC cleanup job before it was applied. Nothing was skipped; "
                    + "reload the task (ferry run --reload), and keep the cleanup job's retention longer than the longest time "
                    + "the task may be stopped (EXEC sys.sp_cdc_change_job @job_type = N'cleanup', @retention = <minutes>)", e);
        }
        if (m.contains("Agent is not running") || m.contains("SQL Server Agent")) {
            return new SourceException(m + "; start SQL Server Agent: it runs the capture job that fills the change tables", e);
        }
        return e;
    }

    /** The records of one change row (the delete and create halves of a key change) share its position. */
    static Object message(SourceRecord record) {
        Map<String, ?> o = record.sourceOffset();
        return List.of(String.valueOf(o.get("commit_lsn")), String.valueOf(o.get("change_lsn")), String.valueOf(o.get("event_serial_no")));
    }

    /**
     * Puts into {@code schema} the structure of each selected table as its capture instance active
     * at {@code offset} captures it: the newest instance that started at or before the offset's
     * commit LSN, or the oldest when all started later.
     */
    static void readCapturedStructure(Properties connectorProps, String database, Set<String> selected,
                                      Map<String, io.debezium.connector.sqlserver.Lsn> addedStarts, Map<String, ?> offset,
                                      Tables schema) throws Exception {
        SqlServerConnectorConfig config = new SqlServerConnectorConfig(Configuration.from(connectorProps));
        SqlServerValueConverters converters = new SqlServerValueConverters(JdbcValueConverters.DecimalMode.PRECISE,
                TemporalPrecisionMode.ISOSTRING, CommonConnectorConfig.BinaryHandlingMode.BYTES);
        Object commit = offset.get("commit_lsn");
        io.debezium.connector.sqlserver.Lsn at = io.debezium.connector.sqlserver.Lsn.valueOf(commit == null ? null : commit.toString());
        try (SqlServerConnection c = new SqlServerConnection(config, converters, Set.of(), true)) {
            Map<String, List<SqlServerChangeTable>> byTable = new HashMap<>();
            for (SqlServerChangeTable ct : c.getChangeTables(database)) {
                String name = ct.getSourceTableId().schema() + "." + ct.getSourceTableId().table();
                // the sync marker table is read too: its changes are the task's sync markers
                if (selected.contains(name) || SyncMarker.TABLE.toString().equals(name)) {
                    byTable.computeIfAbsent(name, k -> new ArrayList<>()).add(ct);
                }
            }
            for (Map.Entry<String, List<SqlServerChangeTable>> e : byTable.entrySet()) {
                // a gap in the marker table's capture loses tokens, never data: its oldest instance will do
                SqlServerChangeTable chosen = SyncMarker.TABLE.toString().equals(e.getKey()) && !selected.contains(e.getKey())
                        ? activeAt(e.getValue(), io.debezium.connector.sqlserver.Lsn.NULL) : activeAt(e.getValue(), later(at, addedStarts.get(e.getKey())));
                schema.overwriteTable(c.getTableSchemaFromTable(database, chosen));
                LOG.debug("structure of {} from capture instance {}", chosen.getSourceTableId(), chosen.getCaptureInstance());
            }
        }
    }

    /** The later of two LSNs; {@code b} may be null. */
    static io.debezium.connector.sqlserver.Lsn later(io.debezium.connector.sqlserver.Lsn a, io.debezium.connector.sqlserver.Lsn b) {
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * The capture instance of one table active at {@code at}: the newest that started at or before
     * it; the oldest when {@code at} is unset (the task reads from the start of the change tables).
     *
     * @throws SourceException when every instance started after {@code at}: see {@link #uncovered}
     */
    static SqlServerChangeTable activeAt(List<SqlServerChangeTable> instances, io.debezium.connector.sqlserver.Lsn at) {
        SqlServerChangeTable best = null;
        SqlServerChangeTable oldest = null;
        for (SqlServerChangeTable ct : instances) {
            if (oldest == null || ct.getStartLsn().compareTo(oldest.getStartLsn()) < 0) {
                oldest = ct;
            }
            if (at.isAvailable() && ct.getStartLsn().compareTo(at) <= 0
                    && (best == null || ct.getStartLsn().compareTo(best.getStartLsn()) > 0)) {
                best = ct;
            }
        }
        if (best == null && at.isAvailable()) {
            List<Lsn> starts = new ArrayList<>();
            for (SqlServerChangeTable ct : instances) {
                starts.add(ct.getStartLsn().isAvailable() ? new Lsn(ct.getStartLsn().getBinary()) : null);
            }
            io.debezium.relational.TableId source = oldest.getSourceTableId();
            throw new SourceException(uncovered(new TableId(source.schema(), source.table()), new Lsn(at.getBinary()), starts));
        }
        return best != null ? best : oldest;
    }

    /**
     * Null when one of a table's capture instances (their {@code start_lsn}s in {@code starts})
     * started at or before {@code position}, the last change the task applied; otherwise why the
     * task cannot go on. A capture instance records changes from its start only; when all of a
     * table's instances start later, changes between the position and that start are in no change
     * table (CDC disabled and enabled again on the table while the task was stopped, or the cleanup
     * job removed them). Debezium checks only the oldest start over the whole database, which
     * another table's instance passes, so without this the loss would be silent.
     */
    static String uncovered(TableId table, Lsn position, List<Lsn> starts) {
        Lsn oldest = null;
        for (Lsn start : starts) {
            if (start == null || start.compareTo(position) <= 0) {
                return null;
            }
            if (oldest == null || start.compareTo(oldest) < 0) {
                oldest = start;
            }
        }
        if (oldest == null) {
            return null;
        }
        return "table " + table + ": no CDC capture instance covers the task's position (LSN " + position + "); its oldest "
                + "capture instance starts at LSN " + oldest + ". CDC was disabled and enabled again on the table while the task "
                + "was stopped, or the cleanup job removed changes the task had not applied: the changes in between are in no "
                + "change table. Reload the table (ferry run --reload)";
    }
}
