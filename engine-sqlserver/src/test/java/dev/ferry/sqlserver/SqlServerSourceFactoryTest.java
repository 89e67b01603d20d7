package dev.ferry.sqlserver;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.Endpoints;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.SourceFactory;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlServerSourceFactoryTest {

    static Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        m.put("host", "10.0.0.5");
        m.put("database", "shop");
        m.put("user", "ferry");
        m.put("password", "S3cret-pw");
        return m;
    }

    @Test
    void isFoundByItsIdentifier() {
        assertThat(Endpoints.find(SourceFactory.class, "sqlserver", "source")).isInstanceOf(SqlServerSourceFactory.class);
    }

    @Test
    void encryptedAndVerifiedByDefault() {
        SqlServerEndpoint e = SqlServerEndpoint.of(new EndpointConfig("sqlserver", settings()));
        assertThat(e.port()).isEqualTo(1433);
        assertThat(e.url()).isEqualTo("jdbc:sqlserver://10.0.0.5:1433");
        assertThat(e.properties("ferry-source")).containsEntry("encrypt", "true").containsEntry("trustServerCertificate", "false")
                .containsEntry("databaseName", "shop").containsEntry("responseBuffering", "adaptive");
        assertThat(e.toString()).doesNotContain("S3cret-pw").contains("password=****");
        Map<String, String> ipv6 = settings();
        ipv6.put("host", "::1");
        assertThat(SqlServerEndpoint.of(new EndpointConfig("sqlserver", ipv6)).url()).isEqualTo("jdbc:sqlserver://[::1]:1433");
    }

    @Test
    void reportsEveryBadOptionAtOnce() {
        Map<String, String> bad = settings();
        bad.remove("database");
        bad.put("port", "99999");
        bad.put("encrypt", "maybe");
        bad.put("captureMode", "logminer");
        bad.put("trustServerCertificate", "yes");
        bad.put("colour", "blue");
        assertThatThrownBy(() -> Endpoints.source(new EndpointConfig("sqlserver", bad)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("missing key 'database'")
                .hasMessageContaining("unknown key 'colour'")
                .hasMessageContaining("'port' must be 1..65535, was 99999")
                .hasMessageContaining("'encrypt' must be true, false or strict, was 'maybe'")
                .hasMessageContaining("'trustServerCertificate' must be true or false, was 'yes'")
                .hasMessageContaining("'captureMode' must be cdc or change-tracking, was 'logminer'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("S3cret-pw"));
    }

    @Test
    void captureModes() {
        assertThat(CaptureMode.parse(null)).isEqualTo(CaptureMode.CDC);
        assertThat(CaptureMode.parse("Change-Tracking")).isEqualTo(CaptureMode.CHANGE_TRACKING);
        assertThat(CaptureMode.parse("change_tracking")).isEqualTo(CaptureMode.CHANGE_TRACKING);
        Map<String, String> ct = settings();
        ct.put("captureMode", "change-tracking");
        try (SqlServerSource s = new SqlServerSourceFactory().createSource(new EndpointConfig("sqlserver", ct))) {
            assertThat(s.mode()).isEqualTo(CaptureMode.CHANGE_TRACKING);
        }
    }
}
