package dev.ferry.cli;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.settings.CdcStart;
import dev.ferry.core.settings.CdcStop;
import dev.ferry.core.settings.TypeMappingProfile;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DMS's CDC task parameters in a task file: cdcStartPosition, cdcStartTime, cdcStopPosition. */
class CdcTaskFileTest {

    @Test
    @DisplayName("when docs/examples/cdc-start-stop/task.yaml is loaded, then its start, stop and type-mapping profile are read")
    void docsExample() {
        TaskFile tf = TaskFile.load(DocsExamplesTest.ROOT.resolve("docs/examples/cdc-start-stop/task.yaml"),
                Map.of("SOURCE_PASSWORD", "s", "TARGET_PASSWORD", "t")::get);
        assertThat(tf.migrationType()).isEqualTo(MigrationType.CDC);
        assertThat(tf.cdcStart()).isEqualTo(CdcStart.atPosition("0/16B3748"));
        assertThat(tf.cdcStop()).isEqualTo(new CdcStop(CdcStop.Mode.COMMIT_TIME, Instant.parse("2018-02-09T12:12:12Z")));
        assertThat(tf.settings().typeMappingProfile()).isEqualTo(TypeMappingProfile.DMS);
        assertThat(tf.source().get("slotName")).isEqualTo("shop_slot");
    }

    @Test
    @DisplayName("when a task file has no CDC parameters, then it has no start and no stop")
    void none() throws Exception {
        TaskFile tf = TaskFile.load(DocsExamplesTest.ROOT.resolve("docs/examples/postgres/task.yaml"),
                Map.of("SOURCE_PASSWORD", "s", "TARGET_PASSWORD", "t")::get);
        assertThat(tf.cdcStart()).isNull();
        assertThat(tf.cdcStop()).isNull();
    }

    @Test
    @DisplayName("when both a start position and a start time are given and the stop has no mode, then both are reported with their keys")
    void badValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("task.yaml");
        Files.writeString(file, """
                migrationType: cdc
                cdcStartPosition: 0/16B3748
                cdcStartTime: 2018-03-08T12:12:12
                cdcStopPosition: 2018-02-09T12:12:12
                source: {type: postgres, url: "jdbc:postgresql://h/db", user: u, password: p}
                target: {type: postgres, url: "jdbc:postgresql://h/db2", user: u, password: p}
                """);
        assertThatThrownBy(() -> TaskFile.load(file, Map.<String, String>of()::get))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).problems()).containsExactly(
                        "cdcStartPosition/cdcStartTime: give either CdcStartPosition or CdcStartTime, not both (as in DMS)",
                        "cdcStopPosition: CdcStopPosition '2018-02-09T12:12:12' must be server_time:YYYY-MM-DDThh:mm:ss or "
                                + "commit_time:YYYY-MM-DDThh:mm:ss (UTC), as in DMS"));
    }
}
