package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.spi.TargetTablePrepMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskSettingsTest {

    @Test
    void honouredKeysAreRead() {
        TaskSettings s = TaskSettings.parse("""
                {"FullLoadSettings": {"TargetTablePrepMode": "TRUNCATE_BEFORE_LOAD", "MaxFullLoadSubTasks": 4, "CommitRate": 10000},
                 "ChangeProcessingTuning": {"BatchApplyTimeoutMin": 2, "BatchSplitSize": 1000},
                 "ControlTablesSettings": {"ControlSchema": "ctl"},
                 "Logging": {"EnableLogging": true}}""", "s.json");
        assertThat(s.targetTablePrepMode()).isEqualTo(TargetTablePrepMode.TRUNCATE_BEFORE_LOAD);
        assertThat(s.maxFullLoadSubTasks()).isEqualTo(4);
        assertThat(s.batchApplyTimeoutMin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.batchApplyMaxChanges()).isEqualTo(1000);
        assertThat(s.controlSchema()).isEqualTo("ctl");
    }

    @Test
    void defaultsApplyWhenKeysAreAbsent() {
        TaskSettings s = TaskSettings.parse("{}", "s.json");
        assertThat(s).isEqualTo(TaskSettings.defaults());
        assertThat(s.batchApplyMaxChanges()).isEqualTo(TaskSettings.DEFAULT_BATCH_CHANGES);
    }

    @Test
    void badValuesAreAllReportedWithTheirPath() {
        ConfigurationException e = (ConfigurationException) org.assertj.core.api.Assertions.catchThrowable(() ->
                TaskSettings.parse("{\"FullLoadSettings\": {\"TargetTablePrepMode\": \"WIPE\", \"MaxFullLoadSubTasks\": 0},"
                        + " \"ChangeProcessingTuning\": {\"BatchApplyTimeoutMin\": \"soon\"}}", "s.json"));
        assertThat(e.problems()).containsExactly(
                "$.FullLoadSettings.TargetTablePrepMode: 'WIPE' is not one of DROP_AND_CREATE, TRUNCATE_BEFORE_LOAD, DO_NOTHING",
                "$.FullLoadSettings.MaxFullLoadSubTasks: must be 1..49, was 0",
                "$.ChangeProcessingTuning.BatchApplyTimeoutMin: must be a whole number, was \"soon\"");
    }

    @Test
    void compactConstructorChecksItsFields() {
        assertThatThrownBy(() -> TaskSettings.defaults().withMaxFullLoadSubTasks(50))
                .hasMessage("FullLoadSettings.MaxFullLoadSubTasks must be 1..49, was 50");
    }

    @Test
    void malformedJson() {
        assertThatThrownBy(() -> TaskSettings.parse("{\"a\": }", "s.json"))
                .hasMessageStartingWith("task settings s.json is not valid JSON");
    }

    // --- DMS's full task settings -----------------------------------------------------------------

    static final Path EXAMPLES = Path.of("..", "docs", "examples").toAbsolutePath().normalize();

    private static DmsTaskSettings.Result read(String json) {
        return DmsTaskSettings.read(json, "s.json");
    }

    private static List<String> problems(String json) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> read(json));
        assertThat(t).isInstanceOf(ConfigurationException.class);
        return ((ConfigurationException) t).problems();
    }

    private static final String NOT_USED_OF_DEFAULTS = "$.TargetMetadata.{LobChunkSize, InlineLobMaxSize, LoadMaxFileSize, "
            + "ParallelLoadThreads, ParallelLoadBufferSize, ParallelLoadQueuesPerThread, ParallelApplyThreads, "
            + "ParallelApplyBufferSize, ParallelApplyQueuesPerThread, BatchApplyEnabled, TaskRecoveryTableEnabled}, "
            + "$.FullLoadSettings.{TransactionConsistencyTimeout, CommitRate}, "
            + "$.Logging.{EnableLogging, %sLogComponents}, "
            + "$.ControlTablesSettings.{HistoryTimeslotInMinutes, historyTimeslotInMinutes, HistoryTableEnabled, "
            + "SuspendedTablesTableEnabled, StatusTableEnabled, FullLoadExceptionTableEnabled}, "
            + "$.StreamBufferSettings.{StreamBufferCount, StreamBufferSizeInMB, CtrlStreamBufferSizeInMB}, "
            + "$.ChangeProcessingTuning.{BatchApplyPreserveTransaction, BatchApplyTimeoutMax, BatchApplyMemoryLimit, "
            + "MinTransactionSize, CommitTimeout, MemoryLimitTotal, MemoryKeepTime, StatementCacheSize%s}, "
            + "$.ChangeProcessingDdlHandlingPolicy.{HandleSourceTableDropped, HandleSourceTableAltered}, "
            + "$.ErrorBehavior.{DataErrorPolicy, DataTruncationErrorPolicy, %sDataErrorEscalationPolicy, "
            + "DataErrorEscalationCount, TableErrorPolicy, TableErrorEscalationPolicy, TableErrorEscalationCount, "
            + "RecoverableErrorCount, RecoverableErrorInterval, RecoverableErrorThrottling, RecoverableErrorThrottlingMax, "
            + "RecoverableErrorStopRetryAfterThrottlingMax, ApplyErrorDeletePolicy, ApplyErrorInsertPolicy, "
            + "ApplyErrorUpdatePolicy, ApplyErrorEscalationPolicy, ApplyErrorEscalationCount, ApplyErrorFailOnTruncationDdl, "
            + "FullLoadIgnoreConflicts, FailOnTransactionConsistencyBreached, FailOnNoTablesCaptured%s}, "
            + "%s"
            + "$.FailTaskWhenCleanTaskResourceFailed";

    @Test
    @DisplayName("when DMS's full default task settings (as aws dms describe-replication-tasks prints them) are loaded, "
            + "then they load with Ferry's reading of each honoured key and one warning line listing the keys not used")
    void dmsDefaultSettingsLoad() throws IOException {
        DmsTaskSettings.Result r = DmsTaskSettings.read(Files.readString(EXAMPLES.resolve("dms-default-task-settings.json")),
                "dms-default-task-settings.json");
        TaskSettings s = r.settings();
        assertThat(s.targetTablePrepMode()).isEqualTo(TargetTablePrepMode.DROP_AND_CREATE);
        assertThat(s.maxFullLoadSubTasks()).isEqualTo(8);
        assertThat(s.batchApplyTimeoutMin()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.batchApplyMaxChanges()).isEqualTo(TaskSettings.DEFAULT_BATCH_CHANGES);
        assertThat(s.controlSchema()).isEqualTo("ferry"); // DMS's "" is the target's default schema; Ferry's is ferry
        assertThat(s.targetSchema()).isEmpty();
        assertThat(s.lobs()).isEqualTo(TaskSettings.Lobs.limited(32));
        assertThat(s.lobs().maxBytes()).isEqualTo(32 * 1024);
        assertThat(r.unknown()).isEmpty();
        assertThat(r.warnings()).containsExactly("task settings dms-default-task-settings.json: checked but not used by Ferry "
                + "(see docs/task-settings.md): " + NOT_USED_OF_DEFAULTS.formatted("EnableLogContext, ", ", RecoveryTimeout",
                "DataMaskingErrorPolicy, ", ", EventErrorPolicy",
                "$.ValidationSettings.{EnableValidation, ThreadCount, PartitionSize, FailureMaxCount, TableFailureMaxCount, "
                        + "RecordFailureDelayInMinutes, RecordSuspendDelayInMinutes, RecordFailureDelayLimitInMinutes, "
                        + "MaxKeyColumnSize, ValidationPartialLobSize, ValidationQueryCdcDelaySeconds, ValidationMode, "
                        + "HandleCollationDiff, SkipLobColumns}, "));
    }

    @Test
    @DisplayName("when the DMS guide's saved task settings example is loaded, then it loads with the keys not used listed")
    void dmsGuideSavedSettingsLoad() throws IOException {
        DmsTaskSettings.Result r = DmsTaskSettings.read(Files.readString(EXAMPLES.resolve("dms-guide-saved-task-settings.json")),
                "saved.json");
        assertThat(r.settings().targetTablePrepMode()).isEqualTo(TargetTablePrepMode.DO_NOTHING);
        assertThat(r.settings().lobs()).isEqualTo(TaskSettings.Lobs.limited(32));
        assertThat(r.unknown()).isEmpty();
        assertThat(r.warnings()).containsExactly("task settings saved.json: checked but not used by Ferry "
                + "(see docs/task-settings.md): " + NOT_USED_OF_DEFAULTS.formatted("", "", "", "", ""));
    }

    @Test
    @DisplayName("when the example of docs/task-settings.md is loaded, then every key is honoured and nothing is warned about")
    void docsExampleLoads() throws IOException {
        DmsTaskSettings.Result r = DmsTaskSettings.read(Files.readString(EXAMPLES.resolve("task-settings.json")), "task-settings.json");
        assertThat(r.warnings()).isEmpty();
        TaskSettings s = r.settings();
        assertThat(s.targetSchema()).isEqualTo("sales_copy");
        assertThat(s.lobs()).isEqualTo(TaskSettings.Lobs.limited(64));
        assertThat(s.maxFullLoadSubTasks()).isEqualTo(4);
        assertThat(s.batchApplyTimeoutMin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.batchApplyMaxChanges()).isEqualTo(10_000);
        assertThat(TaskSettings.load(EXAMPLES.resolve("task-settings.json"))).isEqualTo(s);
    }

    @Test
    @DisplayName("when TargetSchema is set, then targetSchema() names it; empty or absent means the source's schema")
    void targetSchema() {
        assertThat(read("{\"TargetMetadata\": {\"TargetSchema\": \"dst\"}}").settings().targetSchema()).isEqualTo("dst");
        assertThat(read("{\"TargetMetadata\": {\"TargetSchema\": \"\"}}").settings().targetSchema()).isEmpty();
        assertThat(read("{}").settings().targetSchema()).isEmpty();
        assertThat(problems("{\"TargetMetadata\": {\"TargetSchema\": 5}}"))
                .containsExactly("$.TargetMetadata.TargetSchema: must be a string, was 5");
    }

    @Test
    @DisplayName("when the LOB keys are set, then they give DMS's LOB mode; absent keys keep full LOB mode (nothing cut)")
    void lobModes() {
        assertThat(read("{}").settings().lobs()).isEqualTo(TaskSettings.Lobs.full());
        assertThat(read("{\"TargetMetadata\": {\"SupportLobs\": false, \"LimitedSizeLobMode\": true, \"LobMaxSize\": 32}}")
                .settings().lobs()).isEqualTo(TaskSettings.Lobs.none());
        assertThat(read("{\"TargetMetadata\": {\"SupportLobs\": true, \"FullLobMode\": true, \"LobChunkSize\": 64}}")
                .settings().lobs()).isEqualTo(TaskSettings.Lobs.full());
        assertThat(read("{\"TargetMetadata\": {\"SupportLobs\": true, \"LimitedSizeLobMode\": true, \"LobMaxSize\": 1}}")
                .settings().lobs()).isEqualTo(TaskSettings.Lobs.limited(1));
        assertThat(read("{\"TargetMetadata\": {\"LimitedSizeLobMode\": true, \"LobMaxSize\": 100}}").settings().lobs().maxBytes())
                .isEqualTo(102_400);
    }

    @Test
    @DisplayName("when the LOB keys contradict each other, then each contradiction is an error with its path")
    void lobContradictions() {
        assertThat(problems("{\"TargetMetadata\": {\"SupportLobs\": true, \"FullLobMode\": true, \"LimitedSizeLobMode\": true}}"))
                .containsExactly("$.TargetMetadata: FullLobMode and LimitedSizeLobMode are both true; set one of them false");
        assertThat(problems("{\"TargetMetadata\": {\"SupportLobs\": true, \"FullLobMode\": false, \"LimitedSizeLobMode\": false}}"))
                .containsExactly("$.TargetMetadata: SupportLobs is true, so FullLobMode or LimitedSizeLobMode must be true");
        assertThat(problems("{\"TargetMetadata\": {\"LimitedSizeLobMode\": true, \"LobMaxSize\": 0}}"))
                .containsExactly("$.TargetMetadata.LobMaxSize: must be 1..2097151 (KB) when LimitedSizeLobMode is true, was 0");
        assertThat(problems("{\"TargetMetadata\": {\"LimitedSizeLobMode\": true}}"))
                .containsExactly("$.TargetMetadata.LobMaxSize: must be 1..2097151 (KB) when LimitedSizeLobMode is true, was not set");
        assertThat(problems("{\"TargetMetadata\": {\"LobMaxSize\": -1}}"))
                .containsExactly("$.TargetMetadata.LobMaxSize: must be 0..2097151, was -1");
        assertThat(problems("{\"TargetMetadata\": {\"SupportLobs\": \"yes\"}}"))
                .containsExactly("$.TargetMetadata.SupportLobs: must be true or false, was \"yes\"");
    }

    @Test
    @DisplayName("when the Lobs record is built in code, then its compact constructor checks the limit")
    void lobsRecordChecks() {
        assertThatThrownBy(() -> TaskSettings.Lobs.limited(0))
                .hasMessage("TargetMetadata.LobMaxSize must be 1..2097151 (KB) in limited LOB mode, was 0");
        assertThat(new TaskSettings.Lobs(TaskSettings.LobMode.FULL, 32).maxSizeKb()).isZero();
        assertThat(TaskSettings.defaults().withLobs(TaskSettings.Lobs.limited(2)).withTargetSchema("x"))
                .satisfies(s -> {
                    assertThat(s.lobs().maxBytes()).isEqualTo(2048);
                    assertThat(s.targetSchema()).isEqualTo("x");
                });
    }

    @ParameterizedTest(name = "{0}.{1} = {2}")
    @DisplayName("when a key has a wrong type or is out of DMS's range, then the error names its JSON path and the range")
    @CsvSource(delimiter = '|', textBlock = """
            FullLoadSettings       | CommitRate                     | "abc" | must be a whole number, was "abc"
            FullLoadSettings       | CommitRate                     | -1    | must be 1..50000, was -1
            FullLoadSettings       | CommitRate                     | 0     | must be 1..50000, was 0
            FullLoadSettings       | CommitRate                     | 50001 | must be 1..50000, was 50001
            FullLoadSettings       | CommitRate                     | 1.5   | must be a whole number, was 1.5
            FullLoadSettings       | MaxFullLoadSubTasks            | 50    | must be 1..49, was 50
            FullLoadSettings       | TransactionConsistencyTimeout  | -1    | must be >= 0, was -1
            FullLoadSettings       | CreatePkAfterFullLoad          | 1     | must be true or false, was 1
            TargetMetadata         | InlineLobMaxSize               | 102401 | must be 0..102400, was 102401
            TargetMetadata         | LoadMaxFileSize                | 100001 | must be 0..100000, was 100001
            TargetMetadata         | ParallelLoadBufferSize         | 1001  | must be 0..1000, was 1001
            TargetMetadata         | LobChunkSize                   | -1    | must be >= 0, was -1
            TargetMetadata         | ParallelLoadThreads            | -1    | must be >= 0, was -1
            TargetMetadata         | BatchApplyEnabled              | "no"  | must be true or false, was "no"
            ChangeProcessingTuning | BatchApplyTimeoutMin           | 0     | must be 1..86400, was 0
            ChangeProcessingTuning | BatchApplyTimeoutMax           | 0     | must be 1..86400, was 0
            ChangeProcessingTuning | BatchSplitSize                 | -1    | must be 0..10000000, was -1
            ChangeProcessingTuning | BatchApplyMemoryLimit          | 0     | must be >= 1, was 0
            ChangeProcessingTuning | MemoryLimitTotal               | 0     | must be >= 1, was 0
            ChangeProcessingTuning | MemoryKeepTime                 | -1    | must be >= 0, was -1
            ChangeProcessingTuning | StatementCacheSize             | -1    | must be >= 0, was -1
            ChangeProcessingTuning | CommitTimeout                  | -1    | must be >= 0, was -1
            ChangeProcessingTuning | MinTransactionSize             | -1    | must be >= 0, was -1
            ChangeProcessingTuning | RecoveryTimeout                | -2    | must be >= -1, was -2
            ControlTablesSettings  | ControlSchema                  | 1     | must be a string, was 1
            ControlTablesSettings  | HistoryTimeslotInMinutes       | 0     | must be >= 1, was 0
            ControlTablesSettings  | StatusTableEnabled             | "yes" | must be true or false, was "yes"
            StreamBufferSettings   | StreamBufferCount              | 0     | must be >= 1, was 0
            StreamBufferSettings   | StreamBufferSizeInMB           | 0     | must be >= 1, was 0
            ErrorBehavior          | DataErrorEscalationCount       | -1    | must be >= 0, was -1
            ErrorBehavior          | RecoverableErrorCount          | -2    | must be >= -1, was -2
            ErrorBehavior          | RecoverableErrorInterval       | -1    | must be >= 0, was -1
            ErrorBehavior          | ApplyErrorInsertPolicy         | "RETRY" | "RETRY" is not one of IGNORE_RECORD, INSERT_RECORD, LOG_ERROR, STOP_TASK, SUSPEND_TABLE
            ErrorBehavior          | ApplyErrorUpdatePolicy         | "INSERT_RECORD" | "INSERT_RECORD" is not one of IGNORE_RECORD, LOG_ERROR, STOP_TASK, SUSPEND_TABLE, UPDATE_RECORD
            ErrorBehavior          | TableErrorPolicy               | "LOG_ERROR" | "LOG_ERROR" is not one of STOP_TASK, SUSPEND_TABLE
            ErrorBehavior          | EventErrorPolicy               | 1     | 1 is not one of IGNORE, STOP_TASK
            ValidationSettings     | ThreadCount                    | 0     | must be >= 1, was 0
            ValidationSettings     | ValidationMode                 | "ALL" | "ALL" is not one of GROUP_LEVEL, ROW_LEVEL
            ValidationSettings     | FailureMaxCount                | -1    | must be >= 0, was -1
            TTSettings             | EnableTT                       | "on"  | must be true or false, was "on"
            """)
    void rangeAndTypeChecks(String section, String key, String value, String message) {
        assertThat(problems("{\"" + section + "\": {\"" + key + "\": " + value + "}}"))
                .containsExactly("$." + section + "." + key + ": " + message);
    }

    @Test
    @DisplayName("when BatchApplyTimeoutMax is below BatchApplyTimeoutMin, then that is an error")
    void timeoutMaxBelowMin() {
        assertThat(problems("{\"ChangeProcessingTuning\": {\"BatchApplyTimeoutMin\": 10, \"BatchApplyTimeoutMax\": 5}}"))
                .containsExactly("$.ChangeProcessingTuning.BatchApplyTimeoutMax: must be >= BatchApplyTimeoutMin (10), was 5");
        assertThat(read("{\"ChangeProcessingTuning\": {\"BatchApplyTimeoutMin\": 10, \"BatchApplyTimeoutMax\": 10}}")
                .settings().batchApplyTimeoutMin()).isEqualTo(Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("when a value would change what moves and Ferry cannot honour it, then it is refused with the way out")
    @CsvSource(delimiter = '|', textBlock = """
            {"FullLoadSettings": {"StopTaskCachedChangesApplied": true}}       | $.FullLoadSettings.StopTaskCachedChangesApplied: true is not supported: Ferry does not stop after the full load and its cached changes; set false, and stop the task yourself once status() shows CDC running (or run a full-load task)
            {"FullLoadSettings": {"StopTaskCachedChangesNotApplied": true}}    | $.FullLoadSettings.StopTaskCachedChangesNotApplied: true is not supported: Ferry does not stop between the full load and its cached changes; set false (or run a full-load task)
            {"ChangeProcessingDdlHandlingPolicy": {"HandleSourceTableTruncated": false}} | $.ChangeProcessingDdlHandlingPolicy.HandleSourceTableTruncated: false is not supported: Ferry applies a source TRUNCATE to the target; set true, or leave the table out of the mappings
            {"ValidationSettings": {"ValidationOnly": true}}                   | $.ValidationSettings.ValidationOnly: true is not supported: a validation-only task moves no data, and Ferry has no such task; set false
            {"LoopbackPreventionSettings": {"EnableLoopbackPrevention": true}} | $.LoopbackPreventionSettings: is not supported: Ferry has no loopback prevention for bidirectional replication; remove the section (or set it to null)
            {"CharacterSetSettings": {"CharacterReplacements": []}}           | $.CharacterSetSettings: is not supported: Ferry does not replace characters; remove the section (or set it to null), or change the data with a transformation rule
            """)
    void refusals(String json, String message) {
        assertThat(problems(json)).containsExactly(message);
    }

    @Test
    @DisplayName("when a value Ferry does anyway is given, then it is accepted silently; its other value is warned about")
    void acceptedValues() {
        assertThat(read("""
                {"FullLoadSettings": {"CreatePkAfterFullLoad": false, "StopTaskCachedChangesApplied": false,
                  "StopTaskCachedChangesNotApplied": false},
                 "ChangeProcessingDdlHandlingPolicy": {"HandleSourceTableTruncated": true},
                 "ValidationSettings": {"ValidationOnly": false}, "TTSettings": {"EnableTT": false},
                 "LoopbackPreventionSettings": null, "CharacterSetSettings": null, "BeforeImageSettings": null}""").warnings())
                .isEmpty();
        DmsTaskSettings.Result r = read("""
                {"FullLoadSettings": {"CreatePkAfterFullLoad": true}, "TTSettings": {"EnableTT": true},
                 "BeforeImageSettings": {"EnableBeforeImage": true, "FieldName": "bi", "ColumnFilter": "pk-only"}}""");
        assertThat(r.notUsed()).containsExactly("$.FullLoadSettings.CreatePkAfterFullLoad", "$.TTSettings.EnableTT",
                "$.BeforeImageSettings");
        assertThat(r.warnings()).containsExactly("task settings s.json: checked but not used by Ferry (see docs/task-settings.md): "
                + "$.FullLoadSettings.CreatePkAfterFullLoad, $.TTSettings.EnableTT, $.BeforeImageSettings");
    }

    @Test
    @DisplayName("when a key or section is unknown, then it is warned about with its path and the key it resembles, never fatal")
    void unknownKeys() {
        DmsTaskSettings.Result r = read("""
                {"FullLoadSettings": {"commitrate": 10000, "Speed": 1},
                 "targetmetadata": {"SupportLobs": true},
                 "Extras": {}}""");
        assertThat(r.unknown()).containsExactly("$.FullLoadSettings.commitrate (did you mean CommitRate?)",
                "$.FullLoadSettings.Speed", "$.targetmetadata (did you mean TargetMetadata?)", "$.Extras");
        assertThat(r.warnings()).containsExactly("task settings s.json: unknown keys, ignored (a typo?): "
                + "$.FullLoadSettings.commitrate (did you mean CommitRate?), $.FullLoadSettings.Speed, "
                + "$.targetmetadata (did you mean TargetMetadata?), $.Extras");
        assertThat(r.settings()).isEqualTo(TaskSettings.defaults());
        TaskSettings.Read pub = TaskSettings.read("{\"FullLoadSettings\": {\"commitrate\": 1, \"CommitRate\": 1}}", "s.json");
        assertThat(pub.unknown()).containsExactly("$.FullLoadSettings.commitrate (did you mean CommitRate?)");
        assertThat(pub.notUsed()).containsExactly("$.FullLoadSettings.CommitRate");
        assertThat(pub.warnings()).hasSize(2);
    }

    @Test
    @DisplayName("when a section or LogComponents has the wrong shape, then the error names its path")
    void shapes() {
        assertThat(problems("{\"FullLoadSettings\": 5}")).containsExactly("$.FullLoadSettings: must be an object, was 5");
        assertThat(problems("{\"Logging\": {\"LogComponents\": {}}}"))
                .containsExactly("$.Logging.LogComponents: must be a list of {\"Id\", \"Severity\"}, was {}");
        assertThat(problems("{\"Logging\": {\"LogComponents\": [{\"Id\": \"IO\", \"Severity\": \"LOUD\"}, 3]}}"))
                .containsExactly("$.Logging.LogComponents[0].Severity: \"LOUD\" is not one of LOGGER_SEVERITY_DEBUG, "
                                + "LOGGER_SEVERITY_DEFAULT, LOGGER_SEVERITY_DETAILED_DEBUG, LOGGER_SEVERITY_ERROR, "
                                + "LOGGER_SEVERITY_INFO, LOGGER_SEVERITY_WARNING",
                        "$.Logging.LogComponents[1]: must be {\"Id\": \"...\", \"Severity\": \"...\"}, was 3");
    }

    @Test
    @DisplayName("when several keys are wrong, then all are reported at once, in file order of sections")
    void allProblemsAtOnce() {
        assertThat(problems("""
                {"FullLoadSettings": {"CommitRate": "abc"}, "ChangeProcessingTuning": {"MemoryLimitTotal": -5},
                 "ErrorBehavior": {"DataErrorPolicy": "OOPS"}}"""))
                .containsExactly("$.FullLoadSettings.CommitRate: must be a whole number, was \"abc\"",
                        "$.ChangeProcessingTuning.MemoryLimitTotal: must be >= 1, was -5",
                        "$.ErrorBehavior.DataErrorPolicy: \"OOPS\" is not one of IGNORE_RECORD, LOG_ERROR, STOP_TASK, SUSPEND_TABLE");
    }
}
