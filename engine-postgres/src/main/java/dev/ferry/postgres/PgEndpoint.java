package dev.ferry.postgres;

import dev.ferry.core.spi.EndpointConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Connection settings of a PostgreSQL endpoint: a JDBC URL, or host, port and database; user and
 * password. {@link #toString()} never shows the password.
 */
public record PgEndpoint(String url, String host, int port, String database, String user, String password,
                         int connectTimeoutSeconds) {

    /** Required by every PostgreSQL endpoint. */
    public static final Set<String> REQUIRED_KEYS = Set.of("user");
    /** Optional for every PostgreSQL endpoint; either url or host and database must be given. */
    public static final Set<String> OPTIONAL_KEYS = Set.of("url", "host", "port", "database", "password", "connectTimeoutSeconds");

    public static PgEndpoint of(EndpointConfig c) {
        String url = c.get("url");
        String host = c.get("host");
        int port = c.get("port") == null ? 5432 : Integer.parseInt(c.get("port").trim());
        String database = c.get("database");
        int timeout = c.get("connectTimeoutSeconds") == null ? 10 : Integer.parseInt(c.get("connectTimeoutSeconds").trim());
        if (url == null) {
            url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        } else {
            HostPort hp = parseUrl(url);
            host = hp.host;
            port = hp.port;
            database = hp.database;
        }
        return new PgEndpoint(url, host, port, database, c.get("user"), c.get("password", ""), timeout);
    }

    /** Cross-key checks: either url, or host and database; port a number. */
    public static List<String> validate(EndpointConfig c) {
        List<String> problems = new ArrayList<>();
        String url = c.get("url");
        if (url != null && (c.get("host") != null || c.get("database") != null)) {
            problems.add("give either 'url' or 'host'/'port'/'database', not both");
        }
        if (url == null) {
            if (c.get("host") == null) {
                problems.add("missing key 'host' (or 'url')");
            }
            if (c.get("database") == null) {
                problems.add("missing key 'database' (or 'url')");
            }
        } else if (!url.startsWith("jdbc:postgresql:")) {
            problems.add("'url' must start with jdbc:postgresql:, was " + url.replaceAll("password=[^&]*", "password=****"));
        } else if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            problems.add("'url' must not carry the password; use the 'password' key");
        }
        for (String key : List.of("port", "connectTimeoutSeconds")) {
            c.checkWholeNumber(key, 1, 65535, problems);
        }
        return problems;
    }

    /** Driver properties for a connection; the password goes here, never into the URL. */
    public Properties properties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("connectTimeout", String.valueOf(connectTimeoutSeconds));
        p.setProperty("loginTimeout", String.valueOf(connectTimeoutSeconds));
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    /** host:port/database, for messages. */
    public String where() {
        return host + ":" + port + "/" + database;
    }

    private record HostPort(String host, int port, String database) {
    }

    private static HostPort parseUrl(String url) {
        // jdbc:postgresql://host:port/database?params
        String rest = url.substring("jdbc:postgresql:".length());
        if (rest.startsWith("//")) {
            rest = rest.substring(2);
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
        String db = slash >= 0 ? rest.substring(slash + 1) : "";
        String host = hostPort;
        int port = 5432;
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, colon);
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = 5432;
            }
        }
        return new HostPort(host.isEmpty() ? "localhost" : host, port, db);
    }

    @Override
    public String toString() {
        return "PgEndpoint[" + where() + ", user=" + user + ", password=****]";
    }
}
