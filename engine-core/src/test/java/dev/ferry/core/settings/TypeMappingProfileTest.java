package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** FerrySettings.TypeMappingProfile, Ferry's extension key in the task-settings JSON. */
class TypeMappingProfileTest {

    @Test
    @DisplayName("when the settings have no FerrySettings, then the profile is native")
    void nativeByDefault() {
        assertThat(TaskSettings.parse("{}", "s.json").typeMappingProfile()).isEqualTo(TypeMappingProfile.NATIVE);
        assertThat(TaskSettings.defaults().typeMappingProfile()).isEqualTo(TypeMappingProfile.NATIVE);
    }

    @Test
    @DisplayName("when docs/examples/type-mapping/task-settings.json is loaded, then the profile is dms")
    void docsExample() {
        TaskSettings s = TaskSettings.load(Path.of("..", "docs", "examples", "type-mapping", "task-settings.json"));
        assertThat(s.typeMappingProfile()).isEqualTo(TypeMappingProfile.DMS);
    }

    @Test
    @DisplayName("when the profile is written in any case, then it is read; when another setting changes, the profile stays")
    void caseAndCopies() {
        TaskSettings s = TaskSettings.parse("{\"FerrySettings\": {\"TypeMappingProfile\": \"DMS\"}}", "s.json");
        assertThat(s.typeMappingProfile()).isEqualTo(TypeMappingProfile.DMS);
        assertThat(s.withMaxFullLoadSubTasks(3).withControlSchema("c").typeMappingProfile()).isEqualTo(TypeMappingProfile.DMS);
    }

    @Test
    @DisplayName("when the profile is unknown, not a string, or FerrySettings has an unknown key, then each is reported with its path")
    void badValues() {
        ConfigurationException e = (ConfigurationException) catchThrowable(() -> TaskSettings.parse(
                "{\"FerrySettings\": {\"TypeMappingProfile\": \"oracle\", \"TypeMapping\": \"dms\"}}", "s.json"));
        assertThat(e.problems()).containsExactly(
                "$.FerrySettings.TypeMapping: unknown key (known: TypeMappingProfile)",
                "$.FerrySettings.TypeMappingProfile: 'oracle' is not a type-mapping profile: use native or dms");
        e = (ConfigurationException) catchThrowable(() -> TaskSettings.parse("{\"FerrySettings\": {\"TypeMappingProfile\": 1}}",
                "s.json"));
        assertThat(e.problems()).containsExactly("$.FerrySettings.TypeMappingProfile: must be a string, native or dms, was 1");
    }
}
