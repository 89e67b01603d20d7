package dev.ferry.core.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ConfigurationException;
import dev.ferry.core.spi.TargetTablePrepMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads DMS task-settings JSON into {@link TaskSettings}. Every key DMS documents or prints (with
 * {@code aws dms describe-replication-tasks}) is known here and is, by its value:
 * <ul>
 *   <li><b>honoured</b>: it becomes a {@link TaskSettings} field;</li>
 *   <li><b>accepted</b>: its value is what Ferry does anyway (CreatePkAfterFullLoad false, ...);</li>
 *   <li><b>not used</b>: type- and range-checked as DMS checks it, then listed on one warning line;</li>
 *   <li><b>refused</b>: a value Ferry cannot honour and whose loss would change which rows or columns
 *       move, or how (StopTaskCachedChangesApplied true, CharacterSetSettings, ...): an error.</li>
 * </ul>
 * A key nobody documents (a typo, or a key of a newer DMS) is listed on a second warning line, with
 * the known key it resembles. A wrong type or range is an error naming the JSON path; all errors
 * are gathered and thrown at once. {@code null} means "not set", as DMS prints it.
 * The choices, key by key, are in {@code docs/task-settings.md}.
 */
final class DmsTaskSettings {

    /** The parsed settings and the warnings to log (at most two lines: not used, unknown). */
    record Result(TaskSettings settings, List<String> notUsed, List<String> unknown, List<String> warnings) {
    }

    private static final Set<String> ERROR_POLICIES = Set.of("IGNORE_RECORD", "LOG_ERROR", "SUSPEND_TABLE", "STOP_TASK");
    private static final Set<String> SEVERITIES = Set.of("LOGGER_SEVERITY_DEFAULT", "LOGGER_SEVERITY_ERROR",
            "LOGGER_SEVERITY_WARNING", "LOGGER_SEVERITY_INFO", "LOGGER_SEVERITY_DEBUG", "LOGGER_SEVERITY_DETAILED_DEBUG");

    private final JsonNode root;
    private final List<String> problems = new ArrayList<>();
    private final List<String> notUsed = new ArrayList<>();
    /** Keys read, per section ("" for top-level keys), to tell unknown keys apart. */
    private final Map<String, Set<String>> known = new LinkedHashMap<>();
    /** Sections whose contents are not looked into (their keys are not listed as unknown). */
    private final Set<String> opaque = new HashSet<>();

    private DmsTaskSettings(JsonNode root) {
        this.root = root;
    }

    static Result read(String json, String origin) {
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
        return new DmsTaskSettings(root).read(origin);
    }

    private Result read(String origin) {
        TaskSettings d = TaskSettings.defaults();

        // --- TargetMetadata -------------------------------------------------------------------------
        String tm = "TargetMetadata";
        String targetSchema = text(tm, "TargetSchema", "", Use.HONOURED);
        Boolean supportLobs = bool(tm, "SupportLobs", null, Use.HONOURED);
        Boolean fullLobMode = bool(tm, "FullLobMode", null, Use.HONOURED);
        Boolean limitedLobMode = bool(tm, "LimitedSizeLobMode", null, Use.HONOURED);
        Long lobMaxSize = integer(tm, "LobMaxSize", 0, TaskSettings.Lobs.MAX_SIZE_KB, null, Use.HONOURED);
        integer(tm, "LobChunkSize", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(tm, "InlineLobMaxSize", 0, 102_400, null, Use.NOT_USED);
        integer(tm, "LoadMaxFileSize", 0, 100_000, null, Use.NOT_USED);
        integer(tm, "ParallelLoadThreads", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(tm, "ParallelLoadBufferSize", 0, 1_000, null, Use.NOT_USED);
        integer(tm, "ParallelLoadQueuesPerThread", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(tm, "ParallelApplyThreads", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(tm, "ParallelApplyBufferSize", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(tm, "ParallelApplyQueuesPerThread", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        bool(tm, "BatchApplyEnabled", null, Use.NOT_USED);
        bool(tm, "TaskRecoveryTableEnabled", null, Use.NOT_USED);
        TaskSettings.Lobs lobs = lobs(supportLobs, fullLobMode, limitedLobMode, lobMaxSize);

        // --- FullLoadSettings -----------------------------------------------------------------------
        String fl = "FullLoadSettings";
        TargetTablePrepMode prepMode = d.targetTablePrepMode();
        String mode = text(fl, "TargetTablePrepMode", null, Use.HONOURED);
        if (mode != null) {
            try {
                prepMode = TargetTablePrepMode.valueOf(mode.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("$.FullLoadSettings.TargetTablePrepMode: '" + mode
                        + "' is not one of DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD, DO_NOTHING");
            }
        }
        acceptOnly(fl, "CreatePkAfterFullLoad", false, Use.NOT_USED, null);
        acceptOnly(fl, "StopTaskCachedChangesApplied", false, Use.REFUSED,
                "Ferry does not stop after the full load and its cached changes; set false, and stop the task "
                        + "yourself once status() shows CDC running (or run a full-load task)");
        acceptOnly(fl, "StopTaskCachedChangesNotApplied", false, Use.REFUSED,
                "Ferry does not stop between the full load and its cached changes; set false (or run a full-load task)");
        long subTasks = integer(fl, "MaxFullLoadSubTasks", 1, 49, (long) d.maxFullLoadSubTasks(), Use.HONOURED);
        integer(fl, "TransactionConsistencyTimeout", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(fl, "CommitRate", 1, 50_000, null, Use.NOT_USED);

        // --- Logging --------------------------------------------------------------------------------
        String lg = "Logging";
        bool(lg, "EnableLogging", null, Use.NOT_USED);
        bool(lg, "EnableLogContext", null, Use.NOT_USED);
        text(lg, "CloudWatchLogGroup", null, Use.NOT_USED);
        text(lg, "CloudWatchLogStream", null, Use.NOT_USED);
        logComponents();

        // --- ControlTablesSettings ------------------------------------------------------------------
        String ct = "ControlTablesSettings";
        String controlSchema = text(ct, "ControlSchema", "", Use.HONOURED);
        integer(ct, "HistoryTimeslotInMinutes", 1, Integer.MAX_VALUE, null, Use.NOT_USED);
        // DMS itself prints this spelling too, next to the other
        integer(ct, "historyTimeslotInMinutes", 1, Integer.MAX_VALUE, null, Use.NOT_USED);
        bool(ct, "HistoryTableEnabled", null, Use.NOT_USED);
        bool(ct, "SuspendedTablesTableEnabled", null, Use.NOT_USED);
        bool(ct, "StatusTableEnabled", null, Use.NOT_USED);
        bool(ct, "FullLoadExceptionTableEnabled", null, Use.NOT_USED);

        // --- StreamBufferSettings -------------------------------------------------------------------
        String sb = "StreamBufferSettings";
        integer(sb, "StreamBufferCount", 1, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(sb, "StreamBufferSizeInMB", 1, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(sb, "CtrlStreamBufferSizeInMB", 1, Integer.MAX_VALUE, null, Use.NOT_USED);

        // --- ChangeProcessingTuning -----------------------------------------------------------------
        String cp = "ChangeProcessingTuning";
        bool(cp, "BatchApplyPreserveTransaction", null, Use.NOT_USED);
        long timeoutMin = integer(cp, "BatchApplyTimeoutMin", 1, 86_400, d.batchApplyTimeoutMin().toSeconds(), Use.HONOURED);
        Long timeoutMax = integer(cp, "BatchApplyTimeoutMax", 1, 86_400, null, Use.NOT_USED);
        if (timeoutMax != null && timeoutMax < timeoutMin) {
            problems.add("$.ChangeProcessingTuning.BatchApplyTimeoutMax: must be >= BatchApplyTimeoutMin (" + timeoutMin
                    + "), was " + timeoutMax);
        }
        long split = integer(cp, "BatchSplitSize", 0, 10_000_000, 0L, Use.HONOURED);
        integer(cp, "BatchApplyMemoryLimit", 1, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(cp, "MinTransactionSize", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(cp, "CommitTimeout", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(cp, "MemoryLimitTotal", 1, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(cp, "MemoryKeepTime", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(cp, "StatementCacheSize", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(cp, "RecoveryTimeout", -1, Integer.MAX_VALUE, null, Use.NOT_USED);

        // --- ChangeProcessingDdlHandlingPolicy -----------------------------------------------------
        String dd = "ChangeProcessingDdlHandlingPolicy";
        bool(dd, "HandleSourceTableDropped", null, Use.NOT_USED);
        acceptOnly(dd, "HandleSourceTableTruncated", true, Use.REFUSED,
                "Ferry applies a source TRUNCATE to the target; set true, or leave the table out of the mappings");
        bool(dd, "HandleSourceTableAltered", null, Use.NOT_USED);

        // --- ErrorBehavior --------------------------------------------------------------------------
        String eb = "ErrorBehavior";
        choice(eb, "DataErrorPolicy", ERROR_POLICIES);
        choice(eb, "DataTruncationErrorPolicy", ERROR_POLICIES);
        choice(eb, "DataMaskingErrorPolicy", ERROR_POLICIES);
        choice(eb, "DataErrorEscalationPolicy", Set.of("SUSPEND_TABLE", "STOP_TASK"));
        integer(eb, "DataErrorEscalationCount", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        choice(eb, "TableErrorPolicy", Set.of("SUSPEND_TABLE", "STOP_TASK"));
        choice(eb, "TableErrorEscalationPolicy", Set.of("SUSPEND_TABLE", "STOP_TASK"));
        integer(eb, "TableErrorEscalationCount", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(eb, "RecoverableErrorCount", -1, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(eb, "RecoverableErrorInterval", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        bool(eb, "RecoverableErrorThrottling", null, Use.NOT_USED);
        integer(eb, "RecoverableErrorThrottlingMax", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        bool(eb, "RecoverableErrorStopRetryAfterThrottlingMax", null, Use.NOT_USED);
        choice(eb, "ApplyErrorDeletePolicy", ERROR_POLICIES);
        choice(eb, "ApplyErrorInsertPolicy", with(ERROR_POLICIES, "INSERT_RECORD"));
        choice(eb, "ApplyErrorUpdatePolicy", with(ERROR_POLICIES, "UPDATE_RECORD"));
        choice(eb, "ApplyErrorEscalationPolicy", Set.of("LOG_ERROR", "SUSPEND_TABLE", "STOP_TASK"));
        integer(eb, "ApplyErrorEscalationCount", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        bool(eb, "ApplyErrorFailOnTruncationDdl", null, Use.NOT_USED);
        bool(eb, "FullLoadIgnoreConflicts", null, Use.NOT_USED);
        bool(eb, "FailOnTransactionConsistencyBreached", null, Use.NOT_USED);
        bool(eb, "FailOnNoTablesCaptured", null, Use.NOT_USED);
        choice(eb, "EventErrorPolicy", Set.of("IGNORE", "STOP_TASK"));

        // --- ValidationSettings ---------------------------------------------------------------------
        String vs = "ValidationSettings";
        bool(vs, "EnableValidation", null, Use.NOT_USED);
        acceptOnly(vs, "ValidationOnly", false, Use.REFUSED,
                "a validation-only task moves no data, and Ferry has no such task; set false");
        integer(vs, "ThreadCount", 1, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "PartitionSize", 1, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "FailureMaxCount", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "TableFailureMaxCount", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "RecordFailureDelayInMinutes", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "RecordSuspendDelayInMinutes", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "RecordFailureDelayLimitInMinutes", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "MaxKeyColumnSize", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "ValidationPartialLobSize", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        integer(vs, "ValidationQueryCdcDelaySeconds", 0, Integer.MAX_VALUE, null, Use.NOT_USED);
        choice(vs, "ValidationMode", Set.of("ROW_LEVEL", "GROUP_LEVEL"));
        bool(vs, "HandleCollationDiff", null, Use.NOT_USED);
        bool(vs, "SkipLobColumns", null, Use.NOT_USED);

        // --- TTSettings (Time Travel: logs to S3, moves nothing) ---------------------------------------
        String tt = "TTSettings";
        acceptOnly(tt, "EnableTT", false, Use.NOT_USED, null);
        object(tt, "TTS3Settings", Use.NOT_USED, null);
        object(tt, "TTRecordSettings", Use.NOT_USED, null);

        // --- top-level keys -------------------------------------------------------------------------
        object("", "LoopbackPreventionSettings", Use.REFUSED,
                "Ferry has no loopback prevention for bidirectional replication; remove the section (or set it to null)");
        object("", "CharacterSetSettings", Use.REFUSED,
                "Ferry does not replace characters; remove the section (or set it to null), or change the data with a "
                        + "transformation rule");
        object("", "BeforeImageSettings", Use.NOT_USED, null); // DMS applies it to Kinesis and Kafka targets only
        object("", "PostProcessingRules", Use.NOT_USED, null);
        object("", "DataResyncSettings", Use.NOT_USED, null);
        bool("", "FailTaskWhenCleanTaskResourceFailed", null, Use.NOT_USED);
        for (String section : List.of(tm, fl, lg, ct, sb, cp, dd, eb, vs, tt)) {
            known("", section);
            JsonNode node = root.get(section);
            if (node != null && !node.isNull() && !node.isObject()) {
                problems.add("$." + section + ": must be an object, was " + node);
            }
        }

        // --- FerrySettings (Ferry extensions): an unknown key here is a typo, not a DMS key -------------
        known("", TaskSettings.FERRY_SECTION);
        known(TaskSettings.FERRY_SECTION, "TypeMappingProfile");
        JsonNode ferry = root.get(TaskSettings.FERRY_SECTION);
        if (ferry != null && ferry.isObject()) {
            for (Map.Entry<String, JsonNode> e : ferry.properties()) {
                if (!e.getKey().equals("TypeMappingProfile")) {
                    problems.add("$." + TaskSettings.FERRY_SECTION + "." + e.getKey() + ": unknown key (known: TypeMappingProfile)");
                }
            }
            opaque.add(TaskSettings.FERRY_SECTION);
        } else if (ferry != null && !ferry.isNull()) {
            problems.add("$." + TaskSettings.FERRY_SECTION + ": must be an object, was " + ferry);
        }
        TypeMappingProfile profile = TaskSettings.typeMappingProfile(root, problems);

        List<String> unknown = unknownKeys();
        if (!problems.isEmpty()) {
            throw new ConfigurationException("task settings " + origin, problems);
        }
        TaskSettings settings = new TaskSettings(prepMode, (int) subTasks, Duration.ofSeconds(timeoutMin), (int) split,
                controlSchema, targetSchema, lobs, profile);
        List<String> warnings = new ArrayList<>();
        if (!notUsed.isEmpty()) {
            warnings.add("task settings " + origin + ": checked but not used by Ferry (see docs/task-settings.md): "
                    + grouped(notUsed));
        }
        if (!unknown.isEmpty()) {
            warnings.add("task settings " + origin + ": unknown keys, ignored (a typo?): " + String.join(", ", unknown));
        }
        return new Result(settings, List.copyOf(notUsed), unknown, List.copyOf(warnings));
    }

    /** SupportLobs, FullLobMode, LimitedSizeLobMode and LobMaxSize together; absent keys keep Ferry's default (full LOB mode). */
    private TaskSettings.Lobs lobs(Boolean support, Boolean full, Boolean limited, Long maxSize) {
        if (Boolean.FALSE.equals(support)) {
            return TaskSettings.Lobs.none();
        }
        boolean isFull = Boolean.TRUE.equals(full);
        boolean isLimited = Boolean.TRUE.equals(limited);
        if (isFull && isLimited) {
            problems.add("$.TargetMetadata: FullLobMode and LimitedSizeLobMode are both true; set one of them false");
            return TaskSettings.Lobs.full();
        }
        if (Boolean.TRUE.equals(support) && Boolean.FALSE.equals(full) && Boolean.FALSE.equals(limited)) {
            problems.add("$.TargetMetadata: SupportLobs is true, so FullLobMode or LimitedSizeLobMode must be true");
            return TaskSettings.Lobs.full();
        }
        if (isLimited) {
            if (maxSize == null || maxSize < 1) {
                problems.add("$.TargetMetadata.LobMaxSize: must be 1.." + TaskSettings.Lobs.MAX_SIZE_KB
                        + " (KB) when LimitedSizeLobMode is true, was " + (maxSize == null ? "not set" : maxSize));
                return TaskSettings.Lobs.full();
            }
            return TaskSettings.Lobs.limited(maxSize.intValue());
        }
        return TaskSettings.Lobs.full();
    }

    private void logComponents() {
        JsonNode list = field("Logging", "LogComponents");
        if (list == null) {
            return;
        }
        String path = "$.Logging.LogComponents";
        if (!list.isArray()) {
            problems.add(path + ": must be a list of {\"Id\", \"Severity\"}, was " + list);
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            if (!c.isObject() || !c.path("Id").isTextual()) {
                problems.add(path + "[" + i + "]: must be {\"Id\": \"...\", \"Severity\": \"...\"}, was " + c);
                continue;
            }
            JsonNode severity = c.get("Severity");
            if (severity != null && !(severity.isTextual() && SEVERITIES.contains(severity.asText()))) {
                problems.add(path + "[" + i + "].Severity: " + severity + " is not one of " + String.join(", ", sorted(SEVERITIES)));
            }
        }
        notUsed.add(path);
    }

    // ---------------------------------------------------------------------------------------------

    private enum Use { HONOURED, NOT_USED, REFUSED }

    /** The value of a key, or null when the key is absent or null (DMS prints null for "not set"). */
    private JsonNode field(String section, String key) {
        known(section, key);
        JsonNode holder = section.isEmpty() ? root : root.get(section);
        if (holder == null || !holder.isObject()) {
            return null;
        }
        JsonNode v = holder.get(key);
        return v == null || v.isNull() ? null : v;
    }

    private void known(String section, String key) {
        known.computeIfAbsent(section, s -> new LinkedHashSet<>()).add(key);
    }

    private static String path(String section, String key) {
        return section.isEmpty() ? "$." + key : "$." + section + "." + key;
    }

    private Long integer(String section, String key, long min, long max, Long fallback, Use use) {
        JsonNode v = field(section, key);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            problems.add(path(section, key) + ": must be a whole number, was " + v);
            return fallback;
        }
        long n = v.asLong();
        if (n < min || n > max) {
            problems.add(path(section, key) + ": must be " + range(min, max) + ", was " + n);
            return fallback;
        }
        used(section, key, use);
        return n;
    }

    private Boolean bool(String section, String key, Boolean fallback, Use use) {
        JsonNode v = field(section, key);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            problems.add(path(section, key) + ": must be true or false, was " + v);
            return fallback;
        }
        used(section, key, use);
        return v.asBoolean();
    }

    private String text(String section, String key, String fallback, Use use) {
        JsonNode v = field(section, key);
        if (v == null) {
            return fallback;
        }
        if (!v.isTextual()) {
            problems.add(path(section, key) + ": must be a string, was " + v);
            return fallback;
        }
        used(section, key, use);
        return v.asText();
    }

    private void choice(String section, String key, Set<String> allowed) {
        JsonNode v = field(section, key);
        if (v == null) {
            return;
        }
        if (!v.isTextual() || !allowed.contains(v.asText())) {
            problems.add(path(section, key) + ": " + v + " is not one of " + String.join(", ", sorted(allowed)));
            return;
        }
        notUsed.add(path(section, key));
    }

    /**
     * A boolean key whose value {@code matching} is what Ferry does; the other value is refused with
     * {@code fix}, or reported as not used.
     */
    private void acceptOnly(String section, String key, boolean matching, Use otherwise, String fix) {
        Boolean v = bool(section, key, null, Use.HONOURED);
        if (v == null || v == matching) {
            return;
        }
        if (otherwise == Use.REFUSED) {
            problems.add(path(section, key) + ": " + v + " is not supported: " + fix);
        } else {
            notUsed.add(path(section, key));
        }
    }

    /** A key whose only accepted value is null (or absent); any other is refused with {@code fix}, or not used. */
    private void object(String section, String key, Use otherwise, String fix) {
        JsonNode v = field(section, key);
        opaque.add(key);
        if (v == null) {
            return;
        }
        if (otherwise == Use.REFUSED) {
            problems.add(path(section, key) + ": is not supported: " + fix);
        } else {
            notUsed.add(path(section, key));
        }
    }

    private void used(String section, String key, Use use) {
        if (use == Use.NOT_USED) {
            notUsed.add(path(section, key));
        }
    }

    /** Keys and sections of the input that no reader above asked for, with the known key they resemble. */
    private List<String> unknownKeys() {
        List<String> unknown = new ArrayList<>();
        Set<String> top = known.getOrDefault("", Set.of());
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            if (!top.contains(name)) {
                unknown.add("$." + name + resembles(name, top));
                continue;
            }
            if (opaque.contains(name) || !e.getValue().isObject()) {
                continue;
            }
            Set<String> keys = known.getOrDefault(name, Set.of());
            for (Map.Entry<String, JsonNode> k : e.getValue().properties()) {
                if (!keys.contains(k.getKey())) {
                    unknown.add("$." + name + "." + k.getKey() + resembles(k.getKey(), keys));
                }
            }
        }
        return List.copyOf(unknown);
    }

    private static String resembles(String name, Set<String> known) {
        String folded = fold(name);
        for (String k : known) {
            if (fold(k).equals(folded)) {
                return " (did you mean " + k + "?)";
            }
        }
        return "";
    }

    private static String fold(String s) {
        return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** "$.A.x, $.A.y, $.B" → "$.A.{x, y}, $.B": one short line for the dozens of keys of a full DMS file. */
    private static String grouped(List<String> paths) {
        Map<String, List<String>> bySection = new LinkedHashMap<>();
        for (String p : paths) {
            String rest = p.substring(2);
            int dot = rest.indexOf('.');
            String section = dot < 0 ? rest : rest.substring(0, dot);
            List<String> keys = bySection.computeIfAbsent(section, s -> new ArrayList<>());
            if (dot >= 0) {
                keys.add(rest.substring(dot + 1));
            }
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : bySection.entrySet()) {
            List<String> keys = e.getValue();
            parts.add("$." + e.getKey() + (keys.isEmpty() ? "" : keys.size() == 1 ? "." + keys.get(0)
                    : ".{" + String.join(", ", keys) + "}"));
        }
        return String.join(", ", parts);
    }

    private static String range(long min, long max) {
        return max >= Integer.MAX_VALUE ? ">= " + min : min + ".." + max;
    }

    private static Set<String> with(Set<String> set, String value) {
        Set<String> s = new HashSet<>(set);
        s.add(value);
        return s;
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }
}
