package dev.ferry.postgres;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.Endpoints;
import dev.ferry.core.spi.EndpointConfig;
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
                        + "port, publicationName, slotName, url, user)",
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
                .containsExactly("'url' must not carry the password; use the 'password' key");
    }
}
