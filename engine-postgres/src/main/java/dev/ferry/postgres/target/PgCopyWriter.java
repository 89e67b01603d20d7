package dev.ferry.postgres.target;

import dev.ferry.core.TargetException;
import dev.ferry.core.model.TableId;
import dev.ferry.postgres.ByteSink;
import dev.ferry.postgres.PgBinary;
import dev.ferry.postgres.PgType;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One {@code COPY ... FROM STDIN (FORMAT binary)} in progress: rows are encoded into one reused
 * buffer and sent in 64 KiB pieces; the row count is checked at the end; an unfinished copy is
 * cancelled by {@link #cancel()}.
 */
final class PgCopyWriter {
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final int FLUSH_AT = 1 << 16;

    private final TableId table;
    private final String[] columnNames;
    private final PgType[] types;
    private final int[] positions;
    private final ByteSink sink = new ByteSink(FLUSH_AT + 4096);
    private CopyIn copy;
    private long rows;

    PgCopyWriter(TableId table, String[] columnNames, PgType[] types) {
        this(table, columnNames, types, identity(types.length));
    }

    /**
     * A writer of the row positions {@code positions} only, in that order (the COPY's column list),
     * {@code columnNames} and {@code types} being those of every position of the row.
     */
    PgCopyWriter(TableId table, String[] columnNames, PgType[] types, int[] positions) {
        this.table = table;
        this.columnNames = columnNames;
        this.types = types;
        this.positions = positions;
    }

    /** A writer of the columns the target does not generate, in row order. */
    static PgCopyWriter of(PgTargetTable target) {
        return new PgCopyWriter(target.schema().id(), target.columns(), target.types(), target.written());
    }

    private static int[] identity(int n) {
        int[] result = new int[n];
        for (int i = 0; i < n; i++) {
            result[i] = i;
        }
        return result;
    }

    void begin(Connection conn, String sql) throws SQLException {
        copy = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        rows = 0;
        sink.reset();
        sink.write(HEADER, 0, HEADER.length);
    }

    /** Encodes one row in the column order given at construction. */
    void writeRow(Object[] row) throws SQLException {
        sink.writeShort((short) positions.length);
        encodeValues(row);
        endRow();
    }

    private void encodeValues(Object[] row) {
        for (int i : positions) {
            Object v = row[i];
            if (v == null) {
                sink.writeInt(-1);
                continue;
            }
            try {
                PgBinary.encode(types[i], v, sink);
            } catch (RuntimeException e) {
                throw new TargetException("table " + table + ", column " + columnNames[i] + ": value does not fit "
                        + types[i].name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage(), e);
            }
        }
    }

    private void endRow() throws SQLException {
        rows++;
        if (sink.length() >= FLUSH_AT) {
            flush();
        }
    }

    /**
     * Writes a staging row: the row's values, then the operation as "char" and the 1-based
     * positions of unchanged columns as int4[] (NULL when none).
     */
    void writeRowWith(Object[] row, char op, int[] unchanged) throws SQLException {
        sink.writeShort((short) (positions.length + 2));
        encodeValues(row);
        sink.writeInt(1);
        sink.writeByte(op);
        if (unchanged == null) {
            sink.writeInt(-1);
        } else {
            sink.writeInt(20 + 8 * unchanged.length);
            sink.writeInt(1);          // dimensions
            sink.writeInt(0);          // no NULL elements
            sink.writeInt(23);         // element type int4
            sink.writeInt(unchanged.length);
            sink.writeInt(1);          // lower bound
            for (int u : unchanged) {
                sink.writeInt(4);
                sink.writeInt(u);
            }
        }
        endRow();
    }

    private void flush() throws SQLException {
        copy.writeToCopy(sink.array(), 0, sink.length());
        sink.reset();
        sink.trim(FLUSH_AT + 4096);
    }

    /** Ends the COPY and returns the number of rows the server accepted, checked against the rows sent. */
    long end() throws SQLException {
        sink.writeShort((short) -1);
        flush();
        long accepted = copy.endCopy();
        copy = null;
        if (accepted != rows) {
            throw new TargetException("COPY into " + table + " accepted " + accepted + " rows of " + rows + " sent");
        }
        return accepted;
    }

    void cancel() {
        CopyIn c = copy;
        copy = null;
        if (c != null && c.isActive()) {
            try {
                c.cancelCopy();
            } catch (SQLException e) {
                // the transaction is rolled back or the connection closed right after
            }
        }
    }
}
