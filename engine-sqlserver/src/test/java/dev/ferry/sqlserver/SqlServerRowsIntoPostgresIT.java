package dev.ferry.sqlserver;

import dev.ferry.core.Endpoints;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkWriter;
import dev.ferry.core.spi.ChangeApplier;
import dev.ferry.core.spi.Checkpoint;
import dev.ferry.core.spi.Target;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.core.task.NetChangeReducer;
import dev.ferry.debezium.RecordConverter;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seam between the SQL Server source and the PostgreSQL target, on a real (embedded)
 * PostgreSQL: the table a SQL Server catalog describes is created with its mapped types, rows and
 * changes converted from records the Debezium SQL Server connector builds are loaded by binary COPY
 * and applied by the batch applier, and what PostgreSQL holds is exactly what was converted.
 */
class SqlServerRowsIntoPostgresIT {

    static TargetDb target;

    @BeforeAll
    static void start() throws Exception {
        target = new TargetDb();
    }

    @AfterAll
    static void stop() throws Exception {
        target.close();
    }

    static Object[] converted(SqlServerRecords records, SourceRecord record) {
        ChangeEvent e = ((RecordConverter.Change) records.convert(record)).event();
        return e instanceof ChangeEvent.Insert i ? i.after() : ((ChangeEvent.Update) e).after();
    }

    static Struct nullRow(int id) {
        List<SqlServerRecordsTest.Col> nulls = new ArrayList<>();
        for (SqlServerRecordsTest.Col c : SqlServerRecordsTest.columns(id)) {
            nulls.add(c.nativeColumn().name().equals("id") ? c : new SqlServerRecordsTest.Col(c.nativeColumn(), c.jdbcType(), null));
        }
        return SqlServerRecordsTest.row(nulls);
    }

    @Test
    @DisplayName("when rows and changes converted from SQL Server records reach PostgreSQL, then it holds them exactly")
    void edgeValuesThroughLoadAndApply() throws Exception {
        TableSchema schema = SqlServerRecordsTest.tableSchema();
        SqlServerRecords records = new SqlServerRecords(List.of(schema));
        String c = SqlServerRecordsTest.COMMIT;
        String ch = SqlServerRecordsTest.CHANGE;
        Object[] one = converted(records, SqlServerRecordsTest.record("r", null, SqlServerRecordsTest.row(SqlServerRecordsTest.columns(1)), c, ch, 1));
        Object[] two = converted(records, SqlServerRecordsTest.record("r", null, SqlServerRecordsTest.row(SqlServerRecordsTest.columns(2)), c, ch, 1));
        Object[] empty = converted(records, SqlServerRecordsTest.record("r", null, nullRow(3), c, ch, 1));
        String db = target.newDatabase();
        try (Target t = Endpoints.target(target.endpoint(db))) {
            t.prepareControlTables("seam", "ferry");
            t.prepareTable(schema, TargetTablePrepMode.DROP_AND_CREATE);
            try (BulkWriter w = t.openBulkWriter(schema)) {
                w.write(one);
                w.write(two);
                w.write(empty);
                assertThat(w.finish()).isEqualTo(3);
            }
            try (Connection pg = target.connect(db)) {
                Rows.assertSame(schema, List.of(one, two, empty), Rows.target(pg, schema));
                try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT dt2::text, t::text, m::text, d38::text, u::text, pg_typeof(dto_east)::text, pg_typeof(c)::text, "
                                + "format_type(atttypid, atttypmod) FROM dbo.every_type, pg_attribute "
                                + "WHERE id = 1 AND attrelid = 'dbo.every_type'::regclass AND attname = 'nvmax'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("9999-12-31 23:59:59.999999");
                    assertThat(rs.getString(2)).isEqualTo("23:59:59.999999");
                    assertThat(rs.getString(3)).isEqualTo("-922337203685477.5808");
                    assertThat(rs.getString(4)).isEqualTo("99999999999999999999999999999999999999");
                    assertThat(rs.getString(5)).isEqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff");
                    assertThat(rs.getString(6)).isEqualTo("timestamp with time zone");
                    assertThat(rs.getString(7)).isEqualTo("character");
                    assertThat(rs.getString(8)).isEqualTo("text");
                }
            }

            // CDC: an update of row 1 (every column to row 4's values but its key), a delete of row 2, an insert of row 5
            Object[] changed = converted(records, SqlServerRecordsTest.record("u",
                    SqlServerRecordsTest.row(SqlServerRecordsTest.columns(1)), SqlServerRecordsTest.row(SqlServerRecordsTest.columns(1)),
                    "0000002b:00000010:0002", "0000002b:00000008:0002", 1));
            changed[19] = "changed";
            Object[] five = converted(records, SqlServerRecordsTest.record("c", null, SqlServerRecordsTest.row(SqlServerRecordsTest.columns(5)),
                    "0000002b:00000010:0002", "0000002b:00000009:0002", 1));
            ChangeEvent delete = ((RecordConverter.Change) records.convert(SqlServerRecordsTest.record("d",
                    SqlServerRecordsTest.row(SqlServerRecordsTest.columns(2)), null, "0000002b:00000010:0002", "0000002b:0000000a:0002", 1))).event();
            NetChangeReducer reducer = new NetChangeReducer(Map.of(schema.id(), schema));
            reducer.add(new ChangeEvent.Update(schema.id(), one, changed));
            reducer.add(delete);
            reducer.add(new ChangeEvent.Insert(schema.id(), five));
            SqlServerPosition position = SqlServerPosition.Cdc.of(Map.of("server", "ferry-seam", "database", "shop"),
                    Map.of("commit_lsn", "0000002b:00000010:0002", "change_lsn", "0000002b:0000000a:0002", "event_serial_no", 1L));
            try (ChangeApplier applier = t.openChangeApplier("seam", List.of(schema))) {
                applier.apply(reducer.toBatch(), new Checkpoint(Checkpoint.Phase.CDC, position.serialize()));
            }
            try (Connection pg = target.connect(db)) {
                Rows.assertSame(schema, List.of(changed, empty, five), Rows.target(pg, schema));
            }
            Checkpoint stored = t.readCheckpoint("seam").orElseThrow();
            assertThat(SqlServerPosition.parse(stored.position())).isEqualTo(position);
        }
    }
}
