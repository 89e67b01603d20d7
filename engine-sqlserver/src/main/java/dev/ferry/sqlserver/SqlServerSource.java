package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.mapping.SourceFilter;
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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL Server as a source: catalog from the sys views, streaming bulk reads, and change capture
 * by MS-CDC (Debezium's SQL Server connector) or by Change Tracking.
 *
 * <p>The CDC start is recorded before any table is read: the max LSN of the change tables (MS-CDC)
 * or the current Change Tracking version. Changes committed while a table loads are applied again
 * after the load; keyed tables absorb that (upserts, deletes of missing rows). Under MS-CDC a table
 * without a primary key is read in a snapshot taken at an exact position instead
 * ({@link KeylessSnapshot}); Change Tracking refuses such tables.
 */
final class SqlServerSource implements AssessableSource, PreparableSource {

    private static final Logger LOG = LoggerFactory.getLogger(SqlServerSource.class);

    private final SqlServerConnector connector;
    private final CaptureMode mode;
    private final int maxBatch;
    private final long pollMillis;
    private final Map<TableId, SqlServerCatalog.Table> catalog = new HashMap<>();
    /** The start positions of tables added to a task on resume ({@link #markAddedTables}), for the coverage check. */
    private final Map<TableId, Lsn> addedStarts = new ConcurrentHashMap<>();
    /** MS-CDC: the keyless tables of the current full load and their hand-over markers ({@link KeylessSnapshot}). */
    private final Map<TableId, KeylessSnapshot.Pending> keylessLoads = new ConcurrentHashMap<>();

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
        List<SqlServerCatalog.Table> tables = replicable(catalogTables());
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

    /** The tables a task may select: all but Ferry's own sync marker table, which never reaches a target. */
    static List<SqlServerCatalog.Table> replicable(List<SqlServerCatalog.Table> tables) {
        List<SqlServerCatalog.Table> result = new ArrayList<>(tables.size());
        for (SqlServerCatalog.Table t : tables) {
            if (!t.id().equals(SyncMarker.TABLE)) {
                result.add(t);
            }
        }
        return result;
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
        SqlServerAssessment.Facts facts = requireReady(tables);
        DatabaseInfo db = facts.database();
        SqlServerPosition position = mode == CaptureMode.CDC
                ? startHandoffs(taskName, markCdc(taskName, db, facts.captureInstances(), captured), captured)
                : markChangeTracking();
        LOG.info("task {}: changes from {} on ({} table(s) captured by {})", taskName, position.describe(), captured.size(),
                mode.option());
        // nothing held open: the full load reads committed data as it goes; keyless tables' snapshot
        // hand-overs belong to this full load only
        return CdcMark.of(position, false, keylessLoads::clear);
    }

    @Override
    public String engine() {
        return "sqlserver";
    }

    /**
     * A CDC-only task that starts at a chosen point (DMS's CdcStartPosition / CdcStartTime): an LSN
     * ({@code 0000002a:00000c38:0003}, or 20 hex digits as {@code sys.fn_cdc_get_max_lsn()} shows
     * them), or a time, mapped to the first commit at or after it by
     * {@code sys.fn_cdc_map_time_to_lsn}. Change tables keep every change from their capture
     * instance's start until the cleanup job removes it; a start the change tables no longer reach
     * is refused, when the stream opens ({@link #requireCovered}) for an LSN, here for a time.
     * Change Tracking keeps versions, not LSNs or times: refused.
     */
    @Override
    public CdcMark markCdcStartAt(String taskName, List<TableSchema> tables, dev.ferry.core.settings.CdcStart start) {
        if (mode != CaptureMode.CDC) {
            throw new SourceException("CDC start " + start.describe() + ": Change Tracking keeps version numbers, not LSNs or "
                    + "commit times, so a task cannot start at a chosen point in " + mode.option() + " mode; use MS-CDC, or "
                    + "leave CdcStartPosition and CdcStartTime out");
        }
        List<TableSchema> captured = captured(tables);
        SqlServerAssessment.Facts facts = requireReady(tables);
        Map<String, Object> partition = SqlServerCdcStream.partition(taskName, facts.database().name());
        SqlServerPosition.Cdc position;
        if (start.position() != null) {
            position = SqlServerPosition.Cdc.startingAt(startLsn(start.position()), partition);
        } else {
            try (Connection c = connector.pooled(); java.sql.PreparedStatement ps = c.prepareStatement(SqlServerSql.LSN_AT_TIME)) {
                ps.setString(1, timeParameter(start.time()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    position = startAtTime(start.time(), rs.getBytes(1), rs.getBytes(2), rs.getBytes(3), partition);
                }
            } catch (SQLException e) {
                throw connector.failure("mapping CdcStartTime " + start.time() + " to an LSN (sys.fn_cdc_map_time_to_lsn) failed", e);
            }
        }
        LOG.info("task {}: changes from {} on ({}; {} table(s) captured)", taskName, start.describe(), position.describe(),
                captured.size());
        return CdcMark.of(position, false, () -> { });
    }

    /** An LSN given as CdcStartPosition, or a refusal naming the forms. */
    static Lsn startLsn(String text) {
        Lsn lsn;
        try {
            lsn = Lsn.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SourceException("CdcStartPosition '" + text + "' is not a SQL Server LSN: give it as 0000002a:00000c38:0003 "
                    + "or as 20 hex digits (0x0000002A00000C380003, as sys.fn_cdc_get_max_lsn() shows it)");
        }
        if (lsn.isZero()) {
            throw new SourceException("CdcStartPosition '" + text + "' is the zero LSN; give the LSN of the first change to capture");
        }
        return lsn;
    }

    /** The parameter of {@link SqlServerSql#LSN_AT_TIME}: the UTC time as datetimeoffset text. */
    static String timeParameter(java.time.Instant time) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx")
                .format(time.atOffset(java.time.ZoneOffset.UTC));
    }

    /**
     * The start for a CdcStartTime from the answers of {@link SqlServerSql#LSN_AT_TIME}: at the first
     * commit at or after the time; after the max LSN when nothing committed since (the next change is
     * the first); refused when the change tables hold no commit before the time, since then the
     * cleanup job may have removed changes made after it (or capture began after it).
     */
    static SqlServerPosition.Cdc startAtTime(java.time.Instant time, byte[] first, byte[] before, byte[] max,
                                             Map<String, Object> partition) {
        if (before == null || new Lsn(before).isZero()) {
            throw new SourceException("CdcStartTime " + time + ": the change tables hold no transaction that committed before it "
                    + "(cdc.lsn_time_mapping), so changes made after it may have been removed by the CDC cleanup job already, or "
                    + "were made before capture began; Ferry cannot tell that nothing is missing. Give a later time, or the LSN to "
                    + "start at as CdcStartPosition");
        }
        if (first == null || new Lsn(first).isZero()) {
            return SqlServerPosition.Cdc.mark(max == null ? null : new Lsn(max), partition);
        }
        return SqlServerPosition.Cdc.startingAt(new Lsn(first), partition);
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
        CdcMark mark = markCdcStart(taskName, added);
        if (mark.position() instanceof SqlServerPosition.Cdc cdc && cdc.commitLsn() != null) {
            for (TableSchema t : added) {
                addedStarts.put(t.id(), cdc.commitLsn());
            }
        }
        return mark;
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

    private SqlServerPosition markCdc(String taskName, DatabaseInfo db, Map<TableId, List<CaptureInstance>> instances,
                                      List<TableSchema> tables) {
        try (Connection c = connector.pooled(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SqlServerSql.MAX_LSN)) {
            rs.next();
            byte[] max = rs.getBytes(1);
            Lsn mark = markLsn(max == null ? null : new Lsn(max), instances, tables);
            return SqlServerPosition.Cdc.mark(mark, SqlServerCdcStream.partition(taskName, db.name()));
        } catch (SQLException e) {
            throw connector.failure("reading the max LSN (sys.fn_cdc_get_max_lsn) failed", e);
        }
    }

    /**
     * Refuses to capture changes of {@code tables} on every FAIL finding of the assessment, in the
     * words {@code ferry assess} prints them: the readiness rules live there, once. Returns the
     * facts read.
     */
    SqlServerAssessment.Facts requireReady(List<TableSchema> tables) {
        SqlServerAssessment.Facts facts = SqlServerAssessment.facts(this);
        String failures = SqlServerAssessment.assess(facts, SqlServerAssessment.selected(this, tables), mode, true).failureMessage();
        if (failures != null) {
            throw new SourceException(failures);
        }
        return facts;
    }

    /**
     * MS-CDC: gives each keyless table a marker token for its hand-over ({@link KeylessSnapshot}),
     * kept in the mark's position. (The assessment has required the marker table and, for keyless
     * tables, snapshot isolation: {@link SyncMarker#findings}.)
     */
    private SqlServerPosition startHandoffs(String taskName, SqlServerPosition mark, List<TableSchema> tables) {
        List<TableId> keyless = new ArrayList<>();
        for (TableSchema t : tables) {
            if (!t.hasPrimaryKey()) {
                keyless.add(t.id());
            }
        }
        keylessLoads.clear();
        Map<TableId, KeylessHandoff> handoffs = new TreeMap<>();
        for (TableId t : keyless) {
            String token = UUID.randomUUID().toString();
            keylessLoads.put(t, new KeylessSnapshot.Pending(taskName, token));
            handoffs.put(t, new KeylessHandoff(token, null));
        }
        return ((SqlServerPosition.Cdc) mark).withHandoffs(handoffs);
    }

    /**
     * MS-CDC: where the stream starts: {@code from} with the hand-overs of keyless tables resolved.
     */
    private SqlServerPosition.Cdc streamFrom(String taskName, SqlServerPosition.Cdc from, Map<TableId, List<CaptureInstance>> instances) {
        return KeylessSnapshot.resolve(connector, taskName, from, instances.get(SyncMarker.TABLE));
    }

    /**
     * The CDC start of a full load: the max LSN of the change tables, or the start of the newest
     * capture instance of a selected table when that is later. A table whose CDC was enabled just
     * before the load has an instance that starts after the max LSN until the capture job runs;
     * its changes before that start are in no change table but all in the load (they committed
     * before the mark), and starting at the instance keeps every later position covered by it.
     */
    static Lsn markLsn(Lsn maxLsn, Map<TableId, List<CaptureInstance>> instances, List<TableSchema> tables) {
        Lsn mark = maxLsn;
        List<TableId> captured = new ArrayList<>();
        for (TableSchema t : tables) {
            captured.add(t.id());
        }
        captured.add(SyncMarker.TABLE);
        for (TableId id : captured) {
            for (CaptureInstance ci : instances.getOrDefault(id, List.of())) {
                if (!ci.startLsn().isEmpty()) {
                    Lsn start = Lsn.parse(ci.startLsn());
                    if (mark == null || start.compareTo(mark) > 0) {
                        mark = start;
                    }
                }
            }
        }
        return mark;
    }

    /**
     * Fails, when resuming from {@code from}, unless a capture instance of each table covers that
     * position ({@link SqlServerCdcStream#uncovered}). Not an assessment rule: it depends on the
     * position, which only a task has.
     */
    static void requireCovered(Map<TableId, List<CaptureInstance>> instances, List<TableSchema> tables, SqlServerPosition.Cdc from,
                               Map<TableId, Lsn> addedStarts) {
        if (from.commitLsn() == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (TableSchema t : tables) {
            // a table added on resume starts at its own mark: its instance may well be younger than the checkpoint
            Lsn start = addedStarts.getOrDefault(t.id(), from.commitLsn());
            Lsn position = start.compareTo(from.commitLsn()) > 0 ? start : from.commitLsn();
            List<Lsn> starts = new ArrayList<>();
            for (CaptureInstance ci : instances.getOrDefault(t.id(), List.of())) {
                starts.add(ci.startLsn().isEmpty() ? null : Lsn.parse(ci.startLsn()));
            }
            String uncovered = SqlServerCdcStream.uncovered(t.id(), position, starts);
            if (uncovered != null) {
                problems.add(uncovered);
            }
        }
        if (!problems.isEmpty()) {
            throw new SourceException(String.join("; ", problems));
        }
    }

    /**
     * Refuses, before any of their rows move, tables whose key would lose digits in PostgreSQL
     * (the assessment's FAIL "key column type", same words).
     */
    void checkLossyKeys(List<TableSchema> tables) {
        refuseLossyKeys(tables, this::table);
    }

    static void refuseLossyKeys(List<TableSchema> tables, java.util.function.Function<TableId, SqlServerCatalog.Table> catalog) {
        List<Assessment.Finding> findings = new ArrayList<>();
        for (TableSchema t : tables) {
            findings.addAll(SqlServerAssessment.lossyKeys(catalog.apply(t.id()), t.primaryKey()));
        }
        String failures = new Assessment(findings).failureMessage();
        if (failures != null) {
            throw new SourceException(failures);
        }
    }

    private SqlServerPosition markChangeTracking() {
        try (Connection c = connector.pooled(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(SqlServerSql.CT_CURRENT_VERSION)) {
            rs.next();
            return new SqlServerPosition.ChangeTracking(rs.getLong(1));
        } catch (SQLException e) {
            throw connector.failure("reading CHANGE_TRACKING_CURRENT_VERSION() failed", e);
        }
    }

    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range) {
        return openBulkReader(table, range, SourceFilter.NONE);
    }

    /** Reads the rows of {@code range} that pass {@code filter}: both go into the query's WHERE. */
    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range, SourceFilter filter) {
        SqlServerCatalog.Table t = table(table.id());
        StringJoiner select = new StringJoiner(", ");
        SqlServerTypes.Read[] reads = reads(t, table, select);
        checkLossyKeys(List.of(table));
        if (range != null && range.partition() != null) {
            throw new SourceException("table " + table.id() + ": the SQL Server source cannot read a table by its partitions; use "
                    + "parallel-load type 'ranges' with columns and boundaries of its key instead");
        }
        String where = where(range, filter);
        String sql = "SELECT " + select + " FROM " + SqlServerIdentifiers.quote(table.id()) + where;
        KeylessSnapshot.Pending keyless = keylessLoads.get(table.id());
        if (keyless != null) {
            if (range != null) {
                throw new SourceException("table " + table.id() + " has no primary key: under MS-CDC its full load is one snapshot "
                        + "read at an exact CDC position and cannot be split into ranges");
            }
            return new SqlServerBulkReader(connector, table, reads, sql, KeylessSnapshot.prologue(connector, table.id(), keyless));
        }
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

    /** {@code MIN} and {@code MAX} of the key column: two seeks on its index. */
    @Override
    public java.util.Optional<dev.ferry.core.spi.KeyBounds> keyBounds(TableSchema table, String column) {
        table(table.id());
        try (Connection c = connector.pooled(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(keyBoundsSql(table.id(), column))) {
            rs.next();
            long min = rs.getLong(1);
            if (rs.wasNull()) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new dev.ferry.core.spi.KeyBounds(min, rs.getLong(2)));
        } catch (SQLException e) {
            throw connector.failure("reading the smallest and largest " + column + " of " + table.id() + " failed", e);
        }
    }

    static String keyBoundsSql(TableId table, String column) {
        String col = SqlServerIdentifiers.quote(column);
        return "SELECT CAST(MIN(" + col + ") AS bigint), CAST(MAX(" + col + ") AS bigint) FROM " + SqlServerIdentifiers.quote(table);
    }

    /** The WHERE clause (with its leading space) of a read of {@code range} through {@code filter}; empty for neither. */
    static String where(KeyRange range, SourceFilter filter) {
        String rows = filter.condition(SqlServerFilterSql.INSTANCE);
        if (range == null) {
            return rows == null ? "" : " WHERE " + rows;
        }
        return " WHERE " + rangeCondition(range) + (rows == null ? "" : " AND (" + rows + ")");
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
            Map<TableId, List<CaptureInstance>> instances = requireReady(tables).captureInstances();
            requireCovered(instances, captured, cdc, addedStarts);
            return SqlServerCdcStream.open(taskName, connector.endpoint(), captured, streamFrom(taskName, cdc, instances),
                    Map.copyOf(addedStarts), batch, poll);
        }
        SqlServerPosition.ChangeTracking ct = (SqlServerPosition.ChangeTracking) from;
        if (mode != CaptureMode.CHANGE_TRACKING) {
            throw new SourceException("task " + taskName + " started in Change Tracking mode; its position cannot be continued "
                    + "by " + mode.option() + ": reload the task (ferry run --reload)");
        }
        requireReady(tables);
        List<ChangeTrackingStream.Reader> readers = new ArrayList<>();
        for (TableSchema t : captured) {
            readers.add(changeTrackingReader(table(t.id()), t));
        }
        LOG.info("task {}: Change Tracking polled every {} ms from version {}", taskName, poll, ct.version());
        return new ChangeTrackingStream(taskName, connector, readers, ct.version(), batch, poll);
    }

    /**
     * The Change Tracking reader of {@code table}: every column, and every key column of a deleted
     * row, is selected through the expression the full load reads it with and read as the full load
     * reads it, so both paths write the same value; the query says where each value stands.
     */
    static ChangeTrackingStream.Reader changeTrackingReader(SqlServerCatalog.Table source, TableSchema table) {
        SqlServerTypes.Read[] reads = reads(source, table, new StringJoiner(", "));
        List<String> expressions = new ArrayList<>();
        for (dev.ferry.core.model.Column c : table.columns()) {
            expressions.add(source.mappings().get(source.schema().columnIndex(c.name())).expression());
        }
        List<String> keyExpressions = new ArrayList<>();
        for (int k : table.keyIndexes()) {
            keyExpressions.add(expressions.get(k));
        }
        return new ChangeTrackingStream.Reader(table, SqlServerSql.ctChanges(table.id(), table.primaryKey(), keyExpressions,
                expressions), reads);
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
        boolean loadsKeyless = false;
        for (TableSchema t : tables) {
            SqlServerCatalog.Table info = table(t.id());
            if (info.view()) {
                continue;
            }
            loadsKeyless |= !t.hasPrimaryKey();
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
        return m == CaptureMode.CDC ? cdcPreparation(db, todo, loadsKeyless)
                : SqlServerSql.enableChangeTracking(db.name(), db.changeTracking(), todo);
    }

    /** MS-CDC on the database, the sync marker table and {@code tables}; snapshot isolation for keyless tables' loads. */
    private List<String> cdcPreparation(DatabaseInfo db, List<TableId> tables, boolean loadsKeyless) {
        boolean markerReady = db.cdcEnabled() && captureInstances().containsKey(SyncMarker.TABLE);
        List<String> sql = new ArrayList<>(SqlServerSql.enableCdc(db.name(), db.cdcEnabled(), markerReady, tables));
        if (loadsKeyless && !db.snapshotIsolation()) {
            sql.add(SqlServerSql.allowSnapshotIsolation(db.name()));
        }
        return sql;
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
            return cdcSyncPoint(c, taskName);
        } catch (SQLException e) {
            throw connector.failure("reading the current change position failed", e);
        }
    }

    /**
     * MS-CDC: a new token in the task's row of the sync marker table; the stream reports it once
     * every change committed before this call is applied (why that is exact: {@link SyncMarker}).
     */
    private SyncPoint cdcSyncPoint(Connection c, String taskName) {
        String token = UUID.randomUUID().toString();
        try {
            SyncMarker.write(c, taskName, token);
        } catch (SQLException e) {
            throw connector.failure("writing the sync marker of task " + taskName + " into " + SyncMarker.TABLE + " failed", e);
        }
        return new SyncPoint(token, null);
    }

    /**
     * Removes the task's row from Ferry's marker table. That is all a task keeps here: the capture
     * instances (MS-CDC) and Change Tracking belong to the database and serve every task, and their
     * change tables are emptied by SQL Server's own retention, not held for a task; so they stay
     * (disabling them is the DBA's call: sys.sp_cdc_disable_table, ALTER TABLE ... DISABLE CHANGE_TRACKING).
     * A running task would write its row again at its next sync point, harmlessly.
     */
    @Override
    public List<String> dropCapture(String taskName) {
        try (Connection c = connector.pooled(); java.sql.PreparedStatement ps = c.prepareStatement(SqlServerSql.DROP_SYNC_MARKER)) {
            ps.setString(1, taskName);
            boolean result = ps.execute();
            while (!result && ps.getUpdateCount() != -1) {
                result = ps.getMoreResults();
            }
            long removed = 0;
            if (result) {
                try (ResultSet rs = ps.getResultSet()) {
                    removed = rs.next() ? rs.getLong(1) : 0;
                }
            }
            return removed == 0 ? List.of() : List.of("the row of task " + taskName + " in " + SyncMarker.TABLE);
        } catch (SQLException e) {
            throw connector.failure("removing the row of task " + taskName + " from " + SyncMarker.TABLE + " failed", e);
        }
    }

    @Override
    public void close() {
        connector.close();
    }
}
