package dev.ferry.postgres;

import dev.ferry.core.spi.EndpointConfig;
import org.postgresql.Driver;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Connection settings of a PostgreSQL endpoint: a JDBC URL, or host, port and database; user and
 * password. The URL is read by pgjdbc's own parser, so that what Ferry believes about it (its
 * servers, database and parameters, TLS ones included) is what the driver does with it, in every
 * form the driver accepts: {@code jdbc:postgresql:db}, {@code jdbc:postgresql://host/db?...},
 * IPv6 hosts in brackets, several {@code host:port} pairs. Every connection of the endpoint, the
 * change capture's included, uses all of it. {@link #toString()} never shows a password.
 *
 * @param url        the JDBC URL every Ferry connection uses (without secrets)
 * @param servers    the URL's servers, in the driver's order; at least one
 * @param database   the database name, decoded
 * @param parameters the URL's parameters (sslmode, sslrootcert, options, ...), decoded
 * @param sslPassword password of an encrypted client key ({@code sslkey}), or null
 */
public record PgEndpoint(String url, List<Server> servers, String database, Map<String, String> parameters, String user,
                         String password, String sslPassword, int connectTimeoutSeconds) {

    /** Required by every PostgreSQL endpoint. */
    public static final Set<String> REQUIRED_KEYS = Set.of("user");
    /** Optional for every PostgreSQL endpoint; either url or host and database must be given. */
    public static final Set<String> OPTIONAL_KEYS = Set.of("url", "host", "port", "database", "password", "sslPassword",
            "connectTimeoutSeconds");

    /** One server of the URL; an IPv6 host keeps its brackets, as the URL writes it. */
    public record Server(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public PgEndpoint {
        servers = List.copyOf(servers);
        parameters = java.util.Collections.unmodifiableMap(new TreeMap<>(parameters));
    }

    public static PgEndpoint of(EndpointConfig c) {
        String url = c.get("url");
        int timeout = c.get("connectTimeoutSeconds") == null ? 10 : Integer.parseInt(c.get("connectTimeoutSeconds").trim());
        if (url == null) {
            String host = c.get("host").trim();
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]"; // an IPv6 address, written as a URL needs it
            }
            int port = c.get("port") == null ? 5432 : Integer.parseInt(c.get("port").trim());
            url = "jdbc:postgresql://" + host + ":" + port + "/" + URLEncoder.encode(c.get("database"), StandardCharsets.UTF_8);
        }
        Properties parsed = Driver.parseURL(url, null);
        if (parsed == null) {
            throw new IllegalArgumentException("'url' is not a PostgreSQL JDBC URL: " + masked(url));
        }
        String[] hosts = parsed.getProperty("PGHOST", "").split(",", -1);
        String[] ports = parsed.getProperty("PGPORT", "").split(",", -1);
        List<Server> servers = new ArrayList<>(hosts.length);
        for (int i = 0; i < hosts.length; i++) {
            // the driver connects to "localhost" for an empty host (jdbc:postgresql:///db)
            String host = hosts[i].isEmpty() ? "localhost" : hosts[i];
            servers.add(new Server(host, i < ports.length && !ports[i].isEmpty() ? Integer.parseInt(ports[i]) : 5432));
        }
        Map<String, String> parameters = new TreeMap<>();
        for (String name : parsed.stringPropertyNames()) {
            if (!name.equals("PGHOST") && !name.equals("PGPORT") && !name.equals("PGDBNAME")) {
                parameters.put(name, parsed.getProperty(name));
            }
        }
        // without a database the server takes the user's name, and so does Ferry (Debezium needs the name)
        String database = parsed.getProperty("PGDBNAME", "");
        return new PgEndpoint(url, servers, database.isEmpty() ? c.get("user") : database, parameters, c.get("user"),
                c.get("password", ""), c.get("sslPassword"), timeout);
    }

    /** Cross-key checks: either url, or host and database; the URL one pgjdbc reads, without secrets; port a number. */
    public static List<String> validate(EndpointConfig c) {
        List<String> problems = new ArrayList<>();
        String url = c.get("url");
        if (url != null && (c.get("host") != null || c.get("port") != null || c.get("database") != null)) {
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
            problems.add("'url' must start with jdbc:postgresql:, was " + masked(url));
        } else if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            problems.add("'url' must not carry a password (password=, sslpassword=); give it as the key 'password' (the "
                    + "client key's as 'sslPassword')");
        } else if (Driver.parseURL(url, null) == null) {
            problems.add("'url' is not a URL the PostgreSQL driver reads (jdbc:postgresql://host:port/database?parameters, "
                    + "jdbc:postgresql:database, several host:port pairs separated by commas, IPv6 hosts in brackets): "
                    + masked(url));
        }
        for (String key : List.of("port", "connectTimeoutSeconds")) {
            c.checkWholeNumber(key, 1, 65535, problems);
        }
        return problems;
    }

    private static String masked(String url) {
        return url.replaceAll("(?i)password=[^&]*", "password=****");
    }

    /**
     * Driver properties for a connection; the passwords go here, never into the URL. The URL's own
     * parameters win over these (the driver reads them last), so a user's {@code socketFactory},
     * {@code tcpKeepAlive} or {@code ApplicationName} in the URL is kept.
     *
     * <p>Timeouts: none of Ferry's connections has a {@code socketTimeout}, because every one of
     * them may legitimately wait long for the server (a COPY of a big table, a lock held by the
     * application, a merge into a big table, a snapshot held for the whole full load). A server
     * that is gone without closing the connection (half-open TCP) is found by TCP keepalive
     * instead, tuned by {@link KeepAliveSocketFactory} to about two minutes rather than the
     * operating system's two hours; a healthy server answers keepalive probes even while busy.
     */
    public Properties properties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        if (sslPassword != null) {
            p.setProperty("sslpassword", sslPassword);
        }
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("connectTimeout", String.valueOf(connectTimeoutSeconds));
        p.setProperty("loginTimeout", String.valueOf(connectTimeoutSeconds));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("socketFactory", KeepAliveSocketFactory.class.getName());
        return p;
    }

    /** The URL without its parameters: servers and database only ({@link #parameters} go as driver properties). */
    public String serversUrl() {
        StringJoiner s = new StringJoiner(",", "jdbc:postgresql://", "/" + URLEncoder.encode(database, StandardCharsets.UTF_8));
        for (Server server : servers) {
            s.add(server.toString());
        }
        return s.toString();
    }

    /** host:port/database (all hosts, comma-separated), for messages. */
    public String where() {
        StringJoiner s = new StringJoiner(",", "", "/" + database);
        for (Server server : servers) {
            s.add(server.toString());
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "PgEndpoint[" + where() + ", user=" + user + ", password=****" + (sslPassword == null ? "" : ", sslPassword=****")
                + "]";
    }
}
