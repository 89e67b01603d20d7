package dev.ferry.sqlserver;

import dev.ferry.core.spi.EndpointConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * Connection settings of a SQL Server endpoint: host (name or IP) and port, database, a SQL
 * login, and TLS settings. Connections are encrypted by default and the server certificate is
 * verified unless {@code trustServerCertificate} is set. {@link #toString()} never shows the password.
 */
record SqlServerEndpoint(String host, int port, String database, String user, String password,
                                String encrypt, boolean trustServerCertificate, String hostNameInCertificate,
                                int connectTimeoutSeconds) {

    public static final Set<String> REQUIRED_KEYS = Set.of("host", "database", "user");
    public static final Set<String> OPTIONAL_KEYS = Set.of("port", "password", "encrypt", "trustServerCertificate",
            "hostNameInCertificate", "connectTimeoutSeconds");

    public static SqlServerEndpoint of(EndpointConfig c) {
        return new SqlServerEndpoint(c.get("host").trim(), Integer.parseInt(c.get("port", "1433").trim()), c.get("database"),
                c.get("user"), c.get("password", ""), c.get("encrypt", "true").trim().toLowerCase(Locale.ROOT),
                Boolean.parseBoolean(c.get("trustServerCertificate", "false").trim()), c.get("hostNameInCertificate"),
                Integer.parseInt(c.get("connectTimeoutSeconds", "15").trim()));
    }

    /** Cross-key checks; one line per problem. */
    public static List<String> validate(EndpointConfig c) {
        List<String> problems = new ArrayList<>();
        c.checkWholeNumber("port", 1, 65535, problems);
        c.checkWholeNumber("connectTimeoutSeconds", 1, 600, problems);
        String encrypt = c.get("encrypt");
        if (encrypt != null && !Set.of("true", "false", "strict", "optional", "mandatory").contains(encrypt.trim().toLowerCase(Locale.ROOT))) {
            problems.add("'encrypt' must be true, false or strict, was '" + encrypt + "'");
        }
        String trust = c.get("trustServerCertificate");
        if (trust != null && !Set.of("true", "false").contains(trust.trim().toLowerCase(Locale.ROOT))) {
            problems.add("'trustServerCertificate' must be true or false, was '" + trust + "'");
        }
        String host = c.get("host");
        if (host != null && (host.contains(";") || host.contains("\\"))) {
            problems.add("'host' must be a host name or IP address (give the port of a named instance in 'port'), was '" + host + "'");
        }
        return problems;
    }

    /** The JDBC URL without any secret; everything else goes through {@link #properties}. */
    public String url() {
        return "jdbc:sqlserver://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Driver properties; the password goes here, never into the URL. */
    public Properties properties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("databaseName", database);
        p.setProperty("encrypt", encrypt);
        p.setProperty("trustServerCertificate", String.valueOf(trustServerCertificate));
        if (hostNameInCertificate != null) {
            p.setProperty("hostNameInCertificate", hostNameInCertificate);
        }
        p.setProperty("applicationName", applicationName);
        p.setProperty("loginTimeout", String.valueOf(connectTimeoutSeconds));
        // rows stream from the socket as they are read; a large table never sits in memory
        p.setProperty("responseBuffering", "adaptive");
        p.setProperty("selectMethod", "direct");
        return p;
    }

    /** host:port/database, for messages. */
    public String where() {
        return host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "SqlServerEndpoint[" + where() + ", user=" + user + ", password=****, encrypt=" + encrypt
                + ", trustServerCertificate=" + trustServerCertificate + "]";
    }
}
