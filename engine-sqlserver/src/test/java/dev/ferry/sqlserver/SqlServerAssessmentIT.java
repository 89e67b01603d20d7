package dev.ferry.sqlserver;

import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.Assessment.Finding;
import dev.ferry.core.spi.Assessment.Status;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The premigration assessment of a real database, before and after {@code prepare-source --cdc}. */
@Testcontainers(disabledWithoutDocker = true)
class SqlServerAssessmentIT {

    @BeforeAll
    static void start() {
        SqlServerTestServer.get();
    }

    static Finding find(Assessment a, String subject, String check) {
        return a.findings().stream().filter(f -> f.subject().equals(subject) && f.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding " + subject + " / " + check + " in " + a.findings()));
    }

    @Test
    @DisplayName("when a database is not prepared, then the assessment fails with fixes, and passes once prepare-source ran")
    void assessPrepareAssess() throws Exception {
        String db = SqlServerTestServer.newDatabase("assess");
        SqlServerTestServer.exec(db,
                "CREATE TABLE dbo.orders (id int NOT NULL PRIMARY KEY, placed datetime2(7), total AS (id * 2))",
                "CREATE TABLE dbo.audit_log (line nvarchar(max))",
                "CREATE TABLE dbo.customers (id int NOT NULL PRIMARY KEY, name nvarchar(100))");
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CDC);
        Assessment before = Ferry.assess(source, TableMappings.includeAll(), MigrationType.FULL_LOAD_AND_CDC);
        assertThat(find(before, "database " + db, "CDC enabled").status()).isEqualTo(Status.FAIL);
        assertThat(find(before, "database " + db, "SQL Server Agent").status()).isNotEqualTo(Status.FAIL);
        assertThat(find(before, "dbo.orders", "CDC enabled").status()).isEqualTo(Status.FAIL);
        assertThat(find(before, "dbo.orders.placed", "type").status()).isEqualTo(Status.WARN);
        assertThat(find(before, "dbo.orders.total", "computed column").status()).isEqualTo(Status.FAIL);
        assertThat(find(before, "dbo.audit_log", "primary key").status()).isEqualTo(Status.FAIL);
        assertThat(find(before, "database " + db, "permissions").detail()).isEqualTo("the login is sysadmin");
        assertThat(find(before, "database " + db, "sync marker table").status()).isEqualTo(Status.FAIL);

        List<String> plan = Ferry.prepareSource(source, TableMappings.includeAll(), "cdc", true);
        assertThat(plan).containsExactly("EXEC sys.sp_cdc_enable_db",
                SqlServerSql.createSyncMarker().get(0), SqlServerSql.createSyncMarker().get(1),
                "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'audit_log', @role_name = NULL, @supports_net_changes = 0",
                "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'customers', @role_name = NULL, @supports_net_changes = 0",
                "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'orders', @role_name = NULL, @supports_net_changes = 0");
        Ferry.prepareSource(source, TableMappings.includeAll(), "cdc", false);

        Assessment after = Ferry.assess(source, TableMappings.includeAll(), MigrationType.FULL_LOAD_AND_CDC);
        assertThat(find(after, "database " + db, "CDC enabled").status()).isEqualTo(Status.PASS);
        assertThat(find(after, "database " + db, "capture job").status()).isEqualTo(Status.PASS);
        assertThat(find(after, "database " + db, "sync marker table").status()).isEqualTo(Status.PASS);
        // the marker table is Ferry's: never offered for replication, and prepared once
        assertThat(Ferry.prepareSource(source, TableMappings.includeAll(), "cdc", true)).isEmpty();
        assertThat(find(after, "dbo.customers", "CDC enabled").status()).isEqualTo(Status.PASS);
        assertThat(find(after, "dbo.customers", "primary key").status()).isEqualTo(Status.PASS);
        // what prepare-source cannot fix is still reported
        assertThat(find(after, "dbo.orders.total", "computed column").status()).isEqualTo(Status.FAIL);

        // a column added after the capture instance: the fix names the new capture instance
        SqlServerTestServer.exec(db, "ALTER TABLE dbo.customers ADD email nvarchar(200)");
        Assessment added = Ferry.assess(source, TableMappings.includeAll(), MigrationType.FULL_LOAD_AND_CDC);
        Finding f = find(added, "dbo.customers", "captured columns");
        assertThat(f.status()).isEqualTo(Status.FAIL);
        assertThat(f.detail()).isEqualTo("capture instance dbo_customers does not capture [email]");
        assertThat(f.fix()).contains("@capture_instance = N'dbo_customers_v2'");

        // a full load alone needs none of it
        Assessment fullLoad = Ferry.assess(source, TableMappings.includeAll(), MigrationType.FULL_LOAD);
        assertThat(fullLoad.findings()).noneMatch(x -> x.status() == Status.FAIL);
    }
}
