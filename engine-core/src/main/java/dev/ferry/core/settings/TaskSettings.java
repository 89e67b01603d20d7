package dev.ferry.core.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ConfigurationException;
import dev.ferry.core.spi.TargetTablePrepMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The task settings Ferry honours, named after their DMS keys. Loaded from DMS task-settings JSON
 * by {@link #parse}: keys Ferry does not use are logged and ignored, values Ferry cannot honour
 * are refused with their JSON path.
 *
 * @param targetTablePrepMode   FullLoadSettings.TargetTablePrepMode
 * @param maxFullLoadSubTasks   FullLoadSettings.MaxFullLoadSubTasks: tables loaded in parallel, 1..49
 * @param batchApplyTimeoutMin  ChangeProcessingTuning.BatchApplyTimeoutMin: longest wait to fill a CDC batch
 * @param batchApplyMaxChanges  ChangeProcessingTuning.BatchSplitSize: most changes in one CDC batch (0 = Ferry's default)
 * @param controlSchema         ControlTablesSettings.ControlSchema: where checkpoints live on the target
 * @param typeMappingProfile    FerrySettings.TypeMappingProfile (a Ferry extension): the target's column types
 */
public record TaskSettings(TargetTablePrepMode targetTablePrepMode, int maxFullLoadSubTasks,
                           Duration batchApplyTimeoutMin, int batchApplyMaxChanges, String controlSchema,
                           TypeMappingProfile typeMappingProfile) {

    private static final Logger LOG = LoggerFactory.getLogger(TaskSettings.class);
    public static final int DEFAULT_BATCH_CHANGES = 50_000;
    public static final String DEFAULT_CONTROL_SCHEMA = "ferry";

    public TaskSettings {
        if (targetTablePrepMode == null) {
            throw new ConfigurationException("FullLoadSettings.TargetTablePrepMode must be set");
        }
        if (maxFullLoadSubTasks < 1 || maxFullLoadSubTasks > 49) {
            throw new ConfigurationException("FullLoadSettings.MaxFullLoadSubTasks must be 1..49, was " + maxFullLoadSubTasks);
        }
        if (batchApplyTimeoutMin == null || batchApplyTimeoutMin.isNegative() || batchApplyTimeoutMin.isZero()) {
            throw new ConfigurationException("ChangeProcessingTuning.BatchApplyTimeoutMin must be > 0, was " + batchApplyTimeoutMin);
        }
        if (batchApplyMaxChanges < 0) {
            throw new ConfigurationException("ChangeProcessingTuning.BatchSplitSize must be >= 0, was " + batchApplyMaxChanges);
        }
        if (batchApplyMaxChanges == 0) {
            batchApplyMaxChanges = DEFAULT_BATCH_CHANGES;
        }
        if (controlSchema == null || controlSchema.isBlank()) {
            controlSchema = DEFAULT_CONTROL_SCHEMA;
        }
        if (typeMappingProfile == null) {
            typeMappingProfile = TypeMappingProfile.NATIVE;
        }
    }

    /** Settings with the native type-mapping profile. */
    public TaskSettings(TargetTablePrepMode targetTablePrepMode, int maxFullLoadSubTasks, Duration batchApplyTimeoutMin,
                        int batchApplyMaxChanges, String controlSchema) {
        this(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges, controlSchema,
                TypeMappingProfile.NATIVE);
    }

    // --- Ferry extensions (FerrySettings) ---------------------------------------------------------

    /** These settings with the column types of {@code profile} (FerrySettings.TypeMappingProfile). */
    public TaskSettings withTypeMappingProfile(TypeMappingProfile profile) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges,
                controlSchema, profile);
    }

    /** The section of the settings JSON that holds Ferry's extensions. */
    static final String FERRY_SECTION = "FerrySettings";

    /** Reads {@code $.FerrySettings.TypeMappingProfile}; the default when absent. */
    private static TypeMappingProfile typeMappingProfile(JsonNode root, List<String> problems) {
        JsonNode v = root.path(FERRY_SECTION).path("TypeMappingProfile");
        if (v.isMissingNode() || v.isNull()) {
            return TypeMappingProfile.NATIVE;
        }
        if (!v.isTextual()) {
            problems.add("$." + FERRY_SECTION + ".TypeMappingProfile: must be a string, native or dms, was " + v);
            return TypeMappingProfile.NATIVE;
        }
        try {
            return TypeMappingProfile.parse(v.asText());
        } catch (ConfigurationException e) {
            problems.add("$." + FERRY_SECTION + ".TypeMappingProfile: " + e.getMessage());
            return TypeMappingProfile.NATIVE;
        }
    }

    // ----------------------------------------------------------------------------------------------

    public static TaskSettings defaults() {
        return new TaskSettings(TargetTablePrepMode.DROP_AND_CREATE, 8, Duration.ofSeconds(1), 0, DEFAULT_CONTROL_SCHEMA);
    }

    public TaskSettings withTargetTablePrepMode(TargetTablePrepMode mode) {
        return new TaskSettings(mode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges, controlSchema, typeMappingProfile);
    }

    public TaskSettings withMaxFullLoadSubTasks(int n) {
        return new TaskSettings(targetTablePrepMode, n, batchApplyTimeoutMin, batchApplyMaxChanges, controlSchema, typeMappingProfile);
    }

    public TaskSettings withBatchApplyTimeoutMin(Duration d) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, d, batchApplyMaxChanges, controlSchema, typeMappingProfile);
    }

    public TaskSettings withBatchApplyMaxChanges(int n) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, n, controlSchema, typeMappingProfile);
    }

    public TaskSettings withControlSchema(String schema) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges, schema, typeMappingProfile);
    }

    public static TaskSettings load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("task settings file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigurationException("cannot read task settings file " + file + ": " + e.getMessage(), e);
        }
    }

    // The keys honoured, per section; everything else is reported once as ignored.
    private static final Map<String, Set<String>> HONOURED = Map.of(
            "FullLoadSettings", Set.of("TargetTablePrepMode", "MaxFullLoadSubTasks"),
            "ChangeProcessingTuning", Set.of("BatchApplyTimeoutMin", "BatchSplitSize"),
            "ControlTablesSettings", Set.of("ControlSchema"),
            FERRY_SECTION, Set.of("TypeMappingProfile"));

    /** Parses DMS task-settings JSON; {@code origin} names the input in messages. */
    public static TaskSettings parse(String json, String origin) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException("task settings " + origin + " is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException("task settings " + origin + ": the top level must be a JSON object");
        }
        List<String> problems = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        TaskSettings d = defaults();
        TargetTablePrepMode mode = d.targetTablePrepMode();
        int subTasks = d.maxFullLoadSubTasks();
        Duration timeout = d.batchApplyTimeoutMin();
        int split = 0;
        String controlSchema = d.controlSchema();

        for (Map.Entry<String, JsonNode> section : root.properties()) {
            Set<String> keys = HONOURED.get(section.getKey());
            if (keys == null || !section.getValue().isObject()) {
                ignored.add(section.getKey());
                continue;
            }
            for (Map.Entry<String, JsonNode> e : section.getValue().properties()) {
                if (!keys.contains(e.getKey())) {
                    if (FERRY_SECTION.equals(section.getKey())) {
                        // Ferry's own section: an unknown key is a typo, not a DMS key Ferry does without
                        problems.add("$." + FERRY_SECTION + "." + e.getKey() + ": unknown key (known: " + String.join(", ", keys) + ")");
                    } else {
                        ignored.add(section.getKey() + "." + e.getKey());
                    }
                }
            }
        }
        JsonNode full = root.path("FullLoadSettings");
        if (full.has("TargetTablePrepMode")) {
            String v = full.get("TargetTablePrepMode").asText();
            try {
                mode = TargetTablePrepMode.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("$.FullLoadSettings.TargetTablePrepMode: '" + v
                        + "' is not one of DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD, DO_NOTHING");
            }
        }
        subTasks = intIn(full, "MaxFullLoadSubTasks", "$.FullLoadSettings", 1, 49, subTasks, problems);
        JsonNode tuning = root.path("ChangeProcessingTuning");
        int seconds = intIn(tuning, "BatchApplyTimeoutMin", "$.ChangeProcessingTuning", 1, 86_400, (int) timeout.toSeconds(), problems);
        timeout = Duration.ofSeconds(seconds);
        split = intIn(tuning, "BatchSplitSize", "$.ChangeProcessingTuning", 0, 10_000_000, split, problems);
        JsonNode control = root.path("ControlTablesSettings");
        if (control.has("ControlSchema") && !control.get("ControlSchema").asText().isBlank()) {
            controlSchema = control.get("ControlSchema").asText();
        }
        TypeMappingProfile profile = typeMappingProfile(root, problems);
        if (!problems.isEmpty()) {
            throw new ConfigurationException("task settings " + origin, problems);
        }
        if (!ignored.isEmpty()) {
            LOG.warn("task settings {}: not used by Ferry, ignored: {}", origin, String.join(", ", ignored));
        }
        return new TaskSettings(mode, subTasks, timeout, split, controlSchema, profile);
    }

    private static int intIn(JsonNode section, String key, String path, int min, int max, int fallback, List<String> problems) {
        if (!section.has(key)) {
            return fallback;
        }
        JsonNode v = section.get(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            problems.add(path + "." + key + ": must be a whole number, was " + v);
            return fallback;
        }
        int i = v.asInt();
        if (i < min || i > max) {
            problems.add(path + "." + key + ": must be " + min + ".." + max + ", was " + i);
            return fallback;
        }
        return i;
    }
}
