package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkReader;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Streams one table (or key range) with a forward-only, read-only SELECT. The driver's adaptive
 * response buffering hands rows over as they come off the socket, so memory stays bounded
 * whatever the table size. Each value is converted exactly once, straight into the row array.
 */
final class SqlServerBulkReader implements BulkReader {

    private final SqlServerConnector connector;
    private final TableSchema table;
    private final SqlServerTypes.Read[] reads;
    private final String sql;
    private final Prologue prologue;
    private volatile Connection conn;
    private volatile Statement statement;

    /**
     * Work on the reading connection before the read, such as fixing a snapshot
     * ({@link KeylessSnapshot}); it may leave the connection in a transaction, which is committed
     * after the last row.
     */
    @FunctionalInterface
    interface Prologue {
        void begin(Connection reading) throws SQLException, InterruptedException;
    }

    SqlServerBulkReader(SqlServerConnector connector, TableSchema table, SqlServerTypes.Read[] reads, String sql) {
        this(connector, table, reads, sql, null);
    }

    /** @param prologue run on the reading connection first; null for none */
    SqlServerBulkReader(SqlServerConnector connector, TableSchema table, SqlServerTypes.Read[] reads, String sql, Prologue prologue) {
        this.connector = connector;
        this.table = table;
        this.reads = reads;
        this.sql = sql;
        this.prologue = prologue;
    }

    String sql() {
        return sql;
    }

    @Override
    public long read(RowSink sink) throws InterruptedException {
        long rows = 0;
        int n = reads.length;
        try {
            conn = connector.open();
            if (prologue != null) {
                prologue.begin(conn);
            }
            statement = conn.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            statement.setFetchSize(8192);
            try (ResultSet rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        try {
                            row[i] = SqlServerValues.read(rs, i + 1, reads[i]);
                        } catch (SQLException | RuntimeException e) {
                            throw new SourceException("table " + table.id() + ", column " + table.columns().get(i).name()
                                    + ": cannot read the value: " + e.getMessage(), e);
                        }
                    }
                    sink.accept(row);
                    rows++;
                    if ((rows & 0x3ff) == 0 && Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("read of " + table.id() + " interrupted");
                    }
                }
            }
            if (prologue != null && !conn.getAutoCommit()) {
                conn.commit();
            }
            return rows;
        } catch (SQLException e) {
            throw connector.failure("reading table " + table.id() + " failed", e);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        Statement s = statement;
        statement = null;
        if (s != null) {
            try {
                // stops the server sending the rest of a table nobody reads any more
                s.cancel();
                s.close();
            } catch (SQLException e) {
                // the connection is released right after
            }
        }
        Connection c = conn;
        conn = null;
        connector.release(c);
    }
}
