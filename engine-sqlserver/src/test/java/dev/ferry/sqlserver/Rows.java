package dev.ferry.sqlserver;

import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.EndpointConfig;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares a source table, read by Ferry's SQL Server reader (whose conversions the unit tests
 * prove value by value), with its copy in PostgreSQL, read back through pgjdbc into the same
 * classes. Rows are compared whole, sorted by their first column.
 */
final class Rows {

    private Rows() {
    }

    static List<Object[]> source(EndpointConfig source, TableId table) throws InterruptedException {
        try (SqlServerSource s = new SqlServerSourceFactory().createSource(source)) {
            TableSchema schema = s.discover().stream().filter(t -> t.id().equals(table)).findFirst().orElseThrow();
            List<Object[]> rows = new ArrayList<>();
            try (BulkReader r = s.openBulkReader(schema, null)) {
                r.read(rows::add);
            }
            return sorted(rows);
        }
    }

    static List<Object[]> target(Connection pg, TableSchema schema) throws SQLException {
        StringJoiner cols = new StringJoiner(", ");
        for (Column c : schema.columns()) {
            cols.add("\"" + c.name() + "\"");
        }
        List<Object[]> rows = new ArrayList<>();
        try (Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + cols + " FROM \"" + schema.id().schema() + "\".\"" + schema.id().name() + "\"")) {
            while (rs.next()) {
                Object[] row = new Object[schema.columns().size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = value(rs, i + 1, schema.columns().get(i));
                }
                rows.add(row);
            }
        }
        return sorted(rows);
    }

    private static Object value(ResultSet rs, int i, Column c) throws SQLException {
        Object v = switch (c.type().kind()) {
            case BOOLEAN -> rs.getBoolean(i);
            case INT16 -> rs.getShort(i);
            case INT32 -> rs.getInt(i);
            case INT64 -> rs.getLong(i);
            case FLOAT32 -> rs.getFloat(i);
            case FLOAT64 -> rs.getDouble(i);
            case DECIMAL -> rs.getBigDecimal(i);
            case BYTES -> rs.getBytes(i);
            case UUID -> rs.getObject(i, UUID.class);
            case DATE -> rs.getObject(i, LocalDate.class);
            case TIME -> rs.getObject(i, LocalTime.class);
            case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
            case TIMESTAMPTZ -> {
                OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                yield t == null ? null : t.toInstant();
            }
            default -> rs.getString(i);
        };
        return rs.wasNull() ? null : v;
    }

    private static List<Object[]> sorted(List<Object[]> rows) {
        rows.sort(Comparator.comparing(r -> (Comparable) r[0], Comparator.nullsFirst(Comparator.naturalOrder())));
        return rows;
    }

    /** Asserts equal rows, naming the first differing row and column. */
    static void assertSame(TableSchema schema, List<Object[]> expected, List<Object[]> actual) {
        assertThat(actual).as("rows of %s", schema.id()).hasSameSizeAs(expected);
        for (int r = 0; r < expected.size(); r++) {
            for (int c = 0; c < schema.columns().size(); c++) {
                Object e = expected.get(r)[c];
                Object a = actual.get(r)[c];
                if (e instanceof byte[] eb && a instanceof byte[] ab) {
                    assertThat(ab).as("%s row %s column %s", schema.id(), expected.get(r)[0], schema.columns().get(c).name()).isEqualTo(eb);
                } else if (e instanceof java.math.BigDecimal ed && a instanceof java.math.BigDecimal ad) {
                    assertThat(ad).as("%s row %s column %s", schema.id(), expected.get(r)[0], schema.columns().get(c).name())
                            .isEqualByComparingTo(ed);
                } else {
                    assertThat(a).as("%s row %s column %s: %s vs %s", schema.id(), expected.get(r)[0], schema.columns().get(c).name(),
                            Arrays.toString(expected.get(r)), Arrays.toString(actual.get(r))).isEqualTo(e);
                }
            }
        }
    }
}
