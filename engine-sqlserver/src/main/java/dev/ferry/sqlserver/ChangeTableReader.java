package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Reads columns of one change row again from the change table of its capture instance, with
 * Ferry's own connection and the full load's reads ({@link SqlServerValues#read}): the exact value
 * of a temporal column that Debezium's connector may have received moved ({@link
 * SqlServerRecords}). Rare (one hour a year per zone with daylight saving time), so one short
 * query each, on a small pool of its own that connects on first use.
 *
 * <p>The change row is the one with the change's {@code __$start_lsn} (Debezium's commit LSN),
 * {@code __$seqval} (its change LSN) and {@code __$operation} in the image's operations, in the
 * newest capture instance of the table that started at or before the commit LSN (an older one
 * carries the same row while both exist). Reading {@code cdc.<instance>_CT} needs SELECT on it,
 * which the assessment checks for MS-CDC anyway.
 */
final class ChangeTableReader implements SqlServerRecords.ChangeRows, AutoCloseable {

    static final String INSTANCES = "SELECT capture_instance FROM cdc.change_tables WHERE source_object_id = OBJECT_ID(?) "
            + "AND start_lsn <= ? ORDER BY start_lsn DESC, create_date DESC";

    private final SqlServerConnector connector;

    ChangeTableReader(SqlServerEndpoint endpoint) {
        this.connector = new SqlServerConnector(endpoint, "ferry-cdc-reread");
    }

    /** The query for {@code columns} of a change row of capture instance {@code instance}. */
    static String select(String instance, List<String> expressions) {
        StringJoiner select = new StringJoiner(", ");
        expressions.forEach(select::add);
        return "SELECT " + select + " FROM cdc." + SqlServerIdentifiers.quote(instance + "_CT")
                + " WHERE __$start_lsn = ? AND __$seqval = ? AND __$operation IN (?, ?)";
    }

    /** How a column of this neutral type is read again: as the full load reads it. */
    static SqlServerTypes.Read read(Column c) {
        return switch (c.type().kind()) {
            case DATE -> SqlServerTypes.Read.DATE;
            case TIME -> SqlServerTypes.Read.TIME;
            case TIMESTAMP -> SqlServerTypes.Read.DATETIME;
            case TIMESTAMPTZ -> SqlServerTypes.Read.DATETIMEOFFSET;
            default -> throw new IllegalArgumentException("column " + c.name() + " (" + c.type() + ") is never read again");
        };
    }

    /** The select expression of a column read again: the full load's (a datetimeoffset in its UTC form). */
    static String expression(Column c) {
        String q = SqlServerIdentifiers.quote(c.name());
        return read(c) == SqlServerTypes.Read.DATETIMEOFFSET ? SqlServerTypes.utc(q) : q;
    }

    @Override
    public Object[] read(TableSchema table, Lsn commitLsn, Lsn changeLsn, int[] operations, int[] columns) {
        List<String> expressions = new ArrayList<>(columns.length);
        SqlServerTypes.Read[] reads = new SqlServerTypes.Read[columns.length];
        for (int k = 0; k < columns.length; k++) {
            Column c = table.columns().get(columns[k]);
            expressions.add(expression(c));
            reads[k] = read(c);
        }
        String where = "table " + table.id() + ", change at commit LSN " + commitLsn + ", change LSN " + changeLsn;
        try (Connection c = connector.pooled()) {
            List<String> instances = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(INSTANCES)) {
                st.setString(1, SqlServerIdentifiers.quote(table.id()));
                st.setBytes(2, commitLsn.bytes());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        instances.add(rs.getString(1));
                    }
                }
            }
            for (String instance : instances) {
                try (PreparedStatement st = c.prepareStatement(select(instance, expressions))) {
                    st.setBytes(1, commitLsn.bytes());
                    st.setBytes(2, changeLsn.bytes());
                    st.setInt(3, operations[0]);
                    st.setInt(4, operations[1]);
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        Object[] values = new Object[columns.length];
                        for (int k = 0; k < columns.length; k++) {
                            values[k] = SqlServerValues.read(rs, k + 1, reads[k]);
                        }
                        if (rs.next()) {
                            throw new SourceException(where + ": more than one change row in cdc." + instance + "_CT");
                        }
                        return values;
                    }
                }
            }
            throw new SourceException(where + ": the change row is not in the change table any more (the CDC cleanup job "
                    + "removed it), so its " + table.columns().get(columns[0]).name() + " value, which the JVM's default time zone "
                    + "or calendar may have moved, cannot be read exactly; reload the table (ferry run --reload), and keep the "
                    + "cleanup job's retention longer than the task's lag");
        } catch (SQLException e) {
            throw connector.failure(where + ": reading " + table.columns().get(columns[0]).name() + " again from the change table failed",
                    e);
        }
    }

    @Override
    public void close() {
        connector.close();
    }
}
