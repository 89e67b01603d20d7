package dev.ferry.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to {@code ferry run}: one clear line naming the problem, a non-zero exit, no stack
 * trace without --verbose, and never the password.
 */
class RunCommandBadInputTest {
    static final String PASSWORD = "S3cr3t-Pa55!";
    static final String WRONG = "N0t-The-Pa55!";
    static EmbeddedPostgres pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        FerryCli.configureLogging(false); // before the first logger exists, as the ferry command does
        pg = EmbeddedPostgres.builder().start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE app LOGIN PASSWORD '" + PASSWORD + "'");
            st.execute("GRANT CREATE ON DATABASE postgres TO app");
            String hba;
            try (ResultSet rs = st.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = rs.getString(1);
            }
            // password authentication for app over TCP; the superuser keeps trust for the test's own setup
            Files.writeString(Path.of(hba), "local all all trust\n"
                    + "host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
            st.execute("SELECT pg_reload_conf()");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private Path task(String yaml) throws Exception {
        Path file = dir.resolve("task.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private String endpoint(String host, int port, String password) {
        return "  type: postgres\n  host: " + host + "\n  port: " + port + "\n  database: postgres\n  user: app\n  password: \"" + password + "\"\n";
    }

    private static void assertOneCleanLine(CliRun r) {
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.all()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain(PASSWORD).doesNotContain(WRONG);
    }

    @Test
    void missingKey() throws Exception {
        CliRun r = CliRun.of("run", task("source:\n" + endpoint("localhost", pg.getPort(), PASSWORD)).toString());
        assertOneCleanLine(r);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("task.yaml: missing key 'target'");
    }

    @Test
    void unknownEndpointType() throws Exception {
        CliRun r = CliRun.of("run", task("source:\n  type: oracle\n  host: x\ntarget:\n" + endpoint("localhost", pg.getPort(), PASSWORD)).toString());
        assertOneCleanLine(r);
        assertThat(r.err()).contains("source.type: unknown endpoint type 'oracle' (known: postgres, sqlserver)");
    }

    @Test
    void unreachableHost() throws Exception {
        CliRun r = CliRun.of("run", task("source:\n" + endpoint("127.0.0.1", 1, PASSWORD) + "target:\n"
                + endpoint("localhost", pg.getPort(), PASSWORD)).toString());
        assertOneCleanLine(r);
        assertThat(r.err()).contains("source postgres at 127.0.0.1:1/postgres").contains("host unreachable or port closed");
    }

    @Test
    void wrongPassword() throws Exception {
        CliRun r = CliRun.of("run", task("source:\n" + endpoint("localhost", pg.getPort(), PASSWORD) + "target:\n"
                + endpoint("localhost", pg.getPort(), WRONG)).toString());
        assertOneCleanLine(r);
        assertThat(r.err()).contains("target postgres at localhost:" + pg.getPort() + "/postgres as 'app'")
                .contains("authentication failed");
    }

    @Test
    void passwordFromAMissingEnvironmentVariable() throws Exception {
        CliRun r = CliRun.of("run", task("source:\n  type: postgres\n  url: jdbc:postgresql://localhost/x\n  user: app\n"
                + "  passwordEnv: FERRY_TEST_UNSET_VARIABLE\ntarget:\n" + endpoint("localhost", pg.getPort(), PASSWORD)).toString());
        assertOneCleanLine(r);
        assertThat(r.err()).contains("source.passwordEnv: environment variable FERRY_TEST_UNSET_VARIABLE is not set");
    }

    @Test
    void verboseShowsTheStackTraceButStillNotThePassword() throws Exception {
        CliRun r = CliRun.of("run", "--verbose", task("source:\n" + endpoint("localhost", pg.getPort(), PASSWORD) + "target:\n"
                + endpoint("localhost", pg.getPort(), WRONG)).toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("\tat ");
        assertThat(r.all()).doesNotContain(PASSWORD).doesNotContain(WRONG);
    }

    private String sqlServer(String host, int port) {
        return "  type: sqlserver\n  host: " + host + "\n  port: " + port + "\n  database: shop\n  user: sa\n  password: \""
                + PASSWORD + "\"\n  trustServerCertificate: true\n";
    }

    @Test
    void assessAnUnreachableSqlServer() throws Exception {
        CliRun r = CliRun.of("assess", task("source:\n" + sqlServer("127.0.0.1", 1) + "target:\n"
                + endpoint("localhost", pg.getPort(), PASSWORD)).toString());
        assertOneCleanLine(r);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualToIgnoringNewLines("ferry: error: cannot connect (source sqlserver at 127.0.0.1:1/shop as 'sa'): "
                + "host unreachable or port closed (Connection refused)");
    }

    @Test
    void prepareAnUnreachableSqlServer() throws Exception {
        CliRun r = CliRun.of("prepare-source", task("source:\n" + sqlServer("127.0.0.1", 1) + "target:\n"
                + endpoint("localhost", pg.getPort(), PASSWORD)).toString(), "--cdc", "--dry-run");
        assertOneCleanLine(r);
        assertThat(r.err()).contains("source sqlserver at 127.0.0.1:1/shop").contains("host unreachable or port closed");
    }

    @Test
    void assessAPostgresSourceWithoutLogicalDecoding() throws Exception {
        CliRun r = CliRun.of("assess", task("source:\n" + endpoint("localhost", pg.getPort(), PASSWORD) + "target:\n"
                + endpoint("localhost", pg.getPort(), PASSWORD)).toString());
        assertThat(r.exit()).isEqualTo(AssessCommand.FAILURES);
        assertThat(r.out()).containsPattern("FAIL +postgres +wal_level +wal_level is 'replica'; CDC needs wal_level = logical")
                .contains("fix: ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL");
        assertThat(r.all()).doesNotContain(PASSWORD);
    }
}
