package dev.ferry.sqlserver;

import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.Assessment.Finding;
import dev.ferry.core.spi.Assessment.Status;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The premigration assessment of a SQL Server source. Facts are read in a few queries
 * ({@link #facts}); what they mean for a task is decided by pure code ({@link #assess(Facts,
 * List, CaptureMode, boolean)}), which the unit tests drive with facts as the queries return them.
 * A fact the login may not read is reported as a warning saying so, never guessed.
 */
final class SqlServerAssessment {

    private SqlServerAssessment() {
    }

    /**
     * What the assessment looks at. Booleans are null where the login may not read them.
     *
     * @param database          database-level settings
     * @param agentRunning      SQL Server Agent is running (it runs the CDC capture job)
     * @param captureJob        the database has a CDC capture job
     * @param sysadmin          the login is sysadmin
     * @param dbOwner           the login is in db_owner
     * @param canSelect         per table: SELECT permission
     * @param canViewTracking   per table: VIEW CHANGE TRACKING permission
     * @param canReadChanges    per capture instance name: SELECT on its change table
     * @param captureInstances  per table: its capture instances, oldest first
     * @param maxTextReplSize   the server's 'max text repl size (B)' (-1 unlimited), null when unknown
     * @param canWriteMarker    INSERT and UPDATE on Ferry's sync marker table, null when unknown
     */
    record Facts(SqlServerSource.DatabaseInfo database, Boolean agentRunning, Boolean captureJob, boolean sysadmin,
                 boolean dbOwner, Map<TableId, Boolean> canSelect, Map<TableId, Boolean> canViewTracking,
                 Map<String, Boolean> canReadChanges, Map<TableId, List<SqlServerSource.CaptureInstance>> captureInstances,
                 Long maxTextReplSize, Boolean canWriteMarker) {

        Facts(SqlServerSource.DatabaseInfo database, Boolean agentRunning, Boolean captureJob, boolean sysadmin, boolean dbOwner,
              Map<TableId, Boolean> canSelect, Map<TableId, Boolean> canViewTracking, Map<String, Boolean> canReadChanges,
              Map<TableId, List<SqlServerSource.CaptureInstance>> captureInstances, Long maxTextReplSize) {
            this(database, agentRunning, captureJob, sysadmin, dbOwner, canSelect, canViewTracking, canReadChanges, captureInstances,
                    maxTextReplSize, null);
        }
    }

    static final String MARKER_WRITE = "SELECT CAST(CASE WHEN ISNULL(HAS_PERMS_BY_NAME(N'dbo.ferry_sync_marker', 'OBJECT', 'INSERT'), 0) = 1 "
            + "AND ISNULL(HAS_PERMS_BY_NAME(N'dbo.ferry_sync_marker', 'OBJECT', 'UPDATE'), 0) = 1 THEN 1 ELSE 0 END AS bit)";

    static final String AGENT = "SELECT CAST(CASE WHEN status = 4 THEN 1 ELSE 0 END AS bit) FROM sys.dm_server_services "
            + "WHERE servicename LIKE N'SQL Server Agent%'";
    static final String CAPTURE_JOB = "SELECT COUNT(*) FROM msdb.dbo.cdc_jobs WHERE database_id = DB_ID() AND job_type = N'capture'";
    static final String ROLES = "SELECT CAST(ISNULL(IS_SRVROLEMEMBER('sysadmin'), 0) AS bit), CAST(ISNULL(IS_ROLEMEMBER('db_owner'), 0) AS bit)";
    static final String TABLE_PERMISSIONS = """
            SELECT s.name, o.name,
                   CAST(ISNULL(HAS_PERMS_BY_NAME(QUOTENAME(s.name) + '.' + QUOTENAME(o.name), 'OBJECT', 'SELECT'), 0) AS bit),
                   CAST(ISNULL(HAS_PERMS_BY_NAME(QUOTENAME(s.name) + '.' + QUOTENAME(o.name), 'OBJECT', 'VIEW CHANGE TRACKING'), 0) AS bit)
            FROM sys.objects o JOIN sys.schemas s ON s.schema_id = o.schema_id
            WHERE o.type IN ('U', 'V') AND o.is_ms_shipped = 0""";
    static final String CHANGE_TABLE_PERMISSIONS = """
            SELECT ct.capture_instance,
                   CAST(ISNULL(HAS_PERMS_BY_NAME(N'cdc.' + QUOTENAME(ct.capture_instance + N'_CT'), 'OBJECT', 'SELECT'), 0) AS bit)
            FROM cdc.change_tables ct""";
    static final String MAX_TEXT_REPL_SIZE = "SELECT CAST(value_in_use AS bigint) FROM sys.configurations WHERE name = N'max text repl size (B)'";

    /** Reads the facts; a query the login may not run leaves its fact unknown. */
    static Facts facts(SqlServerSource source) {
        SqlServerSource.DatabaseInfo db = source.databaseInfo();
        SqlServerConnector connector = source.connector();
        try (Connection c = connector.pooled()) {
            Boolean agent = optional(c, AGENT, rs -> rs.getBoolean(1));
            Boolean job = db.cdcEnabled() ? optional(c, CAPTURE_JOB, rs -> rs.getInt(1) > 0) : null;
            Boolean[] roles = new Boolean[2];
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(ROLES)) {
                rs.next();
                roles[0] = rs.getBoolean(1);
                roles[1] = rs.getBoolean(2);
            }
            Map<TableId, Boolean> select = new HashMap<>();
            Map<TableId, Boolean> tracking = new HashMap<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(TABLE_PERMISSIONS)) {
                while (rs.next()) {
                    TableId id = new TableId(rs.getString(1), rs.getString(2));
                    select.put(id, rs.getBoolean(3));
                    tracking.put(id, rs.getBoolean(4));
                }
            }
            Map<String, Boolean> changes = new HashMap<>();
            Map<TableId, List<SqlServerSource.CaptureInstance>> instances = Map.of();
            if (db.cdcEnabled()) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(CHANGE_TABLE_PERMISSIONS)) {
                    while (rs.next()) {
                        changes.put(rs.getString(1), rs.getBoolean(2));
                    }
                } catch (SQLException e) {
                    changes = null;
                }
                instances = source.captureInstances();
            }
            Long replSize = optional(c, MAX_TEXT_REPL_SIZE, rs -> rs.getLong(1));
            Boolean markerWrite = db.cdcEnabled() ? optional(c, MARKER_WRITE, rs -> rs.getBoolean(1)) : null;
            return new Facts(db, agent, job, roles[0], roles[1], select, tracking, changes, instances, replSize, markerWrite);
        } catch (SQLException e) {
            throw connector.failure("reading the facts for the assessment failed", e);
        }
    }

    private interface Column<T> {
        T get(ResultSet rs) throws SQLException;
    }

    private static <T> T optional(Connection c, String sql, Column<T> column) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? column.get(rs) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    /** What the facts mean for a task of {@code tables} in {@code mode}, capturing changes when {@code cdc}. */
    static Assessment assess(Facts f, List<SqlServerCatalog.Table> tables, CaptureMode mode, boolean cdc) {
        List<Finding> out = new ArrayList<>();
        SqlServerSource.DatabaseInfo db = f.database();
        String dbName = "database " + db.name();
        boolean privileged = f.sysadmin() || f.dbOwner();
        boolean msCdc = cdc && mode == CaptureMode.CDC;
        boolean ct = cdc && mode == CaptureMode.CHANGE_TRACKING;
        out.add(new Finding(Status.PASS, dbName, "server", "SQL Server " + db.version() + ", " + edition(db.engineEdition()), ""));

        if (msCdc) {
            if (db.engineEdition() == 4) {
                out.add(new Finding(Status.FAIL, dbName, "edition", "Express edition has no SQL Server Agent, so MS-CDC cannot run",
                        "use captureMode: change-tracking"));
            }
            out.add(db.cdcEnabled() ? new Finding(Status.PASS, dbName, "CDC enabled", "MS-CDC is enabled on the database", "")
                    : new Finding(Status.FAIL, dbName, "CDC enabled", "MS-CDC is not enabled on the database",
                    "ferry prepare-source TASK.yaml --cdc (runs EXEC sys.sp_cdc_enable_db; needs sysadmin)"));
            out.add(f.agentRunning() == null
                    ? new Finding(Status.WARN, dbName, "SQL Server Agent", "cannot tell whether SQL Server Agent runs (needs VIEW SERVER STATE)",
                    "make sure SQL Server Agent runs: it runs the capture job that fills the change tables")
                    : f.agentRunning() ? new Finding(Status.PASS, dbName, "SQL Server Agent", "running", "")
                    : new Finding(Status.FAIL, dbName, "SQL Server Agent", "not running: no change reaches the change tables",
                    "start SQL Server Agent (on Linux: mssql-conf set sqlagent.enabled true, or MSSQL_AGENT_ENABLED=true in Docker)"));
            if (db.cdcEnabled()) {
                out.add(f.captureJob() == null
                        ? new Finding(Status.WARN, dbName, "capture job", "cannot read msdb.dbo.cdc_jobs", "check with EXEC sys.sp_cdc_help_jobs")
                        : f.captureJob() ? new Finding(Status.PASS, dbName, "capture job", "the CDC capture job exists", "")
                        : new Finding(Status.FAIL, dbName, "capture job", "the database has no CDC capture job",
                        "EXEC sys.sp_cdc_add_job @job_type = N'capture'"));
            }
            boolean simple = "SIMPLE".equalsIgnoreCase(db.recoveryModel());
            out.add(simple ? new Finding(Status.WARN, dbName, "recovery model", "SIMPLE: CDC works, but the log cannot be truncated "
                    + "past changes the capture job has not read, and point-in-time restores are impossible",
                    "ALTER DATABASE " + SqlServerIdentifiers.quote(db.name()) + " SET RECOVERY FULL (as DMS requires), then take a full backup")
                    : new Finding(Status.PASS, dbName, "recovery model", db.recoveryModel(), ""));
            out.addAll(SyncMarker.findings(db, f.captureInstances(), keyless(tables)));
            out.addAll(SyncMarker.permissions(db, f, privileged));
            if (f.maxTextReplSize() != null && f.maxTextReplSize() >= 0 && tables.stream().anyMatch(SqlServerAssessment::hasLob)) {
                out.add(new Finding(Status.WARN, dbName, "max text repl size", "LOB values longer than " + f.maxTextReplSize()
                        + " bytes make INSERT and UPDATE fail on the source while a table is captured",
                        "EXEC sp_configure 'max text repl size', -1; RECONFIGURE"));
            }
        } else if (ct) {
            out.add(db.changeTracking() ? new Finding(Status.PASS, dbName, "Change Tracking enabled",
                    "retention " + db.retention() + " " + db.retentionUnits().toLowerCase(java.util.Locale.ROOT), "")
                    : new Finding(Status.FAIL, dbName, "Change Tracking enabled", "Change Tracking is not enabled on the database",
                    "ferry prepare-source TASK.yaml --change-tracking"));
            out.add(db.snapshotIsolation() ? new Finding(Status.PASS, dbName, "snapshot isolation", "each poll reads all tables as of one moment", "")
                    : new Finding(Status.WARN, dbName, "snapshot isolation", "not allowed: a poll reads tables one after another, "
                    + "so the target may briefly show a state the source never had (it converges)",
                    "ALTER DATABASE " + SqlServerIdentifiers.quote(db.name()) + " SET ALLOW_SNAPSHOT_ISOLATION ON"));
        }
        out.add(privileged ? new Finding(Status.PASS, dbName, "permissions", f.sysadmin() ? "the login is sysadmin" : "the login is db_owner", "")
                : new Finding(Status.PASS, dbName, "permissions", "the login is neither sysadmin nor db_owner; table permissions are checked one by one", ""));

        if (tables.isEmpty()) {
            out.add(new Finding(Status.FAIL, dbName, "tables", "the table mappings select no table", "check the selection rules"));
        }
        for (SqlServerCatalog.Table t : tables) {
            table(out, f, t, mode, cdc, privileged);
            sqlVariant(out, db, t);
        }
        return new Assessment(out);
    }

    private static void table(List<Finding> out, Facts f, SqlServerCatalog.Table t, CaptureMode mode, boolean cdc, boolean privileged) {
        String subject = t.id().toString();
        boolean msCdc = cdc && mode == CaptureMode.CDC;
        boolean ct = cdc && mode == CaptureMode.CHANGE_TRACKING;
        if (!privileged && !Boolean.TRUE.equals(f.canSelect().get(t.id()))) {
            out.add(new Finding(Status.FAIL, subject, "SELECT permission", "the login may not read the table",
                    "GRANT SELECT ON " + SqlServerIdentifiers.quote(t.id()) + " TO <login's user>"));
        }
        if (t.view()) {
            out.add(new Finding(cdc ? Status.WARN : Status.PASS, subject, "view", cdc ? "a view is loaded by the full load; its changes "
                    + "are not replicated" : "loaded like a table", cdc ? "select its base tables instead to replicate changes" : ""));
            columns(out, t, msCdc);
            return;
        }
        // keys
        switch (t.keyKind()) {
            case PRIMARY_KEY -> out.add(new Finding(Status.PASS, subject, "primary key", t.keyName() + " " + t.schema().primaryKey(), ""));
            case UNIQUE_INDEX -> out.add(new Finding(ct ? Status.FAIL : Status.PASS, subject, "primary key",
                    "no primary key; rows are identified by unique index " + t.keyName() + " " + t.schema().primaryKey(),
                    ct ? "Change Tracking needs a primary key: add one, or use captureMode: cdc" : ""));
            case NONE -> out.add(!cdc ? new Finding(Status.PASS, subject, "primary key", "none (a full load does not need one)", "")
                    : ct ? new Finding(Status.FAIL, subject, "primary key", "none: Change Tracking cannot track a table without a primary key",
                    "add a primary key, use captureMode: cdc, or leave the table out")
                    : hasLob(t) ? new Finding(Status.FAIL, subject, "primary key", "none, and LOB columns: SQL Server CDC writes "
                    + "NULL for LOB columns in old row images, so updates and deletes of this table cannot be matched on all columns",
                    "add a primary key, or use a full-load task for this table")
                    : new Finding(Status.WARN, subject, "primary key", "none: the full load reads a snapshot that hands over to CDC "
                    + "exactly (writers of the table wait a moment while it is taken; see the snapshot isolation check), and each "
                    + "update and delete is matched on all columns", "add a primary key"));
        }
        out.addAll(lossyKeys(t, t.schema().primaryKey()));
        if (msCdc) {
            List<SqlServerSource.CaptureInstance> instances = f.captureInstances().getOrDefault(t.id(), List.of());
            if (!t.cdcEnabled() || instances.isEmpty()) {
                out.add(new Finding(Status.FAIL, subject, "CDC enabled", "the table has no capture instance",
                        "ferry prepare-source TASK.yaml --cdc (EXEC sys.sp_cdc_enable_table @source_schema = "
                                + SqlServerIdentifiers.literal(t.id().schema()) + ", @source_name = "
                                + SqlServerIdentifiers.literal(t.id().name()) + ", @role_name = NULL)"));
            } else {
                SqlServerSource.CaptureInstance newest = instances.get(instances.size() - 1);
                List<String> missing = new ArrayList<>();
                for (String c : t.schema().columnNames()) {
                    if (!newest.columns().contains(c)) {
                        missing.add(c);
                    }
                }
                out.add(missing.isEmpty() ? new Finding(Status.PASS, subject, "CDC enabled", "capture instance " + newest.name()
                        + (instances.size() > 1 ? " (newest of " + instances.size() + ")" : ""), "")
                        : new Finding(Status.FAIL, subject, "captured columns", "capture instance " + newest.name() + " does not capture "
                        + missing, SqlServerSql.newCaptureInstanceAdvice(t.id())));
                if (f.canReadChanges() != null && !Boolean.TRUE.equals(f.canReadChanges().get(newest.name())) && !privileged) {
                    out.add(new Finding(Status.FAIL, subject, "change table permission", "the login may not read cdc."
                            + newest.name() + "_CT", "add the login's user to the capture instance's gating role, or GRANT SELECT ON SCHEMA::cdc TO <user>"));
                }
            }
            if (t.memoryOptimized()) {
                out.add(new Finding(Status.FAIL, subject, "memory-optimized", "SQL Server cannot capture a memory-optimized table with CDC",
                        "leave the table out of change capture (load it with a full-load task)"));
            }
            if (t.clusteredColumnstore()) {
                out.add(new Finding(Status.FAIL, subject, "columnstore", "SQL Server cannot enable CDC on a table with a clustered columnstore index",
                        "leave the table out of change capture, or use a rowstore table"));
            }
        } else if (ct) {
            if (!t.changeTracking()) {
                out.add(new Finding(Status.FAIL, subject, "Change Tracking enabled", "not enabled on the table",
                        "ferry prepare-source TASK.yaml --change-tracking (ALTER TABLE " + SqlServerIdentifiers.quote(t.id())
                                + " ENABLE CHANGE_TRACKING)"));
            } else {
                out.add(new Finding(Status.PASS, subject, "Change Tracking enabled", "", ""));
            }
            if (!privileged && !Boolean.TRUE.equals(f.canViewTracking().get(t.id()))) {
                out.add(new Finding(Status.FAIL, subject, "VIEW CHANGE TRACKING permission", "the login may not read the table's changes",
                        "GRANT VIEW CHANGE TRACKING ON " + SqlServerIdentifiers.quote(t.id()) + " TO <login's user>"));
            }
            if (t.memoryOptimized()) {
                out.add(new Finding(Status.FAIL, subject, "memory-optimized", "SQL Server does not support Change Tracking on memory-optimized tables",
                        "leave the table out of change capture (load it with a full-load task)"));
            }
        }
        if (t.temporalType() == 2) {
            out.add(new Finding(Status.WARN, subject, "temporal table", "system-versioned: its period columns are loaded as plain datetime2 "
                    + "columns and its history table is a separate table", "select the history table too to migrate the history"));
        } else if (t.temporalType() == 1) {
            out.add(new Finding(Status.WARN, subject, "temporal table", "the history table of a system-versioned table",
                    "loaded as a plain table; it changes only through its current table"));
        }
        for (String set : t.columnSets()) {
            out.add(new Finding(Status.WARN, subject + "." + set, "column set", "an XML column set is not loaded: its sparse columns are, one by one", ""));
        }
        columns(out, t, msCdc);
    }

    private static void columns(List<Finding> out, SqlServerCatalog.Table t, boolean msCdc) {
        for (int i = 0; i < t.columns().size(); i++) {
            NativeColumn c = t.columns().get(i);
            SqlServerTypes.Mapping m = t.mappings().get(i);
            String subject = t.id() + "." + c.name();
            if (m.fidelity() == SqlServerTypes.Fidelity.UNSUPPORTED) {
                out.add(new Finding(Status.FAIL, subject, "type", c.declaration() + ": " + m.note(), "leave the table out, or convert the column"));
            } else if (msCdc && !m.cdcCapable() && !t.view()) {
                out.add(new Finding(Status.FAIL, subject, "type", c.declaration() + " cannot be replicated through MS-CDC",
                        "use captureMode: change-tracking (it reads values from the table), or leave the table out"));
            } else if (m.fidelity() == SqlServerTypes.Fidelity.LOSSY) {
                out.add(new Finding(Status.WARN, subject, "type", c.declaration() + " -> " + m.type() + ": " + m.note(), ""));
            }
            if (c.computed()) {
                out.add(msCdc && !t.view() ? new Finding(Status.FAIL, subject, "computed column", "SQL Server CDC records NULL for computed "
                        + "columns, which would overwrite the loaded values", "use captureMode: change-tracking, or leave the table out")
                        : new Finding(Status.PASS, subject, "computed column", "loaded as a plain column with its computed values", ""));
            }
            if (c.sparse()) {
                out.add(new Finding(Status.PASS, subject, "sparse column", "loaded as an ordinary nullable column", ""));
            }
        }
    }

    /**
     * sql_variant columns are read as text ({@link SqlServerTypes#sqlVariantText}). A float or real
     * in one is printed losslessly by CONVERT style 3, which SQL Server before 2016 silently treats as
     * style 0 (6 digits): there the column fails (Azure SQL Database and Managed Instance report
     * version 12.0 but have style 3). In a key, values SQL Server keeps apart because their base
     * types differ can print alike (N'1' and 1): the target would hold them as one row.
     */
    private static void sqlVariant(List<Finding> out, SqlServerSource.DatabaseInfo db, SqlServerCatalog.Table t) {
        boolean noStyle3 = db.engineEdition() <= 4 && majorVersion(db.version()) < 13;
        for (NativeColumn c : t.columns()) {
            if (!c.typeName().equals("sql_variant")) {
                continue;
            }
            String subject = t.id() + "." + c.name();
            if (noStyle3) {
                out.add(new Finding(Status.FAIL, subject, "sql_variant", "SQL Server " + db.version()
                        + " prints a float or real held in a sql_variant to 6 digits at most: the lossless CONVERT style 3 needs "
                        + "SQL Server 2016 or later", "upgrade the server, convert the column, or leave the table out"));
            }
            if (t.schema().primaryKey().contains(c.name())) {
                out.add(new Finding(Status.WARN, subject, "sql_variant key", "a key value of one base type and a string with the "
                        + "same text (1 and N'1') are different rows in SQL Server but one row in the target",
                        "make sure the key never holds a string next to values of other base types, or key the table otherwise"));
            }
        }
    }

    /** The major version of a ProductVersion ({@code 16} of {@code 16.0.4135.4}); MAX_VALUE when it cannot be read. */
    static int majorVersion(String productVersion) {
        int dot = productVersion == null ? -1 : productVersion.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? String.valueOf(productVersion) : productVersion.substring(0, dot));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The tables without a key whose full load hands over to MS-CDC through a snapshot ({@link KeylessSnapshot}). */
    private static List<TableId> keyless(List<SqlServerCatalog.Table> tables) {
        List<TableId> result = new ArrayList<>();
        for (SqlServerCatalog.Table t : tables) {
            if (!t.view() && !t.schema().hasPrimaryKey()) {
                result.add(t.id());
            }
        }
        return result;
    }

    /**
     * A FAIL per key column that would lose its 7th fractional digit ({@link SqlServerTypes#lossyKey}),
     * whether changes are captured or not: the full load would fail on a duplicate key. A full-load-only
     * task refuses the same columns with the same words ({@link SqlServerSource#refuseLossyKeys}).
     */
    static List<Finding> lossyKeys(SqlServerCatalog.Table t, List<String> keyColumns) {
        List<Finding> out = new ArrayList<>();
        for (NativeColumn c : keyColumns(t, keyColumns)) {
            out.add(new Finding(Status.FAIL, t.id() + "." + c.name(), "key column type", SqlServerTypes.lossyKey(c),
                    SqlServerTypes.lossyKeyFix(c)));
        }
        return out;
    }


    private static List<NativeColumn> keyColumns(SqlServerCatalog.Table t, List<String> keyColumns) {
        List<NativeColumn> out = new ArrayList<>();
        for (NativeColumn c : t.columns()) {
            if (keyColumns.contains(c.name()) && SqlServerTypes.lossyKey(c) != null) {
                out.add(c);
            }
        }
        return out;
    }

    static boolean hasLob(SqlServerCatalog.Table t) {
        for (NativeColumn c : t.columns()) {
            if (c.maxLength() < 0 || List.of("text", "ntext", "image", "xml").contains(c.typeName())) {
                return true;
            }
        }
        return false;
    }

    static String edition(int engineEdition) {
        return switch (engineEdition) {
            case 1 -> "Personal/Desktop";
            case 2 -> "Standard";
            case 3 -> "Enterprise/Developer";
            case 4 -> "Express";
            case 5 -> "Azure SQL Database";
            case 6 -> "Azure Synapse";
            case 8 -> "Azure SQL Managed Instance";
            case 9 -> "Azure SQL Edge";
            default -> "engine edition " + engineEdition;
        };
    }

    /** Only the tables a task selects, with their catalog details. */
    static List<SqlServerCatalog.Table> selected(SqlServerSource source, List<TableSchema> tables) {
        List<SqlServerCatalog.Table> result = new ArrayList<>();
        for (TableSchema t : tables) {
            result.add(source.table(t.id()));
        }
        return result;
    }
}
