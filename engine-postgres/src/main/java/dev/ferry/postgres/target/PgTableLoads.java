package dev.ferry.postgres.target;

import dev.ferry.core.TargetException;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.postgres.PgIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The table loads of each task, in {@code <control schema>.ferry_table_loads}: one row per task and
 * table, written by the load's own transaction ({@link PgBulkWriter}), so that a table's rows and
 * the record of their load commit together or not at all. A row says: task T loaded table X,
 * consistent with source position P (null for a full-load-only task), R rows, into a table that
 * held B rows before; for a load split into ranges, how many ranges it has and how many committed
 * (the table counts as loaded when all did). A restart of an interrupted full load keeps the tables loaded at its
 * position; a row left for a table the task loads again is a load that committed but did not count
 * (the task stopped before it recorded the table as loaded), which {@link #settle} resolves.
 * Rows are forgotten once a checkpoint counts their tables.
 */
final class PgTableLoads {

    private static final Logger LOG = LoggerFactory.getLogger(PgTableLoads.class);
    static final String TABLE = "ferry_table_loads";

    private PgTableLoads() {
    }

    static String table(String controlSchema) {
        return PgIdentifiers.quote(controlSchema) + "." + PgIdentifiers.quote(TABLE);
    }

    static String createSql(String controlSchema) {
        return "CREATE TABLE IF NOT EXISTS " + table(controlSchema) + " (task_name text NOT NULL, table_schema text NOT NULL, "
                + "table_name text NOT NULL, position text, rows bigint NOT NULL, rows_before bigint NOT NULL, "
                + "loaded_at timestamptz NOT NULL, ranges int, ranges_done int, PRIMARY KEY (task_name, table_schema, table_name))";
    }

    /** Made before loads were split into ranges: its rows keep NULL there, one whole load each. */
    static String addRangesSql(String controlSchema) {
        return "ALTER TABLE " + table(controlSchema) + " ADD COLUMN IF NOT EXISTS ranges int, ADD COLUMN IF NOT EXISTS ranges_done int";
    }

    /**
     * Parameters: task, schema, table, position, rows, rows before, ranges. A load in one range
     * writes its record; each range of a load split into several adds its rows to the record of the
     * same load (same position and number of ranges, not complete yet), counts itself in
     * {@code ranges_done}, and keeps the smallest rows-before any range saw: the first range to
     * commit began before any other had committed, so that is the count from before the load.
     */
    static String recordSql(String controlSchema) {
        String same = "l.position IS NOT DISTINCT FROM EXCLUDED.position AND l.ranges = EXCLUDED.ranges AND l.ranges > 1 "
                + "AND l.ranges_done < l.ranges";
        return "INSERT INTO " + table(controlSchema) + " AS l (task_name, table_schema, table_name, position, rows, rows_before, "
                + "loaded_at, ranges, ranges_done) VALUES (?, ?, ?, ?, ?, ?, now(), ?, 1) ON CONFLICT (task_name, table_schema, "
                + "table_name) DO UPDATE SET position = EXCLUDED.position, "
                + "rows = CASE WHEN " + same + " THEN l.rows + EXCLUDED.rows ELSE EXCLUDED.rows END, "
                + "rows_before = CASE WHEN " + same + " THEN least(l.rows_before, EXCLUDED.rows_before) ELSE EXCLUDED.rows_before END, "
                + "ranges_done = CASE WHEN " + same + " THEN l.ranges_done + 1 ELSE 1 END, "
                + "ranges = EXCLUDED.ranges, loaded_at = EXCLUDED.loaded_at";
    }

    /**
     * The rows-before of a load in {@code ranges} ranges at {@code position} that a range of it
     * recorded already, in the caller's transaction; -1 when none did. A range that starts after
     * another committed takes it instead of counting a table that holds that range's rows.
     */
    static long recordedRowsBefore(Connection c, String controlSchema, String taskName, TableId table, String position,
                                   int ranges) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rows_before FROM " + table(controlSchema) + " WHERE task_name = ? "
                + "AND table_schema = ? AND table_name = ? AND position IS NOT DISTINCT FROM ? AND ranges = ? AND ranges_done < ranges")) {
            ps.setString(1, taskName);
            ps.setString(2, table.schema());
            ps.setString(3, table.name());
            ps.setString(4, position);
            ps.setInt(5, ranges);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The rows {@code table} holds, in the caller's transaction: 0 quickly when it is empty. */
    static long rowsIn(Connection c, TableId table) throws SQLException {
        String name = PgIdentifiers.quote(table);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT CASE WHEN EXISTS (SELECT 1 FROM " + name + ") THEN (SELECT count(*) FROM "
                     + name + ") ELSE 0 END")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Set<TableId> loaded(Connection c, String controlSchema, String taskName, String position) throws SQLException {
        Set<TableId> tables = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_schema, table_name FROM " + table(controlSchema)
                + " WHERE task_name = ? AND position IS NOT DISTINCT FROM ? AND (ranges IS NULL OR ranges_done >= ranges)")) {
            ps.setString(1, taskName);
            ps.setString(2, position);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return tables;
    }

    static void forget(Connection c, String controlSchema, String taskName, Collection<TableId> tables) throws SQLException {
        if (tables.isEmpty()) {
            return;
        }
        String[] schemas = new String[tables.size()];
        String[] names = new String[tables.size()];
        int i = 0;
        for (TableId t : tables) {
            schemas[i] = t.schema();
            names[i++] = t.name();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(controlSchema) + " WHERE task_name = ? AND "
                + "(table_schema, table_name) IN (SELECT * FROM unnest(?::text[], ?::text[]))")) {
            ps.setString(1, taskName);
            ps.setArray(2, c.createArrayOf("text", schemas));
            ps.setArray(3, c.createArrayOf("text", names));
            ps.executeUpdate();
        }
    }

    /** Removes every load record of the task; returns how many there were. */
    static int forgetAll(Connection c, String controlSchema, String taskName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(controlSchema) + " WHERE task_name = ?")) {
            ps.setString(1, taskName);
            return ps.executeUpdate();
        }
    }

    /**
     * Before task {@code taskName} loads {@code table} (which exists) again, in the caller's
     * transaction: a load of it the task recorded committed but did not count. Other prepare modes
     * empty the table anyway. Under DO_NOTHING, its rows are removed when they are all the table
     * held; when it held other rows too, the load goes on only if the table holds those alone again
     * or nothing (the user removed Ferry's rows), and is refused otherwise. The record is removed:
     * the new load writes its own. A load split into ranges of which only some committed is settled
     * the same way: its record holds the rows of those ranges and the count from before the load.
     */
    static void settle(Connection c, String controlSchema, String taskName, TableSchema table, TargetTablePrepMode mode)
            throws SQLException {
        long rows;
        long before;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(controlSchema)
                + " WHERE task_name = ? AND table_schema = ? AND table_name = ? RETURNING rows, rows_before")) {
            ps.setString(1, taskName);
            ps.setString(2, table.id().schema());
            ps.setString(3, table.id().name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                rows = rs.getLong(1);
                before = rs.getLong(2);
            }
        }
        if (mode != TargetTablePrepMode.DO_NOTHING) {
            return;
        }
        String name = PgIdentifiers.quote(table.id());
        if (before == 0) {
            try (Statement st = c.createStatement()) {
                st.execute("TRUNCATE " + name);
            }
            LOG.info("task {}: table {} held the {} rows of an earlier load by the task that committed but did not count "
                    + "(the task stopped before it recorded the table as loaded), and nothing else: emptied, to load it again",
                    taskName, table.id(), rows);
            return;
        }
        long now = rowsIn(c, table.id());
        if (now != before && now != 0) {
            throw new TargetException("table " + table.id() + ": task " + taskName + " loaded " + rows + " row(s) into it "
                    + "before, on top of the " + before + " it held, and stopped before it recorded the table as loaded, so it "
                    + "loads the table again; with TargetTablePrepMode DO_NOTHING Ferry keeps the rows it did not load and cannot "
                    + "tell its own from those (the table holds " + now + " now). Remove the " + rows + " row(s) it loaded (so that "
                    + "the table holds its " + before + " again), or empty it (TRUNCATE " + table.id() + "), then start the task again");
        }
    }
}
