package dev.ferry.postgres.target;

import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkWriter;
import dev.ferry.postgres.PgConnector;
import dev.ferry.postgres.PgIdentifiers;

import java.sql.Connection;
import java.sql.SQLException;

/** Full load of one table: one binary COPY in one transaction on a dedicated connection. */
final class PgBulkWriter implements BulkWriter {

    private final PgConnector connector;
    private final TableSchema table;
    private Connection conn;
    private PgCopyWriter copy;
    private boolean done;

    PgBulkWriter(PgConnector connector, TableSchema table) {
        this.connector = connector;
        this.table = table;
        try {
            conn = connector.open(new java.util.Properties());
            conn.setAutoCommit(false);
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
            try {
                if (!done) {
                    conn.rollback();
                }
            } catch (SQLException e) {
                // closing below releases the transaction anyway
            }
            try {
                conn.close();
            } catch (SQLException e) {
                // nothing left to release
            }
            conn = null;
        }
    }
}
