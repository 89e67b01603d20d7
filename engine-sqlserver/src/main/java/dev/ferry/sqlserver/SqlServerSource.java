package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.ConfigurationException;
import dev.ferry.core.spi.AssessableSource;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.BatchLimits;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.CdcMark;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.PreparableSource;
import dev.ferry.core.spi.SyncPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * SQL Server as a source: catalog from the sys views, streaming bulk reads, and change capture
 * by MS-CDC (Debezium's SQL Server connector) or by Change Tracking.
 *
 * <p>The CDC start is recorded before any table is read: the max LSN of the change tables (MS-CDC)
 * or the current Change Tracking version. Changes committed while a table loads are applied again
 * after the load; keyed tables absorb that (upserts, deletes of missing rows), which is why the
 * assessment warns about keyless tables in MS-CDC mode and Change Tracking refuses them.
 */
public final class SqlServerSource implements AssessableSource, PreparableSource {

    private static final Logger LOG = LoggerFactory.getLogger(SqlServerSource.class);

    private final SqlServerConnector connector;
    private final CaptureMode mode;
    private final int maxBatch;
    private final long pollMillis;
    private final Map<TableId, SqlServerCatalog.Table> catalog = new HashMap<>();

    SqlServerSource(SqlServerEndpoint endpoint, CaptureMode mode, int maxBatch, long pollMillis) {
        this.connector = new SqlServerConnector(endpoint, "ferry-source");
        this.mode = mode;
        this.maxBatch = maxBatch;
        this.pollMillis = pollMillis;
    }

    public CaptureMode mode() {
        return mode;
    }

    SqlServerConnector connector() {
        return connector;
    }

    @Override
    public List<TableSchema> discover() {
        List<SqlServerCatalog.Table> tables = catalogTables();
        List<TableSchema> result = new ArrayList<>(tables.size());
        for (SqlServerCatalog.Table t : tables) {
            result.add(t.schema());
        }
        return result;
    }

    /** The catalog with SQL Server's own details (types, capture flags); refreshes the cache. */
    public List<SqlServerCatalog.Table> catalogTables() {
        try (Connection c = connector.pooled()) {
            List<SqlServerCatalog.Table> tables = SqlServerCatalog.read(c);
            synchronized (catalog) {
                catalog.clear();
                for (SqlServerCatalog.Table t : tables) {
                    catalog.put(t.id(), t);
                }
            }
            return tables;
        } catch (SQLException e) {
            throw connector.failure("reading the catalog failed", e);
        }
    }

    SqlServerCatalog.Table table(TableId id) {
        synchronized (catalog) {
            SqlServerCatalog.Table t = catalog.get(id);
            if (t == null) {
                throw new SourceException("table " + id + " is not in the source catalog (discover first)");
            }
            return t;
        }
    }

    /** Database-level facts: CDC and Change Tracking enabled, recovery model, snapshot isolation, edition. */
    public record DatabaseInfo(String name, boolean cdcEnabled, String recoveryModel, boolean snapshotIsolation,
                               boolean changeTracking, int retention, String retentionUnits, int engineEdition, String version) {
    }

    public DatabaseInfo databaseInfo() {
        try (Connection c = connector.pooled(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.DATABASE)) {
            rs.next();
            return new DatabaseInfo(rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getInt(4) == 1, rs.getBoolean(5),
                    rs.getInt(6), rs.getString(7), rs.getInt(8), rs.getString(9));
        } catch (SQLException e) {
            throw connector.failure("reading the database settings failed", e);
        }
    }

    /** Capture instances per table, oldest first, each with its captured columns in order. */
    public record CaptureInstance(TableId table, String name, String startLsn, List<String> columns) {
    }

    public Map<TableId, List<CaptureInstance>> captureInstances() {
        Map<TableId, Map<String, CaptureInstance>> result = new LinkedHashMap<>();
        try (Connection c = connector.pooled(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(SqlServerSql.CAPTURE_INSTANCES)) {
            while (rs.next()) {
                TableId id = new TableId(rs.getString(1), rs.getString(2));
                byte[] start = rs.getBytes(4);
                CaptureInstance ci = result.computeIfAbsent(id, k -> new LinkedHashMap<>()).computeIfAbsent(rs.getString(3),
                        k -> new CaptureInstance(id, k, start == null ? "" : new Lsn(start).toString(), new ArrayList<>()));
                ci.columns().add(rs.getString(5));
            }
        } catch (SQLException e) {
            throw connector.failure("reading the CDC capture instances failed", e);
        }
        Map<TableId, List<CaptureInstance>> lists = new LinkedHashMap<>();
        result.forEach((k, v) -> lists.put(k, List.copyOf(v.values())));
        return lists;
    }

    @Override
    public CdcMark markCdcStart(String taskName, List<TableSchema> tables) {
        List<TableSchema> captured = captured(tables);
        DatabaseInfo db = databaseInfo();
        SqlServerPosition position = mode == CaptureMode.CDC ? markCdc(taskName, db, captured) : markChangeTracking(db, captured);
        LOG.info("task {}: changes from {} on ({} table(s) captured by {})", taskName, position.describe(), captured.size(),
                mode.option());
        return new CdcMark() {
            @Override
            public SourcePosition position() {
                return position;
            }

            @Override
            public boolean consistentSnapshot() {
                return false;
            }

            @Override
            public void close() {
                // nothing held open: the full load reads committed data as it goes
            }
        };
    }

    /**
     * Nothing to extend on SQL Server: the change stream reads every selected table's change table
     * (or Change Tracking) from the task's checkpoint, so a table added to the selection only needs
     * its own start, recorded as at the first start and after the same readiness checks. Its load is
     * not a snapshot at that start: the changes after it are replayed, which tables with a primary
     * key absorb; the task refuses keyless ones.
     */
    @Override
    public CdcMark markAddedTables(String taskName, List<TableSchema> added) {
        return markCdcStart(taskName, added);
    }

    /** The selected tables that are captured: views are loaded once and never captured. */
    private List<TableSchema> captured(List<TableSchema> tables) {
        List<TableSchema> result = new ArrayList<>();
        for (TableSchema t : tables) {
            if (table(t.id()).view()) {
                LOG.warn("{} is a view: it is loaded by the full load, but its changes are not replicated", t.id());
            } else {
                result.add(t);
            }
        }
        return result;
    }

    private SqlServerPosition markCdc(String taskName, DatabaseInfo db, List<TableSchema> tables) {
        checkCdcReady(db, tables);
        try (Connection c = connector.pooled(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.MAX_LSN)) {
            rs.next();
            byte[] max = rs.getBytes(1);
            return SqlServerPosition.Cdc.mark(max == null ? null : new Lsn(max), SqlServerCdcStream.partition(taskName, db.name()));
        } catch (SQLException e) {
            throw connector.failure("reading the max LSN (sys.fn_cdc_get_max_lsn) failed", e);
        }
    }

    /** Fails with the fix unless CDC is on for the database and every table, capturing every selected column. */
    void checkCdcReady(DatabaseInfo db, List<TableSchema> tables) {
        if (!db.cdcEnabled()) {
            throw new SourceException("CDC is not enabled on database " + db.name() + "; run ferry prepare-source TASK.yaml --cdc "
                    + "(or EXEC sys.sp_cdc_enable_db), or use captureMode: change-tracking");
        }
        Map<TableId, List<CaptureInstance>> instances = captureInstances();
        List<String> problems = new ArrayList<>();
        List<String> notCaptured = new ArrayList<>();
        for (TableSchema t : tables) {
            List<CaptureInstance> list = instances.get(t.id());
            if (list == null || list.isEmpty()) {
                notCaptured.add(t.id().toString());
                continue;
            }
            CaptureInstance newest = list.get(list.size() - 1);
            for (String column : t.columnNames()) {
                if (!newest.columns().contains(column)) {
                    problems.add("table " + t.id() + ": column " + column + " is not captured by capture instance "
                            + newest.name() + ". " + SqlServerSql.newCaptureInstanceAdvice(t.id()));
                }
            }
        }
        if (!notCaptured.isEmpty()) {
            problems.add(0, "CDC is not enabled on table(s) " + String.join(", ", notCaptured)
                    + "; run ferry prepare-source TASK.yaml --cdc (or EXEC sys.sp_cdc_enable_table for each)");
        }
        for (TableSchema t : tables) {
            SqlServerCatalog.Table info = table(t.id());
            if (!t.hasPrimaryKey() && SqlServerAssessment.hasLob(info)) {
                problems.add("table " + t.id() + " has no key and has LOB columns: SQL Server CDC writes NULL for LOB columns in "
                        + "old row images, so its updates and deletes cannot be matched; add a primary key, or load it with a "
                        + "full-load task");
            }
            for (int i = 0; i < info.columns().size(); i++) {
                NativeColumn c = info.columns().get(i);
                if (t.columnIndex(c.name()) < 0) {
                    continue;
                }
                if (!info.mappings().get(i).cdcCapable()) {
                    problems.add("table " + t.id() + ": column " + c.name() + " of type " + c.declaration()
                            + " cannot be replicated through MS-CDC; use captureMode: change-tracking, or leave the table out");
                } else if (c.computed()) {
                    problems.add("table " + t.id() + ": column " + c.name() + " is computed, and SQL Server CDC records NULL for "
                            + "computed columns; use captureMode: change-tracking, or leave the table out");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SourceException(String.join("; ", problems));
        }
    }

    private SqlServerPosition markChangeTracking(DatabaseInfo db, List<TableSchema> tables) {
        checkChangeTrackingReady(db, tables);
        try (Connection c = connector.pooled(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(SqlServerSql.CT_CURRENT_VERSION)) {
            rs.next();
            return new SqlServerPosition.ChangeTracking(rs.getLong(1));
        } catch (SQLException e) {
            throw connector.failure("reading CHANGE_TRACKING_CURRENT_VERSION() failed", e);
        }
    }

    void checkChangeTrackingReady(DatabaseInfo db, List<TableSchema> tables) {
        if (!db.changeTracking()) {
            throw new SourceException("Change Tracking is not enabled on database " + db.name()
                    + "; run ferry prepare-source TASK.yaml --change-tracking");
        }
        List<String> keyless = new ArrayList<>();
        List<String> untracked = new ArrayList<>();
        for (TableSchema t : tables) {
            SqlServerCatalog.Table info = table(t.id());
            if (info.keyKind() != SqlServerCatalog.KeyKind.PRIMARY_KEY) {
                keyless.add(t.id().toString());
            } else if (!info.changeTracking()) {
                untracked.add(t.id().toString());
            }
        }
        List<String> problems = new ArrayList<>();
        if (!keyless.isEmpty()) {
            problems.add("Change Tracking needs a primary key; table(s) " + String.join(", ", keyless)
                    + " have none: add one, use captureMode: cdc, or leave them out");
        }
        if (!untracked.isEmpty()) {
            problems.add("Change Tracking is not enabled on table(s) " + String.join(", ", untracked)
                    + "; run ferry prepare-source TASK.yaml --change-tracking");
        }
        if (!problems.isEmpty()) {
            throw new SourceException(String.join("; ", problems));
        }
    }

    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range) {
        SqlServerCatalog.Table t = table(table.id());
        StringJoiner select = new StringJoiner(", ");
        SqlServerTypes.Read[] reads = reads(t, table, select);
        String where = range == null ? "" : " WHERE " + rangeCondition(range);
        String sql = "SELECT " + select + " FROM " + SqlServerIdentifiers.quote(table.id()) + where;
        return new SqlServerBulkReader(connector, table, reads, sql);
    }

    /** The readers of {@code table}'s columns in its order; adds their select expressions to {@code select}. */
    static SqlServerTypes.Read[] reads(SqlServerCatalog.Table source, TableSchema table, StringJoiner select) {
        SqlServerTypes.Read[] reads = new SqlServerTypes.Read[table.columns().size()];
        for (int i = 0; i < reads.length; i++) {
            int src = source.schema().columnIndex(table.columns().get(i).name());
            if (src < 0) {
                throw new SourceException("table " + table.id() + " has no column " + table.columns().get(i).name());
            }
            SqlServerTypes.Mapping m = source.mappings().get(src);
            if (m.fidelity() == SqlServerTypes.Fidelity.UNSUPPORTED) {
                throw new SourceException("table " + table.id() + ", column " + table.columns().get(i).name() + ": " + m.note());
            }
            select.add(m.expression());
            reads[i] = m.read();
        }
        return reads;
    }

    static String rangeCondition(KeyRange range) {
        return range.condition(SqlServerIdentifiers::quote, SqlServerIdentifiers::literal, "1 = 1");
    }

    @Override
    public ChangeStream openChangeStream(String taskName, List<TableSchema> tables, SourcePosition from, BatchLimits limits) {
        if (catalogIsEmpty()) {
            catalogTables();
        }
        List<TableSchema> captured = captured(tables);
        int batch = maxBatch > 0 ? maxBatch : Math.min(limits.maxChanges(), 20_000);
        long poll = pollMillis > 0 ? pollMillis : Math.min(limits.maxWait().toMillis(), 1000);
        if (from instanceof SqlServerPosition.Cdc cdc) {
            if (mode != CaptureMode.CDC) {
                throw new SourceException("task " + taskName + " started in MS-CDC mode; its position cannot be continued by "
                        + mode.option() + ": reload the task (ferry run --reload)");
            }
            checkCdcReady(databaseInfo(), captured);
            return SqlServerCdcStream.open(taskName, connector.endpoint(), captured, cdc, batch, poll);
        }
        SqlServerPosition.ChangeTracking ct = (SqlServerPosition.ChangeTracking) from;
        if (mode != CaptureMode.CHANGE_TRACKING) {
            throw new SourceException("task " + taskName + " started in Change Tracking mode; its position cannot be continued "
                    + "by " + mode.option() + ": reload the task (ferry run --reload)");
        }
        checkChangeTrackingReady(databaseInfo(), captured);
        List<ChangeTrackingStream.Reader> readers = new ArrayList<>();
        for (TableSchema t : captured) {
            readers.add(changeTrackingReader(table(t.id()), t));
        }
        LOG.info("task {}: Change Tracking polled every {} ms from version {}", taskName, poll, ct.version());
        return new ChangeTrackingStream(taskName, connector, readers, ct.version(), batch, poll);
    }

    static ChangeTrackingStream.Reader changeTrackingReader(SqlServerCatalog.Table source, TableSchema table) {
        StringJoiner ignored = new StringJoiner(", ");
        SqlServerTypes.Read[] reads = reads(source, table, ignored);
        List<String> expressions = new ArrayList<>();
        for (dev.ferry.core.model.Column c : table.columns()) {
            expressions.add(source.mappings().get(source.schema().columnIndex(c.name())).expression());
        }
        int[] keyIndexes = table.keyIndexes();
        SqlServerTypes.Read[] keyReads = new SqlServerTypes.Read[keyIndexes.length];
        for (int k = 0; k < keyIndexes.length; k++) {
            keyReads[k] = reads[keyIndexes[k]];
        }
        String sql = SqlServerSql.ctChanges(table.id(), table.primaryKey(), expressions);
        return new ChangeTrackingStream.Reader(table, sql, keyReads, keyIndexes, reads);
    }

    private boolean catalogIsEmpty() {
        synchronized (catalog) {
            return catalog.isEmpty();
        }
    }

    @Override
    public Assessment assess(List<TableSchema> tables, boolean captureChanges) {
        if (catalogIsEmpty()) {
            catalogTables();
        }
        return SqlServerAssessment.assess(SqlServerAssessment.facts(this), SqlServerAssessment.selected(this, tables), mode,
                captureChanges);
    }

    @Override
    public List<String> preparation(List<TableSchema> tables, String captureMode) {
        CaptureMode m;
        try {
            m = CaptureMode.parse(captureMode);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
        if (catalogIsEmpty()) {
            catalogTables();
        }
        DatabaseInfo db = databaseInfo();
        List<TableId> todo = new ArrayList<>();
        List<String> keyless = new ArrayList<>();
        for (TableSchema t : tables) {
            SqlServerCatalog.Table info = table(t.id());
            if (info.view()) {
                continue;
            }
            if (m == CaptureMode.CDC ? !info.cdcEnabled() : !info.changeTracking()) {
                if (m == CaptureMode.CHANGE_TRACKING && info.keyKind() != SqlServerCatalog.KeyKind.PRIMARY_KEY) {
                    keyless.add(t.id().toString());
                } else {
                    todo.add(t.id());
                }
            }
        }
        if (!keyless.isEmpty()) {
            throw new ConfigurationException("Change Tracking needs a primary key; table(s) " + String.join(", ", keyless)
                    + " have none: add one, use --cdc, or leave them out of the table mappings");
        }
        return m == CaptureMode.CDC ? SqlServerSql.enableCdc(db.name(), db.cdcEnabled(), todo)
                : SqlServerSql.enableChangeTracking(db.name(), db.changeTracking(), todo);
    }

    @Override
    public void prepare(List<String> statements) {
        try (Connection c = connector.pooled(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    throw connector.failure("running '" + sql + "' failed", e);
                }
                LOG.info("ran {}", sql);
            }
        } catch (SQLException e) {
            throw connector.failure("preparing the source failed", e);
        }
    }

    @Override
    public SourcePosition decodePosition(String serialized) {
        return SqlServerPosition.parse(serialized);
    }

    @Override
    public SyncPoint requestSyncPoint(String taskName) {
        try (Connection c = connector.pooled(); Statement st = c.createStatement()) {
            if (mode == CaptureMode.CHANGE_TRACKING) {
                try (ResultSet rs = st.executeQuery(SqlServerSql.CT_CURRENT_VERSION)) {
                    rs.next();
                    return new SyncPoint(null, new SqlServerPosition.ChangeTracking(rs.getLong(1)));
                }
            }
            try (ResultSet rs = st.executeQuery(SqlServerSql.MAX_LSN)) {
                rs.next();
                byte[] max = rs.getBytes(1);
                return new SyncPoint(null, new SqlServerPosition.Cdc(max == null ? null : new Lsn(max), null, 0, Map.of(), Map.of()));
            }
        } catch (SQLException e) {
            throw connector.failure("reading the current change position failed", e);
        }
    }

    @Override
    public void close() {
        connector.close();
    }
}
