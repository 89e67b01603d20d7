package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.spi.TargetTablePrepMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
 * @param targetSchema          TargetMetadata.TargetSchema: the target schema of every table; empty = the source's schema
 * @param lobs                  TargetMetadata's LOB settings (SupportLobs, FullLobMode, LimitedSizeLobMode, LobMaxSize)
 * @param typeMappingProfile    FerrySettings.TypeMappingProfile (a Ferry extension): the target's column types
 */
public record TaskSettings(TargetTablePrepMode targetTablePrepMode, int maxFullLoadSubTasks,
                           Duration batchApplyTimeoutMin, int batchApplyMaxChanges, String controlSchema,
                           // TargetMetadata
                           String targetSchema, Lobs lobs,
                           // FerrySettings (Ferry extensions)
                           TypeMappingProfile typeMappingProfile) {

    /**
     * How LOB columns move (DMS's TargetMetadata LOB settings). Which columns are LOBs is decided per
     * column by {@code dev.ferry.core.task.LobLimits}.
     */
    public enum LobMode {
        /** SupportLobs false: DMS leaves LOB columns out; Ferry refuses a selected table that has one. */
        NONE,
        /** FullLobMode: every LOB moves whole, whatever its size (Ferry's default). */
        FULL,
        /** LimitedSizeLobMode: a LOB longer than LobMaxSize is truncated to it, and the truncation counted. */
        LIMITED
    }

    /**
     * @param mode          how LOB columns move
     * @param maxSizeKb     TargetMetadata.LobMaxSize in KB (1024 bytes), the limit of {@link LobMode#LIMITED}; 0 otherwise
     */
    public record Lobs(LobMode mode, int maxSizeKb) {
        /** The most KB LobMaxSize may be: larger limits overflow a Java array of bytes. */
        public static final int MAX_SIZE_KB = Integer.MAX_VALUE / 1024;

        public Lobs {
            if (mode == null) {
                throw new ConfigurationException("TargetMetadata LOB mode must be set");
            }
            if (mode == LobMode.LIMITED && (maxSizeKb < 1 || maxSizeKb > MAX_SIZE_KB)) {
                throw new ConfigurationException("TargetMetadata.LobMaxSize must be 1.." + MAX_SIZE_KB
                        + " (KB) in limited LOB mode, was " + maxSizeKb);
            }
            if (mode != LobMode.LIMITED) {
                maxSizeKb = 0;
            }
        }

        public static Lobs full() {
            return new Lobs(LobMode.FULL, 0);
        }

        public static Lobs limited(int maxSizeKb) {
            return new Lobs(LobMode.LIMITED, maxSizeKb);
        }

        public static Lobs none() {
            return new Lobs(LobMode.NONE, 0);
        }

        /** The limit in bytes, 0 when not limited. */
        public long maxBytes() {
            return maxSizeKb * 1024L;
        }
    }

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
        targetSchema = targetSchema == null ? "" : targetSchema;
        if (lobs == null) {
            lobs = Lobs.full();
        }
        if (typeMappingProfile == null) {
            typeMappingProfile = TypeMappingProfile.NATIVE;
        }
    }

    /** Settings with the native type-mapping profile. */
    public TaskSettings(TargetTablePrepMode targetTablePrepMode, int maxFullLoadSubTasks, Duration batchApplyTimeoutMin,
                        int batchApplyMaxChanges, String controlSchema) {
        this(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges, controlSchema, "",
                Lobs.full(), TypeMappingProfile.NATIVE);
    }

    // --- Ferry extensions (FerrySettings) ---------------------------------------------------------

    /** These settings with the column types of {@code profile} (FerrySettings.TypeMappingProfile). */
    public TaskSettings withTypeMappingProfile(TypeMappingProfile profile) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges,
                controlSchema, targetSchema, lobs, profile);
    }

    /** The section of the settings JSON that holds Ferry's extensions. */
    static final String FERRY_SECTION = "FerrySettings";

    /** Reads {@code $.FerrySettings.TypeMappingProfile}; the default when absent. */
    static TypeMappingProfile typeMappingProfile(com.fasterxml.jackson.databind.JsonNode root, List<String> problems) {
        com.fasterxml.jackson.databind.JsonNode v = root.path(FERRY_SECTION).path("TypeMappingProfile");
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
        return new TaskSettings(mode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges, controlSchema,
                targetSchema, lobs, typeMappingProfile);
    }

    public TaskSettings withMaxFullLoadSubTasks(int n) {
        return new TaskSettings(targetTablePrepMode, n, batchApplyTimeoutMin, batchApplyMaxChanges, controlSchema,
                targetSchema, lobs, typeMappingProfile);
    }

    public TaskSettings withBatchApplyTimeoutMin(Duration d) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, d, batchApplyMaxChanges, controlSchema,
                targetSchema, lobs, typeMappingProfile);
    }

    public TaskSettings withBatchApplyMaxChanges(int n) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, n, controlSchema,
                targetSchema, lobs, typeMappingProfile);
    }

    public TaskSettings withControlSchema(String schema) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges, schema,
                targetSchema, lobs, typeMappingProfile);
    }

    // TargetMetadata
    public TaskSettings withTargetSchema(String schema) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges,
                controlSchema, schema, lobs, typeMappingProfile);
    }

    public TaskSettings withLobs(Lobs l) {
        return new TaskSettings(targetTablePrepMode, maxFullLoadSubTasks, batchApplyTimeoutMin, batchApplyMaxChanges,
                controlSchema, targetSchema, l, typeMappingProfile);
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

    /**
     * Parses DMS task-settings JSON; {@code origin} names the input in messages. Every key of DMS's
     * task settings is honoured, checked and reported as not used (one warning line), or refused;
     * unknown keys are reported on a second warning line. See {@code docs/task-settings.md}.
     */
    public static TaskSettings parse(String json, String origin) {
        Read r = read(json, origin);
        for (String warning : r.warnings()) {
            LOG.warn("{}", warning);
        }
        return r.settings();
    }

    /**
     * The settings and, as data, what {@link #parse} would warn about (for a tool that reports what
     * it could not carry over): the JSON paths checked but not used, the unknown ones, and the
     * warning lines. Logs nothing.
     */
    public record Read(TaskSettings settings, List<String> notUsed, List<String> unknown, List<String> warnings) {
    }

    /** As {@link #parse}, returning the warnings instead of logging them. */
    public static Read read(String json, String origin) {
        DmsTaskSettings.Result r = DmsTaskSettings.read(json, origin);
        return new Read(r.settings(), r.notUsed(), r.unknown(), r.warnings());
    }
}
