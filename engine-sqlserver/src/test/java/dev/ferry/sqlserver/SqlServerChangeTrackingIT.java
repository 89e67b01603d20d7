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
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change Tracking mode against a real SQL Server: enabled by {@code prepare-source}, full load and
 * polled changes of a table with every type (the text forms too: Change Tracking reads values from
 * the table), and an expired position that stops the task asking for a reload.
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
            assertThat(task.status().error()).contains("Change Tracking needs a primary key; table(s) dbo.log have none");
        }
    }
}
