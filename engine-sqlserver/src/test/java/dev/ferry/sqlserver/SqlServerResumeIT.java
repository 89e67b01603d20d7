package dev.ferry.sqlserver;

import dev.ferry.core.Ferry;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MS-CDC across idle time and restarts, where the connector's positions are heartbeats (an unset
 * change LSN) rather than changes: an idle gap longer than the heartbeat interval, a stop and a
 * resume from a heartbeat's position, and a capture instance recreated while the task is stopped.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServerResumeIT extends SqlServerIntegrationTest {

    static final TableId ORDERS = new TableId("dbo", "orders");

    static FerryTask task(EndpointConfig source, String dst) {
        return Ferry.task("resume").source(source).target(target.endpoint(dst)).migrationType(MigrationType.FULL_LOAD_AND_CDC).build();
    }

    static String ordersDatabase() throws Exception {
        String db = SqlServerTestServer.newDatabase("resume");
        SqlServerTestServer.exec(db, "CREATE TABLE dbo.orders (id int NOT NULL PRIMARY KEY, qty int NOT NULL, placed datetime2(6))",
                "INSERT INTO dbo.orders VALUES (1, 1, '2026-01-01 10:00:00'), (2, 2, '1969-12-31 23:59:59.5')");
        SqlServerTestServer.enableCdc(db, "orders");
        return db;
    }

    static void assertSame(EndpointConfig source, String dst) throws Exception {
        try (Connection pg = target.connect(dst)) {
            var schema = SqlServerFullLoadAndCdcIT.schema(source, ORDERS);
            Rows.assertSame(schema, Rows.source(source, ORDERS), Rows.target(pg, schema));
        }
    }

    @Test
    @DisplayName("when CDC idles longer than the heartbeat interval and the task resumes from a heartbeat, then nothing is lost or applied twice")
    void idleGapAndResumeFromAHeartbeat() throws Exception {
        String db = ordersDatabase();
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CDC);
        String dst = target.newDatabase();
        try (FerryTask task = task(source, dst)) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
            // three heartbeat intervals without a change: every position stored meanwhile is a heartbeat's
            long idleUntil = System.nanoTime() + Duration.ofSeconds(16).toNanos();
            while (System.nanoTime() < idleUntil) {
                assertThat(task.status().state()).isEqualTo(TaskState.RUNNING);
                Thread.sleep(500);
            }
            SqlServerTestServer.exec(db, "INSERT INTO dbo.orders VALUES (3, 3, SYSDATETIME())", "UPDATE dbo.orders SET qty = 20 WHERE id = 2");
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).isTrue();
            assertSame(source, dst);
            task.stop();
        }
        SqlServerTestServer.exec(db, "INSERT INTO dbo.orders VALUES (4, 4, SYSDATETIME())", "DELETE FROM dbo.orders WHERE id = 1");
        try (FerryTask resumed = task(source, dst)) {
            resumed.start();
            assertThat(resumed.awaitInSync(Duration.ofMinutes(2))).isTrue();
            assertSame(source, dst);
            resumed.stop();
        }
    }

    @Test
    @DisplayName("when CDC is disabled and enabled again on a table while the task is stopped, then resuming fails naming the table and the reload")
    void recreatedCaptureInstanceWhileStopped() throws Exception {
        String db = ordersDatabase();
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CDC);
        String dst = target.newDatabase();
        try (FerryTask task = task(source, dst)) {
            task.start();
            assertThat(task.awaitInSync(Duration.ofMinutes(2))).isTrue();
            task.stop();
        }
        SqlServerTestServer.exec(db, "EXEC sys.sp_cdc_disable_table @source_schema = N'dbo', @source_name = N'orders', @capture_instance = 'all'",
                "INSERT INTO dbo.orders VALUES (5, 5, SYSDATETIME())",
                "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'orders', @role_name = NULL");
        try (FerryTask resumed = task(source, dst)) {
            resumed.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (resumed.status().state() != TaskState.FAILED && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(resumed.status().state()).isEqualTo(TaskState.FAILED);
            assertThat(resumed.status().error()).contains("table dbo.orders: no CDC capture instance covers the task's position")
                    .contains("ferry run --reload");
        }
    }
}
