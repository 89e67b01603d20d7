package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.core.ConfigurationException;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.task.MigrationType;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns one DMS replication task (and its endpoints, when described) into a Ferry task file with its
 * table-mapping and task-settings files, and lists everything it could not carry over.
 *
 * <p>Rules: a password is never written (the task file gets {@code passwordEnv} with a variable
 * named after the DMS endpoint); an endpoint Ferry cannot use (an engine it has no plug-in for, a
 * SQL Server target, an endpoint not described) is still written, with the DMS engine as its
 * {@code type} or {@code CHANGE-ME} in place of what is missing, so that {@code ferry run} refuses it
 * by name; such a gap is a {@link Note#blocking blocking} note. The mapping and settings JSON are
 * written as DMS had them (pretty-printed) and checked with Ferry's own parsers, whose refusals
 * become blocking notes too.
 */
final class DmsImport {
    static final String CHANGE_ME = "CHANGE-ME";
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9._/-]*");
    private static final Pattern YAML_WORDS = Pattern.compile("(?i)true|false|yes|no|on|off|y|n|null|~");

    /** Something not carried over; a blocking one keeps the task file from running as written. */
    record Note(boolean blocking, String text) {
    }

    /**
     * A converted task: the three files' text ({@code settings} null when DMS gave none), the
     * password variables to set (name to what it is for), the notes, and a one-line description.
     */
    record Imported(String id, String yaml, String mappings, String settings, Map<String, String> passwordVariables,
                    List<Note> notes, String description) {
        boolean runnable() {
            return notes.stream().noneMatch(Note::blocking);
        }

        String yamlFile() {
            return id + ".yaml";
        }

        String mappingsFile() {
            return id + "-mappings.json";
        }

        String settingsFile() {
            return id + "-settings.json";
        }
    }

    private DmsImport() {
    }

    /**
     * Converts {@code task}. {@code endpoints} are all the endpoints described (possibly none: then
     * both endpoints are placeholders). An ARN that none of them has is an error when some were
     * described.
     */
    static Imported convert(DmsInput.Task task, List<DmsInput.Endpoint> endpoints, String endpointsOrigin) {
        List<Note> notes = new ArrayList<>();
        Map<String, String> passwords = new LinkedHashMap<>();
        MigrationType type;
        try {
            type = MigrationType.parse(task.migrationType());
        } catch (ConfigurationException e) {
            throw new ConfigurationException(task.where() + ": " + e.getMessage());
        }
        StringBuilder yaml = new StringBuilder();
        yaml.append("# imported by 'ferry import-dms' from ").append(task.where()).append('\n');
        yaml.append("name: ").append(scalar(task.id())).append('\n');
        yaml.append("migrationType: ").append(type.dmsName()).append('\n');
        String from = endpoint("source", task, task.sourceArn(), endpoints, endpointsOrigin, yaml, notes, passwords);
        String to = endpoint("target", task, task.targetArn(), endpoints, endpointsOrigin, yaml, notes, passwords);

        String mappings = pretty(task.tableMappings(), task.tableMappingsWhere());
        yaml.append("tableMappings: ").append(scalar(task.id() + "-mappings.json")).append('\n');
        try {
            TableMappings.parse(mappings, task.id() + "-mappings.json");
        } catch (ConfigurationException e) {
            for (String p : e.problems()) {
                notes.add(new Note(true, "tableMappings: Ferry refuses it: " + p));
            }
        }
        String settings = null;
        if (task.settings() != null) {
            settings = pretty(task.settings(), task.settingsWhere());
            yaml.append("taskSettings: ").append(scalar(task.id() + "-settings.json")).append('\n');
            try {
                TaskSettings.parse(settings, task.id() + "-settings.json");
                // TaskSettings names the keys it ignores in its own warning; one wording, in one place
                notes.add(new Note(false, "taskSettings: the keys Ferry does not use, if any, are named by the warning "
                        + "'task settings " + task.id() + "-settings.json: not used by Ferry, ignored: ...' (also at each ferry run)"));
            } catch (ConfigurationException e) {
                for (String p : e.problems()) {
                    notes.add(new Note(true, "taskSettings: Ferry refuses it: " + p));
                }
            }
        } else {
            notes.add(new Note(false, "no task settings in " + task.where()
                    + " (describe-replication-tasks --without-settings?): Ferry's defaults apply"));
        }
        for (Map.Entry<String, String> e : task.cdc().entrySet()) {
            String key = switch (e.getKey()) {
                case "CdcStartPosition", "cdc_start_position" -> "cdcStartPosition";
                case "CdcStartTime", "cdc_start_time" -> "cdcStartTime";
                default -> "cdcStopPosition";
            };
            try {
                if (key.equals("cdcStopPosition")) {
                    dev.ferry.core.settings.CdcStop.parse(e.getValue());
                } else {
                    dev.ferry.core.settings.CdcStart.parse(key.equals("cdcStartPosition") ? e.getValue() : null,
                            key.equals("cdcStartTime") ? e.getValue() : null);
                }
            } catch (ConfigurationException bad) {
                notes.add(new Note(true, e.getKey() + " = " + e.getValue() + ": not carried over, Ferry refuses it: "
                        + bad.getMessage()));
                continue;
            }
            yaml.append(key).append(": ").append(scalar(e.getValue())).append('\n');
            boolean postgresTime = key.equals("cdcStartTime") && from.startsWith("postgres");
            notes.add(new Note(postgresTime, e.getKey() + " = " + e.getValue() + ": carried over (as " + key + ")"
                    + (postgresTime ? ", but a PostgreSQL source cannot start at a time (logical decoding maps no time to a "
                    + "WAL position): give cdcStartPosition an LSN or remove the key"
                    : "; see docs/cdc-start-stop.md: a start applies to a CDC-only task's first start")));
        }
        for (Map.Entry<String, String> e : task.notCarried().entrySet()) {
            notes.add(new Note(false, "task " + e.getKey() + " = " + e.getValue() + ": not used by Ferry"));
        }
        notes.sort(java.util.Comparator.comparing(n -> !n.blocking())); // what to edit first; stable otherwise
        return new Imported(task.id(), yaml.toString(), mappings, settings, passwords, List.copyOf(notes),
                type.dmsName() + ", " + from + " -> " + to);
    }

    /** Writes one endpoint section; returns how to name it in the summary. */
    private static String endpoint(String role, DmsInput.Task task, String arn, List<DmsInput.Endpoint> endpoints,
                                   String endpointsOrigin, StringBuilder yaml, List<Note> notes, Map<String, String> passwords) {
        yaml.append(role).append(":\n");
        if (endpoints.isEmpty()) {
            String variable = variable(task.id() + "-" + role);
            passwords.put(variable, "the " + role + "'s password");
            yaml.append("  # DMS endpoint ").append(arn).append(" was not described: fill in its type (postgres")
                    .append(role.equals("source") ? " or sqlserver" : "").append("), host, database and user\n");
            yaml.append("  type: ").append(CHANGE_ME).append('\n');
            yaml.append("  host: ").append(CHANGE_ME).append('\n');
            yaml.append("  database: ").append(CHANGE_ME).append('\n');
            yaml.append("  user: ").append(CHANGE_ME).append('\n');
            yaml.append("  passwordEnv: ").append(variable).append('\n');
            notes.add(new Note(true, role + ": endpoint " + arn + " not described (give 'aws dms describe-endpoints' "
                    + "output with --endpoints): type, host, database and user are " + CHANGE_ME));
            return role + " " + CHANGE_ME;
        }
        DmsInput.Endpoint e = endpoints.stream().filter(x -> x.arn().equals(arn)).findFirst().orElseThrow(() ->
                new ConfigurationException(task.where() + ": its " + role + " endpoint " + arn + " is not in "
                        + endpointsOrigin + " (no endpoint with that ARN)"));
        String label = role + " endpoint " + e.id();
        String ferryType = ferryType(e.engine(), role);
        String variable = variable(e.id());
        passwords.put(variable, "password of DMS endpoint " + e.id());
        yaml.append("  # DMS endpoint ").append(e.id()).append(" (").append(e.engine()).append("), ").append(arn).append('\n');
        if (ferryType == null) {
            notes.add(new Note(true, label + ": engine '" + e.engine() + "' has no Ferry " + role + " (Ferry " + role
                    + "s: " + (role.equals("source") ? "postgres, aurora-postgresql, sqlserver" : "postgres, aurora-postgresql")
                    + "); the task file keeps type: " + e.engine() + " for you to replace"));
            yaml.append("  type: ").append(scalar(e.engine())).append('\n');
        } else {
            yaml.append("  type: ").append(ferryType).append('\n');
        }
        String host = orPlaceholder(e.server(), label, "ServerName", "host", notes);
        String database = orPlaceholder(e.database(), label, "DatabaseName", "database", notes);
        String user = orPlaceholder(e.user(), label, "Username", "user", notes);
        String ssl = e.sslMode() == null ? null : e.sslMode().toLowerCase(Locale.ROOT);
        if ("postgres".equals(ferryType) && ssl != null) {
            // Ferry takes pgjdbc's sslmode in the URL; DMS's "none" is no TLS at all
            String sslmode = ssl.equals("none") ? "disable" : ssl;
            if (!List.of("disable", "require", "verify-ca", "verify-full").contains(sslmode)) {
                notes.add(new Note(true, label + ": SslMode '" + e.sslMode() + "' is not one of none, require, verify-ca, "
                        + "verify-full"));
            }
            String urlHost = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host; // IPv6
            String url = "jdbc:postgresql://" + urlHost + (e.port() == null ? "" : ":" + e.port()) + "/"
                    + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20") + "?sslmode=" + sslmode;
            yaml.append("  url: ").append(scalar(url)).append('\n');
            if (e.certificateArn() != null && sslmode.startsWith("verify")) {
                notes.add(new Note(false, label + ": CertificateArn " + e.certificateArn() + " is a certificate imported "
                        + "into DMS: save that CA certificate as a file and add &sslrootcert=/path/to/ca.pem to the url "
                        + "(without it pgjdbc reads ~/.postgresql/root.crt)"));
            }
        } else {
            yaml.append("  host: ").append(scalar(host)).append('\n');
            if (e.port() != null) {
                yaml.append("  port: ").append(e.port()).append('\n');
            }
            yaml.append("  database: ").append(scalar(database)).append('\n');
        }
        yaml.append("  user: ").append(scalar(user)).append('\n');
        yaml.append("  passwordEnv: ").append(variable).append('\n');
        if ("sqlserver".equals(ferryType) && ssl != null) {
            switch (ssl) {
                case "none" -> yaml.append("  encrypt: false\n");
                // DMS "require" encrypts without checking the server's certificate
                case "require" -> yaml.append("  encrypt: true\n  trustServerCertificate: true\n");
                case "verify-ca", "verify-full" -> {
                    yaml.append("  encrypt: true\n  trustServerCertificate: false\n");
                    if (ssl.equals("verify-ca")) {
                        notes.add(new Note(false, label + ": SslMode verify-ca: the SQL Server driver always checks the "
                                + "host name too (verify-full); set hostNameInCertificate if the certificate names another host"));
                    }
                }
                default -> notes.add(new Note(true, label + ": SslMode '" + e.sslMode() + "' is not one of none, require, "
                        + "verify-ca, verify-full"));
            }
            if (e.certificateArn() != null && !ssl.equals("none")) {
                notes.add(new Note(false, label + ": CertificateArn " + e.certificateArn() + " is a certificate imported "
                        + "into DMS: add that CA certificate to the Java trust store ferry runs with"));
            }
        }
        if (e.slotName() != null) {
            if ("postgres".equals(ferryType) && role.equals("source")) {
                yaml.append("  slotName: ").append(scalar(e.slotName())).append('\n');
            } else {
                notes.add(new Note(false, label + ": slot name " + e.slotName() + ": only a PostgreSQL source has a slot"));
            }
        }
        for (Map.Entry<String, String> x : e.notCarried().entrySet()) {
            notes.add(new Note(false, label + ": " + x.getKey() + " = " + x.getValue() + ": " + why(x.getKey())));
        }
        String port = e.port() == null ? "" : ":" + e.port();
        return (ferryType == null ? e.engine() : ferryType) + " " + host + port + "/" + database;
    }

    private static String why(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.contains("heartbeat")) {
            return "Ferry always writes its own heartbeat (a logical decoding message every 5 s), needing no table";
        }
        if (k.contains("pluginname") || k.contains("plugin_name")) {
            return "Ferry always decodes with pgoutput";
        }
        if (k.contains("secretsmanager") || k.contains("secrets_manager")) {
            return "Ferry reads no AWS secret: give host, user and passwordEnv in the task file";
        }
        if (k.contains("extraconnectionattributes") || k.contains("extra_connection_attributes")) {
            return "Ferry has no extra connection attributes; see docs/postgres.md and docs/sqlserver.md for its options";
        }
        return "Ferry has no such option";
    }

    private static String orPlaceholder(String value, String label, String dmsKey, String ferryKey, List<Note> notes) {
        if (value != null) {
            return value;
        }
        notes.add(new Note(true, label + ": no " + dmsKey + " (kept in Secrets Manager?): " + ferryKey + " is " + CHANGE_ME));
        return CHANGE_ME;
    }

    /** Ferry's endpoint type for a DMS engine in a role, or null when Ferry has none. */
    static String ferryType(String engine, String role) {
        String e = engine.toLowerCase(Locale.ROOT);
        if (e.equals("postgres") || e.equals("aurora-postgresql")) {
            return "postgres";
        }
        if (e.equals("sqlserver") && role.equals("source")) {
            return "sqlserver";
        }
        return null;
    }

    /** The environment variable for an endpoint's password: its identifier in upper case, {@code _PASSWORD}. */
    static String variable(String identifier) {
        String v = identifier.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (v.isEmpty() || Character.isDigit(v.charAt(0))) {
            v = "DMS_" + v;
        }
        return v + "_PASSWORD";
    }

    private static String pretty(String json, String where) {
        JsonNode node;
        try {
            node = PRETTY.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(where + " is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + " of the string)");
        }
        if (node == null || !node.isObject()) {
            throw new ConfigurationException(where + ": must hold a JSON object");
        }
        try {
            return PRETTY.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree just read always writes
        }
    }

    /** A YAML scalar: plain when that is unambiguous, else double-quoted (JSON's escapes are YAML's). */
    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !YAML_WORDS.matcher(s).matches()) {
            return s;
        }
        try {
            return PRETTY.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
