package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.spi.TargetTablePrepMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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
}
