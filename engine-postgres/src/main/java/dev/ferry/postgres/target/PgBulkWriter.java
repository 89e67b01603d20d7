package dev.ferry.postgres.target;

import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkWriter;
import dev.ferry.postgres.PgConnector;
import dev.ferry.postgres.PgIdentifiers;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Full load of one table, or of one range of it: one binary COPY in one transaction on a dedicated
 * connection; when a task is given, the record of the load ({@link PgTableLoads}) is written in that
 * transaction too.
 */
final class PgBulkWriter implements BulkWriter {

    private final PgConnector connector;
    private final TableSchema table;
    private final String recordSql;
    private final String taskName;
    private final String position;
    private final int ranges;
    private Connection conn;
    private PgCopyWriter copy;
    private long rowsBefore;
    private boolean done;

    /**
     * @param controlSchema where {@link PgTableLoads} lives, or null to record nothing (then taskName, position
     *                      and ranges are unused)
     * @param ranges        how many ranges the table's load is split into; this writer loads one of them
     */
    PgBulkWriter(PgConnector connector, TableSchema table, String controlSchema, String taskName, String position, int ranges) {
        this.connector = connector;
        this.table = table;
        this.recordSql = controlSchema == null ? null : PgTableLoads.recordSql(controlSchema);
        this.taskName = taskName;
        this.position = position;
        this.ranges = ranges;
        try {
            conn = connector.open(new java.util.Properties());
            conn.setAutoCommit(false);
            if (recordSql != null) {
                long recorded = ranges > 1
                        ? PgTableLoads.recordedRowsBefore(conn, controlSchema, taskName, table.id(), position, ranges) : -1;
                rowsBefore = recorded >= 0 ? recorded : PgTableLoads.rowsIn(conn, table.id());
            }
            PgTargetTable target = PgTargetTable.resolve(conn, table);
            // the columns the target generates compute themselves: the source's values for them are not written
            copy = PgCopyWriter.of(target);
            copy.begin(conn, "COPY " + PgIdentifiers.quote(table.id()) + " (" + target.writtenList() + ") FROM STDIN (FORMAT binary)");
        } catch (SQLException e) {
            close();
            throw connector.failure("starting the load of " + table.id() + " failed", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void write(Object[] row) {
        try {
            copy.writeRow(row);
        } catch (SQLException e) {
            throw connector.failure("loading " + table.id() + " failed", e);
        }
    }

    @Override
    public long finish() {
        try {
            long rows = copy.end();
            if (recordSql != null) {
                try (java.sql.PreparedStatement ps = conn.prepareStatement(recordSql)) {
                    ps.setString(1, taskName);
                    ps.setString(2, table.id().schema());
                    ps.setString(3, table.id().name());
                    ps.setString(4, position);
                    ps.setLong(5, rows);
                    ps.setLong(6, rowsBefore);
                    ps.setInt(7, ranges);
                    ps.executeUpdate();
                }
            }
            conn.commit();
            done = true;
            return rows;
        } catch (SQLException e) {
            throw connector.failure("loading " + table.id() + " failed", e);
        }
    }

    @Override
    public void close() {
        if (copy != null && !done) {
            copy.cancel();
        }
        if (conn != null) {
            // no rollback first: closing ends the transaction on the server, and a close from another thread (an
            // abort) between a rollback and the close would let what follows the COPY commit on its own
            try {
                conn.close();
            } catch (SQLException e) {
                // nothing left to release
            }
            conn = null;
        }
    }
}
