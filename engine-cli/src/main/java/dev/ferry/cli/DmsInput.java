package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ConfigurationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code ferry import-dms} reads, in one shape whatever wrote it: the replication tasks and
 * endpoints of {@code aws dms describe-replication-tasks} / {@code describe-endpoints} output, or the
 * {@code aws_dms_replication_task} and {@code aws_dms_endpoint} resources of {@code terraform show
 * -json} (root module and every child module). The format is recognised by its top-level keys.
 *
 * <p>Every value Ferry does not map is kept, by the input's own key, in {@code notCarried}, so the
 * import can say what it left behind; only the keys that describe the AWS resource itself (status,
 * statistics, dates, tags, KMS key, replication instance) are dropped without a word. A password is
 * never read into these records: only whether one was there.
 */
final class DmsInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One DMS replication task. {@code where} names the file and the task's place in it, for messages. */
    record Task(String id, String where, String migrationType, String tableMappings, String tableMappingsWhere,
                String settings, String settingsWhere, String sourceArn, String targetArn, Map<String, String> cdc,
                Map<String, String> notCarried) {
    }

    /**
     * One DMS endpoint; {@code port} and the connection keys may be null;
     * {@code notCarried} maps each key Ferry has no option for (flattened: {@code
     * MicrosoftSQLServerSettings.ReadBackupOnly}) to its value.
     */
    record Endpoint(String arn, String id, String engine, String server, Integer port, String database, String user,
                    String sslMode, String certificateArn, String slotName, Map<String, String> notCarried) {
    }

    /** The input's format, named by the command that writes it. */
    enum Format {
        AWS_CLI("aws dms describe-replication-tasks"), TERRAFORM("terraform show -json");

        final String label;

        Format(String label) {
            this.label = label;
        }
    }

    final Format format;
    final List<Task> tasks;
    final List<Endpoint> endpoints;

    private DmsInput(Format format, List<Task> tasks, List<Endpoint> endpoints) {
        this.format = format;
        this.tasks = tasks;
        this.endpoints = endpoints;
    }

    // Keys that describe the AWS resource, not what moves: dropped without a word.
    private static final Set<String> AWS_TASK_METADATA = Set.of("ReplicationTaskArn", "ReplicationInstanceArn",
            "TargetReplicationInstanceArn", "Status", "StopReason", "ReplicationTaskCreationDate", "ReplicationTaskStartDate",
            "ReplicationTaskStats", "LastFailureMessage");
    private static final Set<String> AWS_ENDPOINT_METADATA = Set.of("Status", "KmsKeyId", "EngineDisplayName",
            "ExternalId");
    private static final Set<String> TF_METADATA = Set.of("id", "tags", "tags_all", "region", "timeouts",
            "replication_instance_arn", "replication_task_arn", "start_replication_task", "status", "kms_key_arn",
            "pause_replication_tasks", "resource_identifier");
    private static final Set<String> CDC_KEYS_AWS = Set.of("CdcStartPosition", "CdcStartTime", "CdcStopPosition");
    private static final Set<String> CDC_KEYS_TF = Set.of("cdc_start_position", "cdc_start_time", "cdc_stop_position");

    /** Reads the tasks file and, when given, the endpoints file (either may be either format). */
    static DmsInput read(Path tasksFile, Path endpointsFile) {
        JsonNode root = readJson(tasksFile);
        List<Task> tasks = new ArrayList<>();
        List<Endpoint> endpoints = new ArrayList<>();
        Format format;
        String name = tasksFile.toString();
        if (root.has("ReplicationTasks")) {
            format = Format.AWS_CLI;
            JsonNode list = root.get("ReplicationTasks");
            if (!list.isArray()) {
                throw new ConfigurationException(name + ": $.ReplicationTasks must be an array, was " + kind(list));
            }
            for (int i = 0; i < list.size(); i++) {
                tasks.add(awsTask(list.get(i), name, "$.ReplicationTasks[" + i + "]"));
            }
            if (tasks.isEmpty()) {
                throw new ConfigurationException(name + ": $.ReplicationTasks is empty: no replication task to import");
            }
        } else if (terraformModule(root) != null) {
            format = Format.TERRAFORM;
            List<JsonNode> resources = new ArrayList<>();
            terraformResources(terraformModule(root), resources);
            for (JsonNode r : resources) {
                String type = r.path("type").asText();
                if (type.equals("aws_dms_replication_task")) {
                    tasks.add(terraformTask(r, name));
                } else if (type.equals("aws_dms_endpoint")) {
                    endpoints.add(terraformEndpoint(r, name));
                }
            }
            if (tasks.isEmpty()) {
                throw new ConfigurationException(name + ": no aws_dms_replication_task resource in " + terraformKey(root)
                        + ".root_module or its child_modules: no replication task to import");
            }
        } else {
            throw new ConfigurationException(name + ": neither the output of 'aws dms describe-replication-tasks' "
                    + "($.ReplicationTasks) nor of 'terraform show -json' ($.values.root_module)");
        }
        if (endpointsFile != null) {
            endpoints.addAll(readEndpoints(endpointsFile));
        }
        return new DmsInput(format, tasks, endpoints);
    }

    private static List<Endpoint> readEndpoints(Path file) {
        JsonNode root = readJson(file);
        String name = file.toString();
        List<Endpoint> endpoints = new ArrayList<>();
        if (root.has("Endpoints")) {
            JsonNode list = root.get("Endpoints");
            if (!list.isArray()) {
                throw new ConfigurationException(name + ": $.Endpoints must be an array, was " + kind(list));
            }
            for (int i = 0; i < list.size(); i++) {
                endpoints.add(awsEndpoint(list.get(i), name, "$.Endpoints[" + i + "]"));
            }
        } else if (terraformModule(root) != null) {
            List<JsonNode> resources = new ArrayList<>();
            terraformResources(terraformModule(root), resources);
            for (JsonNode r : resources) {
                if (r.path("type").asText().equals("aws_dms_endpoint")) {
                    endpoints.add(terraformEndpoint(r, name));
                }
            }
        } else {
            throw new ConfigurationException(name + ": neither the output of 'aws dms describe-endpoints' ($.Endpoints) "
                    + "nor of 'terraform show -json' ($.values.root_module)");
        }
        if (endpoints.isEmpty()) {
            throw new ConfigurationException(name + ": no endpoint in it ($.Endpoints is empty, or no aws_dms_endpoint resource)");
        }
        return endpoints;
    }

    private static JsonNode readJson(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(file + " does not exist");
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(file + " is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(file + ": the top level must be a JSON object, was " + kind(root));
        }
        return root;
    }

    // ---- aws dms describe-* ----

    private static Task awsTask(JsonNode t, String file, String path) {
        String where = file + " " + path;
        if (t == null || !t.isObject()) {
            throw new ConfigurationException(where + ": must be an object, was " + kind(t));
        }
        String id = taskId(required(t, "ReplicationTaskIdentifier", where), where + ".ReplicationTaskIdentifier");
        Map<String, String> cdc = new LinkedHashMap<>();
        Map<String, String> other = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : t.properties()) {
            String key = e.getKey();
            if (CDC_KEYS_AWS.contains(key)) {
                putIfSet(cdc, key, e.getValue());
            } else if (!AWS_TASK_METADATA.contains(key) && !Set.of("ReplicationTaskIdentifier", "SourceEndpointArn",
                    "TargetEndpointArn", "MigrationType", "TableMappings", "ReplicationTaskSettings").contains(key)) {
                flatten(key, e.getValue(), other);
            }
        }
        return new Task(id, where, required(t, "MigrationType", where), jsonText(t, "TableMappings", where, true),
                where + ".TableMappings", jsonText(t, "ReplicationTaskSettings", where, false),
                where + ".ReplicationTaskSettings", required(t, "SourceEndpointArn", where),
                required(t, "TargetEndpointArn", where), cdc, other);
    }

    private static Endpoint awsEndpoint(JsonNode e, String file, String path) {
        String where = file + " " + path;
        if (e == null || !e.isObject()) {
            throw new ConfigurationException(where + ": must be an object, was " + kind(e));
        }
        String engine = required(e, "EngineName", where);
        // the engine's own settings repeat the connection keys; the top-level ones win
        JsonNode engineSettings = e.has("PostgreSQLSettings") ? e.get("PostgreSQLSettings") : e.path("MicrosoftSQLServerSettings");
        String settingsName = e.has("PostgreSQLSettings") ? "PostgreSQLSettings" : "MicrosoftSQLServerSettings";
        Map<String, String> other = new LinkedHashMap<>();
        Set<String> used = Set.of("EndpointArn", "EndpointIdentifier", "EndpointType", "EngineName", "ServerName", "Port",
                "DatabaseName", "Username", "Password", "SslMode", "CertificateArn", "PostgreSQLSettings", "MicrosoftSQLServerSettings");
        for (Map.Entry<String, JsonNode> f : e.properties()) {
            if (!used.contains(f.getKey()) && !AWS_ENDPOINT_METADATA.contains(f.getKey())) {
                flatten(f.getKey(), f.getValue(), other);
            }
        }
        for (String name : List.of("PostgreSQLSettings", "MicrosoftSQLServerSettings")) {
            for (Map.Entry<String, JsonNode> f : e.path(name).properties()) {
                if (!Set.of("ServerName", "Port", "DatabaseName", "Username", "Password", "SlotName").contains(f.getKey())) {
                    flatten(name + "." + f.getKey(), f.getValue(), other);
                }
            }
        }
        String server = firstText(e.get("ServerName"), engineSettings.get("ServerName"));
        String port = firstText(e.get("Port"), engineSettings.get("Port"));
        return new Endpoint(required(e, "EndpointArn", where), required(e, "EndpointIdentifier", where), engine, server,
                port(port, where + ".Port"), firstText(e.get("DatabaseName"), engineSettings.get("DatabaseName")),
                firstText(e.get("Username"), engineSettings.get("Username")), firstText(e.get("SslMode")),
                firstText(e.get("CertificateArn")), firstText(e.path("PostgreSQLSettings").get("SlotName")), other);
    }

    // ---- terraform show -json ----

    private static JsonNode terraformModule(JsonNode root) {
        // the state's "values"; a saved plan's "planned_values" (whose ARNs are unknown until applied)
        for (String key : List.of("values", "planned_values")) {
            JsonNode m = root.path(key).get("root_module");
            if (m != null && m.isObject()) {
                return m;
            }
        }
        return null;
    }

    private static String terraformKey(JsonNode root) {
        return root.path("values").has("root_module") ? "$.values" : "$.planned_values";
    }

    /** The attributes Terraform marks sensitive ({@code sensitive_values}: {@code true} or a nested mark). */
    private static Set<String> sensitive(JsonNode resource) {
        Set<String> keys = new java.util.HashSet<>();
        for (Map.Entry<String, JsonNode> e : resource.path("sensitive_values").properties()) {
            if (marked(e.getValue())) {
                keys.add(e.getKey());
            }
        }
        keys.remove("password"); // handled on its own: never read
        keys.remove("postgres_settings");
        return keys;
    }

    private static boolean marked(JsonNode mark) {
        if (mark.isBoolean()) {
            return mark.asBoolean();
        }
        for (JsonNode n : mark) {
            if (marked(n)) {
                return true;
            }
        }
        return false;
    }

    private static void terraformResources(JsonNode module, List<JsonNode> into) {
        for (JsonNode r : module.path("resources")) {
            into.add(r);
        }
        for (JsonNode child : module.path("child_modules")) {
            terraformResources(child, into);
        }
    }

    private static Task terraformTask(JsonNode r, String file) {
        String where = file + " " + r.path("address").asText("aws_dms_replication_task");
        JsonNode v = r.path("values");
        String id = taskId(required(v, "replication_task_id", where), where + ".replication_task_id");
        Map<String, String> cdc = new LinkedHashMap<>();
        Map<String, String> other = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String key = e.getKey();
            if (CDC_KEYS_TF.contains(key)) {
                putIfSet(cdc, key, e.getValue());
            } else if (!TF_METADATA.contains(key) && !Set.of("replication_task_id", "migration_type", "table_mappings",
                    "replication_task_settings", "source_endpoint_arn", "target_endpoint_arn").contains(key)) {
                flatten(key, e.getValue(), other);
            }
        }
        return new Task(id, where, required(v, "migration_type", where), jsonText(v, "table_mappings", where, true),
                where + ".table_mappings", jsonText(v, "replication_task_settings", where, false),
                where + ".replication_task_settings", requiredArn(v, "source_endpoint_arn", where),
                requiredArn(v, "target_endpoint_arn", where), cdc, other);
    }

    private static Endpoint terraformEndpoint(JsonNode r, String file) {
        String where = file + " " + r.path("address").asText("aws_dms_endpoint");
        JsonNode v = r.path("values");
        Map<String, String> other = new LinkedHashMap<>();
        Set<String> sensitive = sensitive(r);
        Set<String> used = Set.of("endpoint_arn", "endpoint_id", "endpoint_type", "engine_name", "server_name", "port",
                "database_name", "username", "password", "ssl_mode", "certificate_arn", "postgres_settings");
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (sensitive.contains(e.getKey()) && firstText(e.getValue()) != null) {
                other.put(e.getKey(), "(sensitive; never copied)");
            } else if (!used.contains(e.getKey()) && !TF_METADATA.contains(e.getKey())) {
                flatten(e.getKey(), e.getValue(), other);
            }
        }
        // a block is a list of at most one object in the JSON state
        JsonNode pg = v.path("postgres_settings").path(0);
        for (Map.Entry<String, JsonNode> e : pg.properties()) {
            if (!e.getKey().equals("slot_name")) {
                flatten("postgres_settings." + e.getKey(), e.getValue(), other);
            }
        }
        return new Endpoint(requiredArn(v, "endpoint_arn", where), required(v, "endpoint_id", where),
                required(v, "engine_name", where), firstText(v.get("server_name")), port(firstText(v.get("port")), where + ".port"),
                firstText(v.get("database_name")), firstText(v.get("username")), firstText(v.get("ssl_mode")),
                firstText(v.get("certificate_arn")), firstText(pg.get("slot_name")), other);
    }

    // ---- helpers ----

    private static String required(JsonNode node, String key, String where) {
        String s = firstText(node.get(key));
        if (s == null) {
            throw new ConfigurationException(where + ": missing " + key);
        }
        return s;
    }

    /** DMS's identifiers are letters, digits and hyphens; anything else would not be a file name or Ferry task name. */
    private static String taskId(String id, String where) {
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new ConfigurationException(where + ": '" + id + "' is not a task name (letters, digits, - and _)");
        }
        return id;
    }

    private static String requiredArn(JsonNode node, String key, String where) {
        String s = firstText(node.get(key));
        if (s == null) {
            throw new ConfigurationException(where + ": missing " + key + " (a saved plan leaves ARNs unknown: import "
                    + "'terraform show -json' of the state, after 'terraform apply')");
        }
        return s;
    }

    /** A JSON document given as a string (as DMS and Terraform hold it) or, accepted too, inline. */
    private static String jsonText(JsonNode node, String key, String where, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            if (required) {
                throw new ConfigurationException(where + ": missing " + key);
            }
            return null;
        }
        if (v.isObject()) {
            return v.toString();
        }
        if (!v.isTextual()) {
            throw new ConfigurationException(where + "." + key + ": must be a JSON document in a string, was " + kind(v));
        }
        return v.asText();
    }

    private static Integer port(String text, String where) {
        if (text == null) {
            return null;
        }
        try {
            int p = Integer.parseInt(text.trim());
            if (p > 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(where + ": must be a port number 1..65535, was " + text);
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode n : nodes) {
            if (n != null && n.isValueNode() && !n.isNull() && !n.asText().isBlank()) {
                return n.asText();
            }
        }
        return null;
    }

    private static void putIfSet(Map<String, String> into, String key, JsonNode v) {
        String s = firstText(v);
        if (s != null) {
            into.put(key, s);
        }
    }

    /** Keeps every set value under its dotted key; nulls, empty strings, lists and objects are not settings. */
    private static void flatten(String key, JsonNode v, Map<String, String> into) {
        if (v == null || v.isNull()) {
            return;
        }
        if (v.isObject()) {
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                flatten(key + "." + e.getKey(), e.getValue(), into);
            }
        } else if (v.isArray()) {
            if (v.size() == 1 && v.get(0).isObject()) {
                flatten(key, v.get(0), into); // a Terraform block
            } else if (!v.isEmpty()) {
                into.put(key, v.toString());
            }
        } else if (!v.asText().isEmpty() && !(v.isBoolean() && !v.asBoolean()) && !(v.isNumber() && v.asDouble() == 0)) {
            // false, 0 and "" are how Terraform and DMS show a setting left alone
            into.put(key, secret(key) ? "(set; never copied)" : v.asText());
        }
    }

    /** A key whose value is a secret (any *Password*, Oracle's SecurityDbEncryption): its value is never shown. */
    static boolean secret(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        return last.contains("password") || last.contains("securitydbencryption");
    }

    private static String kind(JsonNode n) {
        return n == null || n.isNull() ? "null" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
