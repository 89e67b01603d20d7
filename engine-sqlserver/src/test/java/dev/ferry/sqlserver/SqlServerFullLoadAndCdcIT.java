package dev.ferry.sqlserver;

import dev.ferry.core.Ferry;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Full load and MS-CDC of a table with every type Debezium's SQL Server connector carries, from a
 * real SQL Server 2022 into PostgreSQL: edge values through the load, then inserts, updates, a key
 * change and deletes through CDC, compared row by row; plus the text forms (hierarchyid, spatial,
 * sql_variant) through a full load.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServerFullLoadAndCdcIT extends SqlServerIntegrationTest {

    static final String EVERY_TYPE = """
            CREATE TABLE dbo.every_type (
              id int NOT NULL PRIMARY KEY,
              b bit, ti tinyint, si smallint, i int, bi bigint,
              d38 decimal(38,0), n numeric(18,6), m money, sm smallmoney, r real, f float,
              dt date, t0 time(0), t7 time(7), dtm datetime, sdt smalldatetime, dt2_0 datetime2(0), dt2 datetime2(7),
              dto datetimeoffset(7),
              c nchar(5), vc varchar(50), nvc nvarchar(50), vmax varchar(max), nvmax nvarchar(max), txt text, ntxt ntext,
              bin binary(4), vbin varbinary(50), vbmax varbinary(max), img image,
              u uniqueidentifier, x xml, rv rowversion)""";

    static final String COLUMNS = "id, b, ti, si, i, bi, d38, n, m, sm, r, f, dt, t0, t7, dtm, sdt, dt2_0, dt2, dto, c, vc, nvc, vmax, "
            + "nvmax, txt, ntxt, bin, vbin, vbmax, img, u, x";

    /** Row 1: the maximum of every type; row 2: the minimum; row 3: all NULL. */
    static final String EDGE_ROWS = "INSERT INTO dbo.every_type (" + COLUMNS + ") VALUES "
            + "(1, 1, 255, 32767, 2147483647, 9223372036854775807, 99999999999999999999999999999999999999, 999999999999.999999, "
            + "922337203685477.5807, 214748.3647, 3.40282347E+38, 1.7976931348623157E+308, '9999-12-31', '23:59:59', "
            + "'23:59:59.9999999', '9999-12-31 23:59:59.997', '2079-06-06 23:59', '9999-12-31 23:59:59', '9999-12-31 23:59:59.9999999', "
            + "'9999-12-31 09:59:59.9999999 -14:00', N'abc', 'O''Brien', N'Zürich ✓', REPLICATE(CAST('x' AS varchar(max)), 100000), "
            + "REPLICATE(CAST(N'ü' AS nvarchar(max)), 70000), 'old text', N'old ntext', 0xDEADBEEF, 0x00FF, "
            + "CAST(REPLICATE(CAST('b' AS varchar(max)), 70000) AS varbinary(max)), 0x0102, '6F9619FF-8B86-D011-B42D-00C04FC964FF', "
            + "N'<order id=\"1\"><line qty=\"2\"/></order>'), "
            + "(2, 0, 0, -32768, -2147483648, -9223372036854775808, -99999999999999999999999999999999999999, -999999999999.999999, "
            + "-922337203685477.5808, -214748.3648, -3.40282347E+38, -1.7976931348623157E+308, '0001-01-01', '00:00:00', "
            + "'00:00:00.0000001', '1753-01-01 00:00:00.003', '1900-01-01 00:00', '0001-01-01 00:00:00', '0001-01-01 00:00:00.0000001', "
            + "'0001-01-01 14:00:00 +14:00', N'', '', N'', '', N'', '', N'', 0x00000000, 0x, 0x, 0x, "
            + "'00000000-0000-0000-0000-000000000000', N'<a/>'), "
            + "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
            + "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)";

    static TableSchema schema(EndpointConfig source, TableId id) {
        try (SqlServerSource s = new SqlServerSourceFactory().createSource(source)) {
            return s.discover().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
        }
    }

    @Test
    @DisplayName("when a table of every type is loaded and then changed, then PostgreSQL holds exactly the source rows")
    void everyTypeThroughFullLoadAndCdc() throws Exception {
        String db = SqlServerTestServer.newDatabase("every_type");
        SqlServerTestServer.exec(db, EVERY_TYPE, EDGE_ROWS);
        SqlServerTestServer.enableCdc(db, "every_type");
        String dst = target.newDatabase();
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CDC);
        TableId id = new TableId("dbo", "every_type");
        try (FerryTask task = Ferry.task("every-type").source(source).target(target.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD_AND_CDC).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(2))).as("full load").isTrue();
            try (Connection pg = target.connect(dst)) {
                Rows.assertSame(schema(source, id), Rows.source(source, id), Rows.target(pg, schema(source, id)));
                // the documented conversions, read as PostgreSQL prints them
                try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT dt2::text, dto AT TIME ZONE 'UTC', m::text, u::text, t7::text, d38::text FROM dbo.every_type WHERE id = 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("9999-12-31 23:59:59.999999");
                    assertThat(rs.getString(2)).isEqualTo("9999-12-31 23:59:59.999999");
                    assertThat(rs.getString(3)).isEqualTo("922337203685477.5807");
                    assertThat(rs.getString(4)).isEqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff");
                    assertThat(rs.getString(5)).isEqualTo("23:59:59.999999");
                    assertThat(rs.getString(6)).isEqualTo("99999999999999999999999999999999999999");
                }
                try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT m::text, dto AT TIME ZONE 'UTC', dt::text, dt2::text FROM dbo.every_type WHERE id = 2")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("-922337203685477.5808");
                    assertThat(rs.getString(2)).isEqualTo("0001-01-01 00:00:00");
                    assertThat(rs.getString(3)).isEqualTo("0001-01-01");
                    assertThat(rs.getString(4)).isEqualTo("0001-01-01 00:00:00");
                }
            }

            // key ranges split the table without overlap or gap
            try (SqlServerSource s = new SqlServerSourceFactory().createSource(source)) {
                TableSchema schema = s.discover().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
                List<Object> ids = new java.util.ArrayList<>();
                for (KeyRange range : List.of(new KeyRange("id", null, 2L), new KeyRange("id", 2L, 3L), new KeyRange("id", 3L, null))) {
                    try (BulkReader reader = s.openBulkReader(schema, range)) {
                        assertThat(reader.read(row -> ids.add(row[0]))).isEqualTo(1);
                    }
                }
                assertThat(ids).containsExactly(1, 2, 3);
            }

            SqlServerTestServer.exec(db,
                    "INSERT INTO dbo.every_type (" + COLUMNS + ") SELECT id + 10, b, ti, si, i, bi, d38, n, m, sm, r, f, dt, t0, t7, dtm, "
                            + "sdt, dt2_0, dt2, dto, c, vc, nvc, vmax, nvmax, txt, ntxt, bin, vbin, vbmax, img, NEWID(), x FROM dbo.every_type",
                    "UPDATE dbo.every_type SET m = -0.0001, dt2 = '2024-02-29 12:34:56.1234567', nvc = N'changed', "
                            + "vmax = 'short now', dto = '2024-02-29 12:00:00 +05:30' WHERE id = 1",
                    "UPDATE dbo.every_type SET id = 30 WHERE id = 3",
                    "DELETE FROM dbo.every_type WHERE id = 2",
                    // row 12, the minimum of every type inserted through CDC, stays for the comparison; the NULL row's copy goes
                    "BEGIN TRANSACTION; UPDATE dbo.every_type SET i = i + 1 WHERE id > 10; DELETE FROM dbo.every_type WHERE id = 13; "
                            + "COMMIT");
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).as("in sync").isTrue();
            try (Connection pg = target.connect(dst)) {
                List<Object[]> expected = Rows.source(source, id);
                assertThat(expected).hasSize(4).anyMatch(r -> Integer.valueOf(12).equals(r[0]));
                Rows.assertSame(schema(source, id), expected, Rows.target(pg, schema(source, id)));
            }
            assertThat(task.status().state()).isNotEqualTo(TaskState.FAILED);
        }
    }

    static final String TEMPORAL_EDGES = """
            CREATE TABLE dbo.temporal_edges (
              id int NOT NULL PRIMARY KEY,
              dt date, t7 time(7), dtm datetime, sdt smalldatetime, dt2 datetime2(7), dto datetimeoffset(7))""";

    /**
     * Values the driver's java.sql objects cannot carry exactly in America/New_York: 02:30 on the
     * day it springs forward, 03:30 (which the driver also makes of 02:30), days before 1583 and
     * around the calendar change, datetimeoffset before 1970 with a fraction; and the extremes.
     */
    static final String TEMPORAL_ROWS = "INSERT INTO dbo.temporal_edges (id, dt, t7, dtm, sdt, dt2, dto) VALUES "
            + "(1, '2024-03-10', '02:30:00.5', '2024-03-10 02:30:00.003', '2024-03-10 02:30', '2024-03-10 02:30:00.1234567', "
            + "'2024-03-10 02:30:00.5 -05:00'), "
            + "(2, '2024-03-10', '03:30:00', '2024-03-10 03:30:00', '2024-03-10 03:30', '2024-03-10 03:30:00.1234567', "
            + "'2024-03-10 03:30:00 -04:00'), "
            + "(3, '1969-12-31', '23:59:59.5', '1969-12-31 23:59:59.997', '1969-12-31 23:59', '1969-12-31 23:59:59.9999999', "
            + "'1969-12-31 20:59:59.5 -03:00'), "
            + "(4, '1582-10-10', '12:00:00', '1753-01-01 00:00:00', '1900-01-01 00:00', '1582-10-14 23:59:59.9999999', "
            + "'1582-10-10 12:00:00 +00:00'), "
            + "(5, '1582-10-20', '00:00:00.0000001', '1753-01-01 00:00:00.003', '1900-01-01 00:01', '1582-10-04 12:00:00.1', "
            + "'1500-02-28 23:30:00 -01:00'), "
            + "(6, '0001-01-01', '00:00:00', '1753-01-01 00:00:00', '1900-01-01 00:00', '0001-01-01 00:00:00.1234567', "
            + "'0001-01-01 00:00:00.1234567 +00:00'), "
            + "(7, '9999-12-31', '23:59:59.9999999', '9999-12-31 23:59:59.997', '2079-06-06 23:59', '9999-12-31 23:59:59.9999999', "
            + "'9999-12-31 23:59:59.9999999 +14:00')";

    @Test
    @DisplayName("when the JVM's default zone has daylight saving time, then gap, pre-1970 and pre-1583 values arrive exactly through both paths")
    void temporalEdgesInANonUtcJvm() throws Exception {
        TimeZone saved = TimeZone.getDefault();
        // as a service embedding Ferry may run: the driver and Debezium build java.sql values in this zone
        TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
        try {
            String db = SqlServerTestServer.newDatabase("temporal_edges");
            SqlServerTestServer.exec(db, TEMPORAL_EDGES, TEMPORAL_ROWS);
            SqlServerTestServer.enableCdc(db, "temporal_edges");
            String dst = target.newDatabase();
            EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CDC);
            TableId id = new TableId("dbo", "temporal_edges");
            try (FerryTask task = Ferry.task("temporal-edges").source(source).target(target.endpoint(dst))
                    .migrationType(MigrationType.FULL_LOAD_AND_CDC).build()) {
                task.start();
                assertThat(task.awaitFullLoad(Duration.ofMinutes(2))).as("full load").isTrue();
                try (Connection pg = target.connect(dst)) {
                    Rows.assertSame(schema(source, id), Rows.source(source, id), Rows.target(pg, schema(source, id)));
                }
                // the same values again through change capture: inserted, and updated onto other such values
                SqlServerTestServer.exec(db,
                        "INSERT INTO dbo.temporal_edges (id, dt, t7, dtm, sdt, dt2, dto) "
                                + "SELECT id + 100, dt, t7, dtm, sdt, dt2, dto FROM dbo.temporal_edges",
                        "UPDATE dbo.temporal_edges SET dt2 = '2024-03-10 02:45:00.7654321', dtm = '2024-03-10 02:59:59.997', "
                                + "dt = '1582-10-12', dto = '1969-12-31 23:59:59.1 +00:00' WHERE id IN (3, 103)",
                        "UPDATE dbo.temporal_edges SET dt2 = '1969-12-31 23:59:59.5' WHERE id IN (1, 101)");
                assertThat(task.awaitInSync(Duration.ofMinutes(2))).as("in sync").isTrue();
                try (Connection pg = target.connect(dst)) {
                    List<Object[]> expected = Rows.source(source, id);
                    assertThat(expected).hasSize(14);
                    Rows.assertSame(schema(source, id), expected, Rows.target(pg, schema(source, id)));
                    // and what both paths hold, as PostgreSQL prints it
                    try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                            "SELECT id, dt::text, dtm::text, dt2::text, (dto AT TIME ZONE 'UTC')::text FROM dbo.temporal_edges "
                                    + "WHERE id IN (2, 3, 4, 5, 102, 103) ORDER BY id")) {
                        List<String> rows = new java.util.ArrayList<>();
                        while (rs.next()) {
                            rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                                    + rs.getString(5));
                        }
                        assertThat(rows).containsExactly(
                                "2 2024-03-10 2024-03-10 03:30:00 2024-03-10 03:30:00.123456 2024-03-10 07:30:00",
                                "3 1582-10-12 2024-03-10 02:59:59.997 2024-03-10 02:45:00.765432 1969-12-31 23:59:59.1",
                                "4 1582-10-10 1753-01-01 00:00:00 1582-10-14 23:59:59.999999 1582-10-10 12:00:00",
                                "5 1582-10-20 1753-01-01 00:00:00.003 1582-10-04 12:00:00.1 1500-03-01 00:30:00",
                                "102 2024-03-10 2024-03-10 03:30:00 2024-03-10 03:30:00.123456 2024-03-10 07:30:00",
                                "103 1582-10-12 2024-03-10 02:59:59.997 2024-03-10 02:45:00.765432 1969-12-31 23:59:59.1");
                    }
                }
                assertThat(task.status().state()).isNotEqualTo(TaskState.FAILED);
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    @DisplayName("when a table has types with only a text form, then a full load carries that form")
    void textFormsThroughAFullLoad() throws Exception {
        String db = SqlServerTestServer.newDatabase("text_forms");
        SqlServerTestServer.exec(db,
                "CREATE TABLE dbo.places (id int NOT NULL PRIMARY KEY, node hierarchyid, shape geometry, spot geography, anything sql_variant)",
                "INSERT INTO dbo.places VALUES (1, hierarchyid::Parse('/1/3/'), geometry::STGeomFromText('POINT (3 4 7)', 0), "
                        + "geography::Point(47.65, -122.34, 4326), CAST(42 AS int)), (2, NULL, NULL, NULL, NULL)");
        String dst = target.newDatabase();
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CDC);
        try (FerryTask task = Ferry.task("text-forms").source(source).target(target.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofMinutes(2))).isTrue();
            assertThat(task.status().state()).isNotEqualTo(TaskState.FAILED);
        }
        try (Connection pg = target.connect(dst); Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT node, shape, spot, anything FROM dbo.places ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("/1/3/");
            assertThat(rs.getString(2)).isEqualTo("SRID=0;POINT (3 4 7)");
            assertThat(rs.getString(3)).isEqualTo("SRID=4326;POINT (-122.34 47.65)");
            assertThat(rs.getString(4)).isEqualTo("42");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isNull();
            assertThat(rs.getString(2)).isNull();
        }
    }
}
