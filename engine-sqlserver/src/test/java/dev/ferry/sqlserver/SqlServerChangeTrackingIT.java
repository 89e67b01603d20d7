package dev.ferry.sqlserver;

import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableId;
import dev.ferry.core.spi.EndpointConfig;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change Tracking mode against a real SQL Server: enabled by {@code prepare-source}, full load and
 * polled changes of a table with every type (the text forms too: Change Tracking reads values from
 * the table), sql_variant values of every base type written alike by the full load and by Change
 * Tracking, deletes by keys of converted types (hierarchyid, sql_variant), and an expired position
 * that stops the task asking for a reload.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServerChangeTrackingIT extends SqlServerIntegrationTest {

    static FerryTask task(EndpointConfig source, String dst) {
        return Ferry.task("change-tracking").source(source).target(target.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD_AND_CDC).build();
    }

    @Test
    @DisplayName("when Change Tracking is prepared and the table changes, then PostgreSQL follows, key changes and deletes included")
    void everyTypeThroughChangeTracking() throws Exception {
        String db = SqlServerTestServer.newDatabase("ct_every_type");
        SqlServerTestServer.exec(db, SqlServerFullLoadAndCdcIT.EVERY_TYPE
                        .replace("rv rowversion)", "rv rowversion, node hierarchyid, spot geography, anything sql_variant)"),
                SqlServerFullLoadAndCdcIT.EDGE_ROWS,
                "UPDATE dbo.every_type SET node = hierarchyid::Parse('/1/'), spot = geography::Point(1, 2, 4326), anything = N'x' "
                        + "WHERE id = 1");
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CHANGE_TRACKING);
        List<String> prepared = Ferry.prepareSource(source, TableMappings.includeAll(), "change-tracking", false);
        assertThat(prepared).hasSize(2);
        assertThat(Ferry.prepareSource(source, TableMappings.includeAll(), "change-tracking", true)).isEmpty();

        String dst = target.newDatabase();
        TableId id = new TableId("dbo", "every_type");
        try (FerryTask task = task(source, dst)) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
            SqlServerTestServer.exec(db,
                    "INSERT INTO dbo.every_type (" + SqlServerFullLoadAndCdcIT.COLUMNS + ", node) SELECT id + 10, b, ti, si, i, bi, d38, n, "
                            + "m, sm, r, f, dt, t0, t7, dtm, sdt, dt2_0, dt2, dto, c, vc, nvc, vmax, nvmax, txt, ntxt, bin, vbin, vbmax, img, "
                            + "NEWID(), x, hierarchyid::Parse('/2/1/') FROM dbo.every_type",
                    "UPDATE dbo.every_type SET m = -0.0001, spot = geography::Point(-33.9, 151.2, 4326) WHERE id = 1",
                    "UPDATE dbo.every_type SET id = 30 WHERE id = 3",
                    "DELETE FROM dbo.every_type WHERE id = 2",
                    // deleted and inserted again between two polls: the net change is the new row
                    "DELETE FROM dbo.every_type WHERE id = 11",
                    "INSERT INTO dbo.every_type (id, vc) VALUES (11, 'again')");
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).isTrue();
            try (Connection pg = target.connect(dst)) {
                var schema = SqlServerFullLoadAndCdcIT.schema(source, id);
                List<Object[]> expected = Rows.source(source, id);
                assertThat(expected).hasSize(5);
                Rows.assertSame(schema, expected, Rows.target(pg, schema));
            }
            task.stop();
        }

        // Positions expire: a TRUNCATE throws away the table's tracking, so the stored version is no longer valid.
        SqlServerTestServer.exec(db, "INSERT INTO dbo.every_type (id) VALUES (99)", "TRUNCATE TABLE dbo.every_type");
        try (FerryTask again = task(source, dst)) {
            again.start();
            assertThat(again.awaitFinished(Duration.ofMinutes(1))).isTrue();
            assertThat(again.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(again.status().error()).contains("has expired for table dbo.every_type").contains("ferry run --reload");
        }
    }

    /** One value of each base type a sql_variant holds, with the text both paths must write for it (null: checked by parsing). */
    static final String[][] VARIANTS = {
            {"CAST(42 AS int)", "42"},
            {"CAST(-9223372036854775808 AS bigint)", "-9223372036854775808"},
            {"CAST(7 AS smallint)", "7"},
            {"CAST(255 AS tinyint)", "255"},
            {"CAST(1 AS bit)", "1"},
            {"CAST(46279.10 AS decimal(8,2))", "46279.10"},
            {"CAST(-0.000001 AS numeric(18,6))", "-0.000001"},
            {"CAST(922337203685477.5807 AS money)", "922337203685477.5807"},
            {"CAST(-0.0001 AS smallmoney)", "-0.0001"},
            {"CAST(0.1 AS float)", null},
            {"CAST(1.7976931348623157E+308 AS float)", null},
            {"CAST(3.40282347E+38 AS real)", null},
            {"CAST('0001-01-01' AS date)", "0001-01-01"},
            {"CAST('13:45:30.123' AS time(3))", "13:45:30.1230000"},
            {"CAST('2024-02-29 13:45:30.997' AS datetime)", "2024-02-29 13:45:30.997"},
            {"CAST('2079-06-06 23:59' AS smalldatetime)", "2079-06-06 23:59:00.000"},
            {"CAST('9999-12-31 23:59:59.9999999' AS datetime2(7))", "9999-12-31 23:59:59.9999999"},
            {"CAST('2024-02-29 13:45:30.1234567 +05:30' AS datetimeoffset(7))", "2024-02-29 13:45:30.1234567 +05:30"},
            {"CAST('ab' AS char(5))", "ab   "},
            {"CAST('O''Brien' AS varchar(20))", "O'Brien"},
            {"CAST(N'Zürich ✓' AS nchar(8))", "Zürich ✓"},
            {"CAST(N'Zürich ✓' AS nvarchar(20))", "Zürich ✓"},
            {"CAST(0x0A AS binary(4))", "0x0A000000"},
            {"CAST(0x0AFF AS varbinary(10))", "0x0AFF"},
            {"CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)", "6F9619FF-8B86-D011-B42D-00C04FC964FF"},
            {"CAST(REPLICATE('x', 8000) AS varchar(8000))", "x".repeat(8000)},
            {"NULL", null},
    };

    @Test
    @DisplayName("when sql_variant values of every base type are loaded and then changed, then both paths write the same whole text")
    void sqlVariantThroughFullLoadAndChangeTracking() throws Exception {
        String db = SqlServerTestServer.newDatabase("ct_variant");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < VARIANTS.length; i++) {
            rows.append(i == 0 ? "" : ", ").append("(").append(i + 1).append(", ").append(VARIANTS[i][0]).append(")");
        }
        SqlServerTestServer.exec(db, "CREATE TABLE dbo.variants (id int NOT NULL PRIMARY KEY, v sql_variant)",
                "INSERT INTO dbo.variants (id, v) VALUES " + rows);
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CHANGE_TRACKING);
        Ferry.prepareSource(source, TableMappings.includeAll(), "change-tracking", false);
        String dst = target.newDatabase();
        TableId id = new TableId("dbo", "variants");
        try (FerryTask task = task(source, dst)) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
            // the same values again, through Change Tracking
            SqlServerTestServer.exec(db, "INSERT INTO dbo.variants (id, v) SELECT id + 100, v FROM dbo.variants");
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).isTrue();
            try (Connection pg = target.connect(dst); Statement st = pg.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, v FROM dbo.variants ORDER BY id")) {
                java.util.Map<Integer, String> text = new java.util.HashMap<>();
                while (rs.next()) {
                    text.put(rs.getInt(1), rs.getString(2));
                }
                assertThat(text).hasSize(2 * VARIANTS.length);
                for (int i = 0; i < VARIANTS.length; i++) {
                    String loaded = text.get(i + 1);
                    assertThat(text.get(i + 101)).as(VARIANTS[i][0]).isEqualTo(loaded);
                    if (VARIANTS[i][1] != null) {
                        assertThat(loaded).as(VARIANTS[i][0]).isEqualTo(VARIANTS[i][1]);
                    }
                }
                // style 3: every float and real reads back to exactly the value the server holds
                try (Connection mssql = SqlServerTestServer.connect(db); Statement q = mssql.createStatement();
                     ResultSet held = q.executeQuery("SELECT id, CAST(v AS float) FROM dbo.variants WHERE id IN (10, 11, 12) ORDER BY id")) {
                    while (held.next()) {
                        int row = held.getInt(1);
                        if (row == 12) { // a real: its text may carry only as many digits as a real needs
                            assertThat(Float.parseFloat(text.get(row))).as(text.get(row)).isEqualTo((float) held.getDouble(2));
                        } else {
                            assertThat(Double.parseDouble(text.get(row))).as(text.get(row)).isEqualTo(held.getDouble(2));
                        }
                    }
                }
                assertThat(Double.parseDouble(text.get(11))).isEqualTo(Double.MAX_VALUE);
                assertThat(Float.parseFloat(text.get(12))).isEqualTo(Float.MAX_VALUE);
                assertThat(text.get(VARIANTS.length)).isNull();
                var schema = SqlServerFullLoadAndCdcIT.schema(source, id);
                Rows.assertSame(schema, Rows.source(source, id), Rows.target(pg, schema));
            }
            task.stop();
        }
    }

    @Test
    @DisplayName("when a primary key has a converted type (hierarchyid, sql_variant), then Change Tracking deletes find the loaded rows")
    void convertedKeysThroughChangeTracking() throws Exception {
        String db = SqlServerTestServer.newDatabase("ct_converted_keys");
        SqlServerTestServer.exec(db,
                "CREATE TABLE dbo.tree (node hierarchyid NOT NULL PRIMARY KEY, name nvarchar(50))",
                "INSERT INTO dbo.tree VALUES (hierarchyid::Parse('/'), N'root'), (hierarchyid::Parse('/1/'), N'a'), "
                        + "(hierarchyid::Parse('/1/3/'), N'b'), (hierarchyid::Parse('/2/'), N'c')",
                "CREATE TABLE dbo.tagged (tag sql_variant NOT NULL PRIMARY KEY, note nvarchar(20))",
                "INSERT INTO dbo.tagged VALUES (CAST(1.5 AS float), N'float'), (CAST('2024-02-29 13:45:30.997' AS datetime), N'datetime'), "
                        + "(CAST(0x0AFF AS varbinary(2)), N'binary'), (CAST(12.50 AS money), N'money'), (N'x', N'string')");
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CHANGE_TRACKING);
        Ferry.prepareSource(source, TableMappings.includeAll(), "change-tracking", false);
        String dst = target.newDatabase();
        try (FerryTask task = task(source, dst)) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
            SqlServerTestServer.exec(db,
                    "DELETE FROM dbo.tree WHERE node = hierarchyid::Parse('/1/3/')",
                    "UPDATE dbo.tree SET name = N'renamed' WHERE node = hierarchyid::Parse('/1/')",
                    "UPDATE dbo.tree SET node = hierarchyid::Parse('/3/') WHERE node = hierarchyid::Parse('/2/')",
                    "DELETE FROM dbo.tagged WHERE tag = CAST(1.5 AS float)",
                    "DELETE FROM dbo.tagged WHERE tag = CAST('2024-02-29 13:45:30.997' AS datetime)",
                    "DELETE FROM dbo.tagged WHERE tag = CAST(0x0AFF AS varbinary(2))",
                    "UPDATE dbo.tagged SET note = N'changed' WHERE tag = CAST(12.50 AS money)");
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).isTrue();
            try (Connection pg = target.connect(dst)) {
                for (TableId id : List.of(new TableId("dbo", "tree"), new TableId("dbo", "tagged"))) {
                    var schema = SqlServerFullLoadAndCdcIT.schema(source, id);
                    Rows.assertSame(schema, Rows.source(source, id), Rows.target(pg, schema));
                }
                try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery("SELECT node FROM dbo.tree ORDER BY node")) {
                    List<String> nodes = new java.util.ArrayList<>();
                    while (rs.next()) {
                        nodes.add(rs.getString(1));
                    }
                    assertThat(nodes).containsExactly("/", "/1/", "/3/");
                }
                try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery("SELECT tag, note FROM dbo.tagged ORDER BY note")) {
                    List<String> left = new java.util.ArrayList<>();
                    while (rs.next()) {
                        left.add(rs.getString(1) + "=" + rs.getString(2));
                    }
                    assertThat(left).containsExactly("12.5000=changed", "x=string");
                }
            }
            task.stop();
        }
    }

    @Test
    @DisplayName("when a key changes only in case under a case-insensitive collation, then the old key is deleted on the target")
    void caseOnlyKeyChange() throws Exception {
        String db = SqlServerTestServer.newDatabase("ct_case_key");
        SqlServerTestServer.exec(db,
                "CREATE TABLE dbo.codes (code varchar(10) COLLATE Latin1_General_CI_AS NOT NULL PRIMARY KEY, n int)",
                "INSERT INTO dbo.codes VALUES ('abc', 1), ('keep', 2)");
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CHANGE_TRACKING);
        Ferry.prepareSource(source, TableMappings.includeAll(), "change-tracking", false);
        String dst = target.newDatabase();
        try (FerryTask task = task(source, dst)) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
            SqlServerTestServer.exec(db, "UPDATE dbo.codes SET code = 'ABC' WHERE code = 'abc'");
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).isTrue();
            try (Connection pg = target.connect(dst); Statement st = pg.createStatement();
                 ResultSet rs = st.executeQuery("SELECT code FROM dbo.codes ORDER BY code")) {
                List<String> codes = new java.util.ArrayList<>();
                while (rs.next()) {
                    codes.add(rs.getString(1));
                }
                assertThat(codes).containsExactly("ABC", "keep");
            }
            task.stop();
        }
    }

    @Test
    @DisplayName("when a table has no primary key, then Change Tracking refuses it before any data moves")
    void keylessTableRefused() throws Exception {
        String db = SqlServerTestServer.newDatabase("ct_keyless");
        SqlServerTestServer.exec(db, "CREATE TABLE dbo.log (line nvarchar(100))",
                "ALTER DATABASE CURRENT SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 1 DAYS, AUTO_CLEANUP = ON)");
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CHANGE_TRACKING);
        try (FerryTask task = task(source, target.newDatabase())) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofMinutes(1))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(task.status().error()).contains("dbo.log: none: Change Tracking cannot track a table without a primary key");
        }
    }
}
