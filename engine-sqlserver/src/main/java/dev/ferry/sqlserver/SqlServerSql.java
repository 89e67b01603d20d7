package dev.ferry.sqlserver;

import dev.ferry.core.model.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** The T-SQL Ferry runs for capture: built here as plain text, so that tests can read it. */
final class SqlServerSql {

    private SqlServerSql() {
    }

    static final String MAX_LSN = "SELECT sys.fn_cdc_get_max_lsn()";

    /**
     * Where changes committed at or after a time start (DMS's CdcStartTime): the parameter is the
     * time in UTC as ISO text with its offset ({@code 2018-02-09T12:12:12.000+00:00}), turned into
     * the server's local time, which {@code cdc.lsn_time_mapping.tran_end_time} holds (at the
     * server's current offset from UTC). Returns the commit LSN of the first transaction that ended
     * at or after it ({@code sys.fn_cdc_map_time_to_lsn('smallest greater than or equal', tracking_time)},
     * tracking_time a datetime, result binary(10)), that of the last transaction that ended before it
     * (present only when the change tables still reach back before the time: the cleanup job has not
     * removed changes from it on), and the max LSN.
     */
    static final String LSN_AT_TIME = """
            SELECT sys.fn_cdc_map_time_to_lsn('smallest greater than or equal', t.server_time),
                   sys.fn_cdc_map_time_to_lsn('largest less than', t.server_time),
                   sys.fn_cdc_get_max_lsn()
            FROM (SELECT CAST(SWITCHOFFSET(CAST(? AS datetimeoffset(3)), DATEPART(TZOFFSET, SYSDATETIMEOFFSET())) AS datetime)
                  AS server_time) AS t""";

    static final String DATABASE = """
            SELECT d.name, d.is_cdc_enabled, d.recovery_model_desc, d.snapshot_isolation_state,
                   CAST(CASE WHEN ctd.database_id IS NULL THEN 0 ELSE 1 END AS bit), ctd.retention_period,
                   ctd.retention_period_units_desc, CAST(SERVERPROPERTY('EngineEdition') AS int),
                   CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128))
            FROM sys.databases d LEFT JOIN sys.change_tracking_databases ctd ON ctd.database_id = d.database_id
            WHERE d.database_id = DB_ID()""";

    /** Capture instances with their captured columns, oldest instance first per table. */
    static final String CAPTURE_INSTANCES = """
            SELECT OBJECT_SCHEMA_NAME(ct.source_object_id), OBJECT_NAME(ct.source_object_id), ct.capture_instance,
                   ct.start_lsn, cc.column_name
            FROM cdc.change_tables ct
            JOIN cdc.captured_columns cc ON cc.object_id = ct.object_id
            ORDER BY 1, 2, ct.create_date, ct.capture_instance, cc.column_ordinal""";

    static final String CT_CURRENT_VERSION = "SELECT CHANGE_TRACKING_CURRENT_VERSION()";

    static String ctMinValidVersion(TableId table) {
        return "SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(" + SqlServerIdentifiers.literal(SqlServerIdentifiers.quote(table)) + "))";
    }

    /**
     * A Change Tracking change query and where each value it reads stands in its select list, both
     * built by {@link #ctChanges} from one list, so that no reader counts columns by itself.
     *
     * @param sql      the query; parameter 1 is the applied version (exclusive), 2 the cycle's upper bound (inclusive)
     * @param selected the select list, in order
     * @param present  1-based position of the flag that is 1 when the changed key's row still exists
     * @param keys     1-based positions of the key columns read from the change table, in key order
     * @param values   1-based positions of the table's columns read from the table, in column order
     */
    record ChangeQuery(String sql, List<String> selected, int present, int[] keys, int[] values) {
    }

    /**
     * The net changes to {@code table} after version {@code ?1} up to version {@code ?2}, joined
     * back to the table for the current values: one row per changed key, ordered by version.
     * Each key column is read from the change table (the only place a deleted row's key is left)
     * through the same expression the full load reads it with ({@code keyExpressions}, on alias
     * {@code ct}), so that a delete finds the row the full load wrote even for a key of a converted
     * type (hierarchyid, sql_variant); the table's columns are read through {@code expressions} on
     * alias {@code t}.
     *
     * @param keyColumns     the primary key's columns, in key order (the join)
     * @param keyExpressions the full load's select expression of each key column, unqualified
     * @param expressions    the full load's select expression of each column read, unqualified
     */
    static ChangeQuery ctChanges(TableId table, List<String> keyColumns, List<String> keyExpressions, List<String> expressions) {
        if (keyColumns.isEmpty() || keyColumns.size() != keyExpressions.size()) {
            throw new IllegalArgumentException("table " + table + ": " + keyColumns.size() + " key column(s) and "
                    + keyExpressions.size() + " key expression(s)");
        }
        String t = SqlServerIdentifiers.quote(table);
        List<String> selected = new ArrayList<>();
        selected.add("CAST(CASE WHEN t." + SqlServerIdentifiers.quote(keyColumns.get(0)) + " IS NULL THEN 0 ELSE 1 END AS bit)");
        int present = selected.size();
        int[] keys = new int[keyColumns.size()];
        StringJoiner join = new StringJoiner(" AND ");
        for (int k = 0; k < keys.length; k++) {
            String q = SqlServerIdentifiers.quote(keyColumns.get(k));
            join.add("t." + q + " = ct." + q);
            selected.add(qualify("ct", keyExpressions.get(k)));
            keys[k] = selected.size();
        }
        int[] values = new int[expressions.size()];
        for (int i = 0; i < values.length; i++) {
            selected.add(qualify("t", expressions.get(i)));
            values[i] = selected.size();
        }
        String sql = "SELECT " + String.join(", ", selected) + " FROM CHANGETABLE(CHANGES " + t + ", ?) AS ct LEFT JOIN " + t
                + " AS t ON " + join + " WHERE ct.SYS_CHANGE_VERSION <= ? ORDER BY ct.SYS_CHANGE_VERSION";
        return new ChangeQuery(sql, List.copyOf(selected), present, keys, values);
    }

    /** Prefixes the bracketed column references of a select expression with table alias {@code alias}. */
    static String qualify(String alias, String expression) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        boolean inString = false;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c == '\'') {
                inString = !inString;
                sb.append(c);
                i++;
            } else if (c == '[' && !inString) {
                int end = i + 1;
                while (end < expression.length()) {
                    if (expression.charAt(end) == ']') {
                        if (end + 1 < expression.length() && expression.charAt(end + 1) == ']') {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                boolean member = i > 0 && expression.charAt(i - 1) == '.';
                sb.append(member ? "" : alias + ".").append(expression, i, end + 1);
                i = end + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    /** What a DBA runs to capture a column added after the table's capture instance was created. */
    static String newCaptureInstanceAdvice(TableId table) {
        String name = table.schema() + "_" + table.name() + "_v2";
        return "Create a new capture instance that includes it (SQL Server allows two per table; Ferry moves to the newer "
                + "one by itself): EXEC sys.sp_cdc_enable_table @source_schema = " + SqlServerIdentifiers.literal(table.schema())
                + ", @source_name = " + SqlServerIdentifiers.literal(table.name()) + ", @role_name = NULL, @capture_instance = "
                + SqlServerIdentifiers.literal(name) + "; then, once Ferry has passed the new instance's start, drop the old "
                + "one with EXEC sys.sp_cdc_disable_table @source_schema = " + SqlServerIdentifiers.literal(table.schema())
                + ", @source_name = " + SqlServerIdentifiers.literal(table.name()) + ", @capture_instance = N'<old instance>'; "
                + "the column's values before the new instance are loaded by a reload of the table";
    }

    // --- Ferry's sync marker table (see SyncMarker) and the hand-over of keyless tables (see KeylessSnapshot) ---

    /** Creates the marker table and captures it, each only when not done yet: safe to run again. */
    static List<String> createSyncMarker() {
        return List.of("IF OBJECT_ID(N'dbo.ferry_sync_marker', N'U') IS NULL CREATE TABLE dbo.ferry_sync_marker "
                        + "(task nvarchar(128) NOT NULL PRIMARY KEY, token varchar(36) NOT NULL, written_at datetime2 NOT NULL)",
                "IF EXISTS (SELECT 1 FROM sys.tables WHERE object_id = OBJECT_ID(N'dbo.ferry_sync_marker') AND is_tracked_by_cdc = 0) "
                        + "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'ferry_sync_marker', @role_name = NULL");
    }

    /**
     * Removes the row of task {@code ?} from the marker table, when the table exists ({@code ferry drop});
     * the result is the number of rows removed.
     */
    static final String DROP_SYNC_MARKER = "IF OBJECT_ID(N'dbo.ferry_sync_marker', N'U') IS NOT NULL "
            + "DELETE FROM dbo.ferry_sync_marker WHERE task = CAST(? AS nvarchar(128)); SELECT @@ROWCOUNT";

    /** Writes token {@code ?2} into the row of task {@code ?1}: one row per task, the change table keeps every token. */
    static final String WRITE_SYNC_MARKER = "MERGE dbo.ferry_sync_marker WITH (HOLDLOCK) AS m "
            + "USING (SELECT CAST(? AS nvarchar(128)) AS task, CAST(? AS varchar(36)) AS token) AS s ON m.task = s.task "
            + "WHEN MATCHED THEN UPDATE SET token = s.token, written_at = SYSUTCDATETIME() "
            + "WHEN NOT MATCHED THEN INSERT (task, token, written_at) VALUES (s.task, s.token, SYSUTCDATETIME());";

    /**
     * The commit LSN of the last write of token {@code ?} in the change table of the marker's
     * capture instance: an insert (2) or the after image of an update (4); a later overwrite of the
     * token leaves it in a before image (3), which does not count.
     */
    static String syncMarkerLsn(String captureInstance) {
        return "SELECT MAX(__$start_lsn) FROM cdc." + SqlServerIdentifiers.quote(captureInstance + "_CT")
                + " WHERE token = ? AND __$operation IN (2, 4)";
    }

    /** How long one attempt at the hand-over's table lock waits, so that writers never queue behind it for longer. */
    static final String LOCK_TIMEOUT = "SET LOCK_TIMEOUT " + KeylessSnapshot.LOCK_WAIT_MILLIS;

    /**
     * A shared table lock held to the end of the transaction. It must read the table (TOP (1), not
     * TOP (0), which the optimizer answers without touching the table, and hints of a table the plan
     * does not access are ignored); it is granted once no transaction that wrote the table is open,
     * and holds off new writers.
     */
    static String lockForHandoff(TableId table) {
        return "SELECT COUNT_BIG(*) FROM (SELECT TOP (1) 1 AS x FROM " + SqlServerIdentifiers.quote(table) + " WITH (TABLOCK, HOLDLOCK)) AS l";
    }

    /** The first read of a SNAPSHOT transaction, which fixes its snapshot (BEGIN TRANSACTION does not). */
    static String startSnapshot(TableId table) {
        return "SELECT COUNT_BIG(*) FROM (SELECT TOP (1) 1 AS x FROM " + SqlServerIdentifiers.quote(table) + ") AS s";
    }

    static String allowSnapshotIsolation(String database) {
        return "ALTER DATABASE " + SqlServerIdentifiers.quote(database) + " SET ALLOW_SNAPSHOT_ISOLATION ON";
    }

    /**
     * Enables MS-CDC on the database, Ferry's sync marker table (unless {@code markerReady}) and
     * each table (skipping what is enabled already).
     */
    static List<String> enableCdc(String database, boolean databaseEnabled, boolean markerReady, List<TableId> tables) {
        List<String> sql = new ArrayList<>();
        if (!databaseEnabled) {
            sql.add("EXEC sys.sp_cdc_enable_db");
        }
        if (!markerReady) {
            sql.addAll(createSyncMarker());
        }
        for (TableId t : tables) {
            sql.add("EXEC sys.sp_cdc_enable_table @source_schema = " + SqlServerIdentifiers.literal(t.schema())
                    + ", @source_name = " + SqlServerIdentifiers.literal(t.name()) + ", @role_name = NULL, @supports_net_changes = 0");
        }
        return sql;
    }

    /** Enables Change Tracking on the database (2 days' retention, auto cleanup) and each table. */
    static List<String> enableChangeTracking(String database, boolean databaseEnabled, List<TableId> tables) {
        List<String> sql = new ArrayList<>();
        if (!databaseEnabled) {
            sql.add("ALTER DATABASE " + SqlServerIdentifiers.quote(database)
                    + " SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 2 DAYS, AUTO_CLEANUP = ON)");
        }
        for (TableId t : tables) {
            sql.add("ALTER TABLE " + SqlServerIdentifiers.quote(t) + " ENABLE CHANGE_TRACKING WITH (TRACK_COLUMNS_UPDATED = OFF)");
        }
        return sql;
    }
}
