package dev.ferry.sqlserver;

import dev.ferry.core.spi.EndpointConfig;
import org.testcontainers.mssqlserver.MSSQLServerContainer;
import org.testcontainers.utility.DockerImageName;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One SQL Server 2022 container (Developer edition, SQL Server Agent on, so that CDC capture jobs
 * run) for every integration test class of the JVM; each test gets fresh databases from
 * {@link #newDatabase}. Only used by classes annotated {@code @Testcontainers(disabledWithoutDocker = true)}.
 */
final class SqlServerTestServer {

    static final String IMAGE = "mcr.microsoft.com/mssql/server:2022-latest";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static MSSQLServerContainer container;

    private SqlServerTestServer() {
    }

    static synchronized MSSQLServerContainer get() {
        if (container == null) {
            MSSQLServerContainer c = new MSSQLServerContainer(DockerImageName.parse(IMAGE))
                    .acceptLicense()
                    .withEnv("MSSQL_AGENT_ENABLED", "true")
                    .withEnv("MSSQL_PID", "Developer")
                    .withStartupTimeout(Duration.ofMinutes(4));
            c.start();
            container = c;
            try {
                // captured LOB values longer than 64 KB would otherwise fail the writes that make them
                exec("master", "EXEC sp_configure 'max text repl size', -1", "RECONFIGURE");
            } catch (SQLException e) {
                throw new IllegalStateException("configuring the SQL Server container failed", e);
            }
        }
        return container;
    }

    /** A new database; snapshot isolation allowed, as Change Tracking polling prefers it. */
    static String newDatabase(String prefix) throws SQLException {
        String name = prefix + "_" + COUNTER.incrementAndGet();
        try (Connection c = connect("master"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE [" + name + "]");
            st.execute("ALTER DATABASE [" + name + "] SET ALLOW_SNAPSHOT_ISOLATION ON");
            st.execute("ALTER DATABASE [" + name + "] SET RECOVERY FULL");
        }
        return name;
    }

    static Connection connect(String database) throws SQLException {
        MSSQLServerContainer c = get();
        return DriverManager.getConnection("jdbc:sqlserver://" + c.getHost() + ":" + c.getMappedPort(1433)
                + ";databaseName=" + database + ";encrypt=true;trustServerCertificate=true", c.getUsername(), c.getPassword());
    }

    /** Runs each statement in {@code database}, in order. */
    static void exec(String database, String... statements) throws SQLException {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /**
     * Enables MS-CDC on the database and the tables, creates Ferry's captured sync marker table with
     * the statements prepare-source runs, and restarts the capture job.
     */
    static void enableCdc(String database, String... tables) throws Exception {
        exec(database, "EXEC sys.sp_cdc_enable_db");
        exec(database, SqlServerSql.createSyncMarker().toArray(String[]::new));
        for (String t : tables) {
            exec(database, "EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'" + t + "', @role_name = NULL");
        }
        // let the capture job pick up the new capture instances before anything is written
        exec(database, "EXEC sys.sp_cdc_change_job @job_type = N'capture', @pollinginterval = 1",
                "EXEC sys.sp_cdc_stop_job @job_type = N'capture'", "EXEC sys.sp_cdc_start_job @job_type = N'capture'");
    }

    /** The Ferry source endpoint of {@code database}. */
    static EndpointConfig source(String database, CaptureMode mode) {
        MSSQLServerContainer c = get();
        Map<String, String> s = new HashMap<>();
        s.put("host", c.getHost());
        s.put("port", String.valueOf(c.getMappedPort(1433)));
        s.put("database", database);
        s.put("user", c.getUsername());
        s.put("password", c.getPassword());
        s.put("trustServerCertificate", "true");
        s.put("captureMode", mode.option());
        s.put("cdcPollMillis", "200");
        return new EndpointConfig("sqlserver", s);
    }
}
