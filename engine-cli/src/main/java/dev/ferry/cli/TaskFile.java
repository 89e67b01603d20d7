package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ferry.core.ConfigurationException;
import dev.ferry.core.Endpoints;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.settings.CdcStart;
import dev.ferry.core.settings.CdcStop;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.SourceFactory;
import dev.ferry.core.spi.TargetFactory;
import dev.ferry.core.task.MigrationType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A task file (YAML): name, migration type, source and target endpoints, optional DMS
 * table-mapping and task-settings files. Every problem is reported at once, with the file and
 * key. Passwords come inline ({@code password}), from an environment variable
 * ({@code passwordEnv}) or from a file ({@code passwordFile}).
 */
record TaskFile(String name, MigrationType migrationType, EndpointConfig source, EndpointConfig target,
                TableMappings mappings, TaskSettings settings, CdcStart cdcStart, CdcStop cdcStop) {

    private static final Set<String> TOP_LEVEL = Set.of("name", "migrationType", "source", "target", "tableMappings",
            "taskSettings", "cdcStartPosition", "cdcStartTime", "cdcStopPosition");

    static TaskFile load(Path file) {
        return load(file, System::getenv);
    }

    static TaskFile load(Path file, Function<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("task file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigurationException("cannot read task file " + file + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(yamlProblem(file, e));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException("task file " + file + " must be a YAML mapping with source and target");
        }
        List<String> problems = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_LEVEL.contains(key)) {
                problems.add("unknown key '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)) + ")");
            }
        }
        String fileName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = root.hasNonNull("name") ? root.get("name").asText() : fileName.replaceAll("[^A-Za-z0-9_-]", "-");
        MigrationType type = MigrationType.FULL_LOAD_AND_CDC;
        if (root.hasNonNull("migrationType")) {
            try {
                type = MigrationType.parse(root.get("migrationType").asText());
            } catch (ConfigurationException e) {
                problems.add("migrationType: " + e.getMessage());
            }
        }
        EndpointConfig source = endpoint(root, "source", SourceFactory.class, env, problems);
        EndpointConfig target = endpoint(root, "target", TargetFactory.class, env, problems);
        Path dir = file.toAbsolutePath().getParent();
        TableMappings mappings = TableMappings.includeAll();
        TaskSettings settings = TaskSettings.defaults();
        try {
            if (root.hasNonNull("tableMappings")) {
                mappings = TableMappings.load(dir.resolve(root.get("tableMappings").asText()));
            }
        } catch (ConfigurationException e) {
            for (String p : e.problems()) {
                problems.add("tableMappings " + root.get("tableMappings").asText() + ": " + p);
            }
        }
        try {
            if (root.hasNonNull("taskSettings")) {
                settings = TaskSettings.load(dir.resolve(root.get("taskSettings").asText()));
            }
        } catch (ConfigurationException e) {
            problems.add("taskSettings: " + e.getMessage());
        }
        // DMS's task parameters CdcStartPosition, CdcStartTime and CdcStopPosition
        CdcStart cdcStart = null;
        CdcStop cdcStop = null;
        try {
            cdcStart = CdcStart.parse(text(root, "cdcStartPosition"), text(root, "cdcStartTime"));
        } catch (ConfigurationException e) {
            problems.add("cdcStartPosition/cdcStartTime: " + e.getMessage());
        }
        try {
            cdcStop = CdcStop.parse(text(root, "cdcStopPosition"));
        } catch (ConfigurationException e) {
            problems.add("cdcStopPosition: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("task file " + file, problems);
        }
        return new TaskFile(name, type, source, target, mappings, settings, cdcStart, cdcStop);
    }

    /** The text of a top-level scalar key; null when absent. YAML may read a time or a number: its text is taken. */
    private static String text(JsonNode root, String key) {
        JsonNode v = root.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /**
     * A YAML syntax error in one line with one position. SnakeYAML's own message spans several
     * lines and names two marks (where the construct began and where it failed, "while scanning
     * ... found ..."); the second is where the problem is.
     */
    static String yamlProblem(Path file, JsonProcessingException e) {
        String problem = null;
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
                problem = m.getProblem();
                if (m.getProblemMark() != null) {
                    line = m.getProblemMark().getLine() + 1;
                    column = m.getProblemMark().getColumn() + 1;
                }
                break;
            }
        }
        if (problem == null) {
            problem = e.getOriginalMessage();
        }
        if (problem.contains("\t") || problem.contains("\\t") || problem.contains("TAB")) {
            problem = "tabs cannot indent YAML; use spaces";
        } else {
            problem = problem.lines().findFirst().orElse("").strip();
            if (problem.endsWith(".") || problem.endsWith(":")) {
                problem = problem.substring(0, problem.length() - 1);
            }
        }
        return "task file " + file + ": line " + line + ", column " + column + ": " + problem;
    }

    private static EndpointConfig endpoint(JsonNode root, String role, Class<? extends dev.ferry.core.spi.EndpointFactory> kind,
                                           Function<String, String> env, List<String> problems) {
        JsonNode node = root.get(role);
        if (node == null || node.isNull()) {
            problems.add("missing key '" + role + "'");
            return null;
        }
        if (!node.isObject()) {
            problems.add(role + ": must be a mapping with type, connection and credentials");
            return null;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isValueNode()) {
                problems.add(role + "." + e.getKey() + ": must be a single value");
                continue;
            }
            settings.put(e.getKey(), e.getValue().asText());
        }
        String type = settings.remove("type");
        if (type == null || type.isBlank()) {
            problems.add(role + ": missing key 'type' (known: " + String.join(", ", Endpoints.known(kind)) + ")");
            return null;
        }
        if (!Endpoints.known(kind).contains(type)) {
            problems.add(role + ".type: unknown endpoint type '" + type + "' (known: " + String.join(", ", Endpoints.known(kind)) + ")");
            return null;
        }
        int sources = (settings.containsKey("password") ? 1 : 0) + (settings.containsKey("passwordEnv") ? 1 : 0)
                + (settings.containsKey("passwordFile") ? 1 : 0);
        if (sources > 1) {
            problems.add(role + ": give only one of password, passwordEnv and passwordFile");
        }
        String variable = settings.remove("passwordEnv");
        if (variable != null) {
            String value = env.apply(variable);
            if (value == null) {
                problems.add(role + ".passwordEnv: environment variable " + variable + " is not set");
            } else {
                settings.put("password", value);
            }
        }
        String passwordFile = settings.remove("passwordFile");
        if (passwordFile != null) {
            try {
                settings.put("password", Files.readString(Path.of(passwordFile)).strip());
            } catch (IOException e) {
                problems.add(role + ".passwordFile: cannot read " + passwordFile + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        EndpointConfig config = new EndpointConfig(type, settings);
        try {
            Endpoints.check(Endpoints.find(kind, type, role), config, role);
        } catch (ConfigurationException e) {
            for (String p : e.problems()) {
                problems.add(role + ": " + p);
            }
        }
        return config;
    }
}
