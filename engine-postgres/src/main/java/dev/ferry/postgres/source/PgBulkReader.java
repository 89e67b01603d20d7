package dev.ferry.postgres.source;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.postgres.PgBinary;
import dev.ferry.postgres.PgConnector;
import dev.ferry.postgres.PgType;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads a table with {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} and decodes each row
 * into an {@code Object[]}. Parses the stream across CopyData messages with one reused buffer.
 */
final class PgBulkReader implements BulkReader {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final PgConnector connector;
    private final TableSchema table;
    private final PgType[] wire;
    private final String sql;
    private final String snapshot;
    private volatile Connection conn;
    private volatile CopyOut copy;

    // parse state: the unread bytes of the stream live in buf[pos, lim)
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;

    PgBulkReader(PgConnector connector, TableSchema table, PgType[] wire, String sql, String snapshot) {
        this.connector = connector;
        this.table = table;
        this.wire = wire;
        this.sql = sql;
        this.snapshot = snapshot;
    }

    @Override
    public long read(RowSink sink) throws InterruptedException {
        long rows = 0;
        try {
            // one COPY as long as the table is big, and a snapshot to import: no statement or transaction limit
            conn = connector.openUntimed(new java.util.Properties());
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                if (snapshot != null) {
                    st.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
                }
            }
            copy = conn.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
            if (!fill(SIGNATURE.length + 8)) {
                throw new SourceException("COPY of " + table.id() + " returned no header");
            }
            for (int i = 0; i < SIGNATURE.length; i++) {
                if (buf[pos + i] != SIGNATURE[i]) {
                    throw new SourceException("COPY of " + table.id() + " returned an unknown binary header");
                }
            }
            pos += SIGNATURE.length + 4;
            int extension = int4();
            if (!fill(extension)) {
                throw new SourceException("COPY of " + table.id() + " ended inside its header");
            }
            pos += extension;
            int n = wire.length;
            while (true) {
                if (!fill(2)) {
                    break;
                }
                short fields = (short) (((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff));
                pos += 2;
                if (fields == -1) {
                    break;
                }
                if (fields != n) {
                    throw new SourceException("COPY of " + table.id() + " returned " + fields + " fields, expected " + n);
                }
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    if (!fill(4)) {
                        throw truncated();
                    }
                    int len = int4();
                    if (len < 0) {
                        continue;
                    }
                    if (!fill(len)) {
                        throw truncated();
                    }
                    try {
                        row[i] = PgBinary.decode(wire[i], buf, pos, len);
                    } catch (RuntimeException e) {
                        throw new SourceException("table " + table.id() + ", column " + table.columns().get(i).name()
                                + ": " + e.getMessage(), e);
                    }
                    pos += len;
                }
                sink.accept(row);
                rows++;
                if ((rows & 0x3ff) == 0 && Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("read of " + table.id() + " interrupted");
                }
            }
            // drain to the end of the COPY so that the connection is usable
            while (copy.isActive() && copy.readFromCopy() != null) {
                // nothing: trailing data after the trailer is not expected
            }
            long reported = copy.getHandledRowCount();
            if (reported >= 0 && reported != rows) {
                throw new SourceException("COPY of " + table.id() + " reported " + reported + " rows, decoded " + rows);
            }
            conn.commit();
            return rows;
        } catch (SQLException e) {
            throw connector.failure("reading table " + table.id() + " failed", e);
        } finally {
            close();
        }
    }

    private SourceException truncated() {
        return new SourceException("COPY of " + table.id() + " ended inside a row");
    }

    private int int4() {
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    /** Makes at least {@code need} unread bytes available; false at the end of the stream. */
    private boolean fill(int need) throws SQLException {
        if (lim - pos >= need) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (lim < need) {
            byte[] chunk = copy.isActive() ? copy.readFromCopy() : null;
            if (chunk == null) {
                return false;
            }
            if (lim + chunk.length > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, lim + chunk.length)];
                System.arraycopy(buf, 0, bigger, 0, lim);
                buf = bigger;
            }
            System.arraycopy(chunk, 0, buf, lim, chunk.length);
            lim += chunk.length;
        }
        return true;
    }

    @Override
    public void close() {
        CopyOut c = copy;
        copy = null;
        if (c != null && c.isActive()) {
            try {
                c.cancelCopy();
            } catch (SQLException e) {
                // the connection is closed right after
            }
        }
        Connection cn = conn;
        conn = null;
        if (cn != null) {
            try {
                cn.close();
            } catch (SQLException e) {
                // already broken; nothing more to release
            }
        }
    }
}
