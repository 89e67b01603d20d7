package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change capture connects the way the endpoint's URL says, as the full load does: with its TLS
 * settings (here a client certificate, without which the server refuses the login) and to its
 * servers in every form pgjdbc reads (several hosts, IPv6). The server of this class has TLS on
 * and requires the role {@code ferry_tls} to log in with the client certificate of
 * {@code src/test/resources/tls}.
 */
class CdcConnectionIT {

    static PgTestServer server;
    static Path tls;

    @BeforeAll
    static void startServer() throws Exception {
        // IPv6 too where the machine has it (PostgreSQL starts on the addresses it can bind)
        server = new PgTestServer(Map.of("listen_addresses", "127.0.0.1,::1"));
        tls = Path.of(CdcConnectionIT.class.getResource("/tls/ca.crt").toURI()).getParent();
        // git keeps no permissions but the executable bit, and pgjdbc refuses a client key others may read
        Files.setPosixFilePermissions(tls.resolve("client.pk8"), PosixFilePermissions.fromString("rw-------"));
        try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
            Path data;
            try (ResultSet rs = st.executeQuery("SHOW data_directory")) {
                rs.next();
                data = Path.of(rs.getString(1));
            }
            UserPrincipal owner = Files.getOwner(data);
            for (String file : List.of("server.crt", "server.key", "ca.crt")) {
                Path copy = Files.copy(tls.resolve(file), data.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                Files.setOwner(copy, owner);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
            }
            Path hba = data.resolve("pg_hba.conf");
            List<String> lines = new ArrayList<>(List.of(
                    "hostssl all ferry_tls 127.0.0.1/32 cert", "hostssl all ferry_tls ::1/128 cert",
                    "hostnossl all ferry_tls all reject"));
            lines.addAll(Files.readAllLines(hba));
            Files.write(hba, lines);
            st.execute("CREATE ROLE ferry_tls LOGIN SUPERUSER REPLICATION");
            st.execute("ALTER SYSTEM SET ssl_cert_file = 'server.crt'");
            st.execute("ALTER SYSTEM SET ssl_key_file = 'server.key'");
            st.execute("ALTER SYSTEM SET ssl_ca_file = 'ca.crt'");
            st.execute("ALTER SYSTEM SET ssl = on");
            st.execute("SELECT pg_reload_conf()");
        }
        // the reload is asynchronous: wait until a login with the certificate works
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection c = DriverManager.getConnection(tlsUrl(server.url("postgres")), tlsProperties())) {
                break;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // polling interval of the awaited condition
            }
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static String tlsUrl(String url) {
        return url + "?sslmode=verify-full&sslrootcert=" + file("ca.crt") + "&sslcert=" + file("client.crt") + "&sslkey="
                + file("client.pk8");
    }

    private static String file(String name) {
        return URLEncoder.encode(tls.resolve(name).toString(), StandardCharsets.UTF_8);
    }

    private static Properties tlsProperties() {
        Properties p = new Properties();
        p.setProperty("user", "ferry_tls");
        return p;
    }

    /** While a task runs and is in sync. */
    @FunctionalInterface
    private interface InSync {
        void check() throws Exception;
    }

    private static void replicate(String task, EndpointConfig source, String src, String dst) throws Exception {
        replicate(task, source, src, dst, () -> { });
    }

    /** A full load, then changes, in sync; then source and target compared, and {@code inSync} checked. */
    private static void replicate(String task, EndpointConfig source, String src, String dst, InSync inSync) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g");
        }
        try (FerryTask ferry = Ferry.task(task).source(source).target(server.endpoint(dst)).build()) {
            ferry.start();
            assertThat(ferry.awaitFullLoad(Duration.ofSeconds(60))).as(String.valueOf(ferry.status().error())).isTrue();
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE t SET v = 'changed' WHERE id = 1", "DELETE FROM t WHERE id = 2", "INSERT INTO t VALUES (500, 'new')");
            }
            assertThat(ferry.awaitInSync(Duration.ofSeconds(60))).as(String.valueOf(ferry.status().error())).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.assertSameRows(s, t, "public.t");
            }
            inSync.check();
        }
    }

    @Test
    @DisplayName("when the source URL gives a client certificate the server requires, then change capture logs in with it too")
    void clientCertificate() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        EndpointConfig source = new EndpointConfig("postgres", Map.of("url", tlsUrl(server.url(src)), "user", "ferry_tls"));
        // the slot's reader is one of the role's connections, and every one of them uses TLS with the certificate
        replicate("tls", source, src, dst, () -> {
            try (Connection admin = server.connect("postgres"); Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("SELECT a.backend_type, s.ssl, s.client_dn FROM pg_stat_activity a "
                         + "JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'ferry_tls' ORDER BY 1")) {
                List<String> sessions = new ArrayList<>();
                while (rs.next()) {
                    sessions.add(rs.getString(1) + " ssl=" + rs.getBoolean(2) + " " + rs.getString(3));
                }
                assertThat(sessions).contains("walsender ssl=true /CN=ferry_tls")
                        .allMatch(x -> x.endsWith(" ssl=true /CN=ferry_tls"));
            }
        });
    }

    @Test
    @DisplayName("when the source URL names several hosts, the first one down, then change capture connects to the next")
    void severalHosts() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        String url = "jdbc:postgresql://localhost:1,localhost:" + server.port() + "/" + src;
        replicate("hosts", new EndpointConfig("postgres", Map.of("url", url, "user", "postgres")), src, dst);
    }

    @Test
    @DisplayName("when the source URL names an IPv6 host, then change capture connects to it")
    void ipv6Host() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        String url = "jdbc:postgresql://[::1]:" + server.port() + "/" + src;
        try (Connection probe = DriverManager.getConnection(url, "postgres", "")) {
            probe.isValid(1);
        } catch (SQLException e) {
            Assumptions.abort("the test server does not listen on ::1 here: " + e.getMessage());
        }
        replicate("ipv6", new EndpointConfig("postgres", Map.of("url", url, "user", "postgres")), src, dst);
    }
}
