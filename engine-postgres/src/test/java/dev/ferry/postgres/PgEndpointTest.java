package dev.ferry.postgres;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.Endpoints;
import dev.ferry.core.spi.EndpointConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class PgEndpointTest {

    @Test
    void everyProblemOfAnEndpointIsReportedAtOnce() {
        ConfigurationException e = (ConfigurationException) catchThrowable(() -> Endpoints.source(
                new EndpointConfig("postgres", Map.of("host", "db", "port", "x", "passwd", "secret"))));
        assertThat(e.problems()).containsExactly(
                "missing key 'user'",
                "unknown key 'passwd' (known: cdcBatchSize, cdcPollMillis, connectTimeoutSeconds, database, host, password, "
                        + "port, publicationName, slotName, sslPassword, url, user)",
                "missing key 'database' (or 'url')",
                "'port' must be a number, was 'x'");
        assertThat(e.getMessage()).doesNotContain("secret");
    }

    @Test
    void unknownEndpointTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> Endpoints.target(new EndpointConfig("oracle", Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("unknown target endpoint type 'oracle'; known types: postgres");
    }

    @Test
    void passwordsNeverShow() {
        EndpointConfig c = new EndpointConfig("postgres", Map.of("url", "jdbc:postgresql://h:1/d", "user", "u", "password", "hunter2"));
        assertThat(c.toString()).doesNotContain("hunter2").contains("password=****");
        assertThat(PgEndpoint.of(c).toString()).doesNotContain("hunter2");
        assertThat(PgEndpoint.of(c).where()).isEqualTo("h:1/d");
    }

    @Test
    void passwordInTheUrlIsRefused() {
        assertThat(PgEndpoint.validate(new EndpointConfig("postgres", Map.of("url", "jdbc:postgresql://h/d?password=x", "user", "u"))))
                .containsExactly("'url' must not carry a password (password=, sslpassword=); give it as the key 'password' (the "
                        + "client key's as 'sslPassword')");
        assertThat(PgEndpoint.validate(new EndpointConfig("postgres", Map.of("url", "jdbc:postgresql://h/d?sslpassword=x", "user", "u"))))
                .containsExactly("'url' must not carry a password (password=, sslpassword=); give it as the key 'password' (the "
                        + "client key's as 'sslPassword')");
    }

    private static PgEndpoint endpoint(String url) {
        return PgEndpoint.of(new EndpointConfig("postgres", Map.of("url", url, "user", "u", "password", "hunter2")));
    }

    @Test
    @DisplayName("when the URL has the short form jdbc:postgresql:db, then the server is localhost:5432 and the database db")
    void shortUrl() {
        PgEndpoint e = endpoint("jdbc:postgresql:orders");
        assertThat(e.servers()).containsExactly(new PgEndpoint.Server("localhost", 5432));
        assertThat(e.database()).isEqualTo("orders");
        assertThat(e.where()).isEqualTo("localhost:5432/orders");
        assertThat(e.serversUrl()).isEqualTo("jdbc:postgresql://localhost:5432/orders");
        assertThat(endpoint("jdbc:postgresql:///orders").servers()).containsExactly(new PgEndpoint.Server("localhost", 5432));
    }

    @Test
    @DisplayName("when the URL carries TLS parameters, then they are the endpoint's parameters, decoded, and not part of where()")
    void tlsParameters() {
        PgEndpoint e = endpoint("jdbc:postgresql://db.example.com/orders?sslmode=verify-full&sslrootcert=/etc/ferry/ca%20root.pem"
                + "&sslcert=/etc/ferry/client.crt&sslkey=/etc/ferry/client.pk8&options=-c%20search_path%3Dshop");
        assertThat(e.servers()).containsExactly(new PgEndpoint.Server("db.example.com", 5432));
        assertThat(e.database()).isEqualTo("orders");
        assertThat(e.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("sslmode", "verify-full", "sslrootcert",
                "/etc/ferry/ca root.pem", "sslcert", "/etc/ferry/client.crt", "sslkey", "/etc/ferry/client.pk8", "options",
                "-c search_path=shop"));
        assertThat(e.where()).isEqualTo("db.example.com:5432/orders");
    }

    @Test
    @DisplayName("when the URL names an IPv6 host or several hosts, then every server is read with its own port")
    void ipv6AndSeveralHosts() {
        PgEndpoint v6 = endpoint("jdbc:postgresql://[::1]:5433/orders");
        assertThat(v6.servers()).containsExactly(new PgEndpoint.Server("[::1]", 5433));
        assertThat(v6.where()).isEqualTo("[::1]:5433/orders");
        assertThat(endpoint("jdbc:postgresql://[2001:db8::7]/orders").servers())
                .containsExactly(new PgEndpoint.Server("[2001:db8::7]", 5432));
        PgEndpoint several = endpoint("jdbc:postgresql://primary:5432,standby:5433,third/orders?targetServerType=primary");
        assertThat(several.servers()).containsExactly(new PgEndpoint.Server("primary", 5432), new PgEndpoint.Server("standby", 5433),
                new PgEndpoint.Server("third", 5432));
        assertThat(several.parameters()).containsEntry("targetServerType", "primary");
        assertThat(several.serversUrl()).isEqualTo("jdbc:postgresql://primary:5432,standby:5433,third:5432/orders");
        assertThat(several.where()).isEqualTo("primary:5432,standby:5433,third:5432/orders");
    }

    @Test
    @DisplayName("when host, port and database are given as keys, then an IPv6 host and an odd database name make a valid URL")
    void keysMakeAUrl() {
        PgEndpoint e = PgEndpoint.of(new EndpointConfig("postgres", Map.of("host", "::1", "port", "6543", "database", "my db/x",
                "user", "u")));
        assertThat(e.servers()).containsExactly(new PgEndpoint.Server("[::1]", 6543));
        assertThat(e.database()).isEqualTo("my db/x");
        assertThat(e.url()).isEqualTo("jdbc:postgresql://[::1]:6543/my+db%2Fx");
    }

    @Test
    void urlTheDriverCannotReadIsRefused() {
        assertThat(PgEndpoint.validate(new EndpointConfig("postgres", Map.of("url", "jdbc:postgresql://h:x/d", "user", "u"))))
                .containsExactly("'url' is not a URL the PostgreSQL driver reads (jdbc:postgresql://host:port/database?parameters, "
                        + "jdbc:postgresql:database, several host:port pairs separated by commas, IPv6 hosts in brackets): "
                        + "jdbc:postgresql://h:x/d");
    }

    @Test
    @DisplayName("when a client key password is given, then it reaches the driver and never a message")
    void sslPassword() {
        EndpointConfig c = new EndpointConfig("postgres", Map.of("url", "jdbc:postgresql://h/d?sslmode=require&sslkey=/k.pk8",
                "user", "u", "password", "hunter2", "sslPassword", "s3cret"));
        assertThat(PgEndpoint.validate(c)).isEmpty();
        PgEndpoint e = PgEndpoint.of(c);
        assertThat(e.properties("ferry-source").getProperty("sslpassword")).isEqualTo("s3cret");
        assertThat(e.toString()).doesNotContain("s3cret").doesNotContain("hunter2");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    @DisplayName("when a connection is opened, then its socket has keepalive on, with probes after a minute of silence")
    void keepAliveSockets() throws Exception {
        assertThat(endpoint("jdbc:postgresql://h/d").properties("x").getProperty("socketFactory"))
                .isEqualTo(KeepAliveSocketFactory.class.getName());
        try (java.net.Socket s = new KeepAliveSocketFactory().createSocket()) {
            assertThat(s.getKeepAlive()).isTrue();
            if (s.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)) {
                assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(60);
                assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(10);
                assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(6);
            }
        }
    }
}
