package dev.ferry.cli;

import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The task files, mappings and settings shown in docs/ and the README parse as documented. */
class DocsExamplesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void postgresExampleParses() {
        TaskFile tf = TaskFile.load(ROOT.resolve("docs/examples/postgres/task.yaml"),
                Map.of("SOURCE_PASSWORD", "s", "TARGET_PASSWORD", "t")::get);
        assertThat(tf.name()).isEqualTo("shop-to-warehouse");
        assertThat(tf.migrationType()).isEqualTo(MigrationType.FULL_LOAD_AND_CDC);
        assertThat(tf.settings().targetTablePrepMode()).isEqualTo(TargetTablePrepMode.DROP_AND_CREATE);
        assertThat(tf.mappings().rules()).hasSize(2);
        assertThat(tf.source().get("password")).isEqualTo("s");
    }

    @Test
    void sqlServerExampleParses() throws Exception {
        Path dir = ROOT.resolve("docs/examples/sqlserver");
        TaskFile tf = TaskFile.load(dir.resolve("task.yaml"), Map.of("SOURCE_PASSWORD", "Ferry-Demo-2024!", "TARGET_PASSWORD", "t")::get);
        assertThat(tf.name()).isEqualTo("shop-from-sqlserver");
        assertThat(tf.source().type()).isEqualTo("sqlserver");
        assertThat(tf.source().get("captureMode")).isEqualTo("cdc");
        assertThat(tf.mappings().rules()).hasSize(1);
        // the walk-through's passwords, ports and image are the ones the compose file sets up
        String compose = Files.readString(dir.resolve("docker-compose.yml"));
        assertThat(compose).contains("mcr.microsoft.com/mssql/server:2022-latest").contains("postgres:16")
                .contains("MSSQL_AGENT_ENABLED: \"true\"").contains("MSSQL_SA_PASSWORD: \"Ferry-Demo-2024!\"")
                .contains("\"1433:1433\"").contains("\"5433:5432\"").contains("POSTGRES_PASSWORD: ferry-demo");
        assertThat(tf.target().get("port")).isEqualTo("5433");
        String doc = Files.readString(ROOT.resolve("docs/sqlserver.md"));
        assertThat(doc).contains("export SOURCE_PASSWORD='Ferry-Demo-2024!' TARGET_PASSWORD=ferry-demo")
                .contains("-i /setup/setup.sql");
        assertThat(Files.readString(dir.resolve("setup.sql"))).contains("CREATE DATABASE shop");
    }

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    /** docs/import-dms.md shows what importing docs/examples/import-dms prints and writes: exactly that. */
    @Test
    void importDmsExampleIsWhatTheDocsShow() throws Exception {
        Path example = ROOT.resolve("docs/examples/import-dms");
        Path out = dir.resolve("shop");
        CliRun r = CliRun.of("import-dms", example.resolve("tasks.json").toString(), "--endpoints",
                example.resolve("endpoints.json").toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        String doc = Files.readString(ROOT.resolve("docs/import-dms.md"));
        Matcher text = Pattern.compile("```text\\n(ferry: imported.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(text.find()).isTrue();
        assertThat(r.out().replace(example + "/", "").replace(out.toString(), "/tmp/shop")).isEqualTo(text.group(1));
        Matcher yaml = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(yaml.find()).isTrue();
        assertThat(Files.readString(out.resolve("shop-to-warehouse.yaml")).replace(example + "/", "")).isEqualTo(yaml.group(1));
        assertThat(doc).contains("ferry import-dms tasks.json --endpoints endpoints.json --out /tmp/shop")
                .contains("export SHOP_SOURCE_PASSWORD=... WAREHOUSE_TARGET_PASSWORD=...");
        TaskFile tf = TaskFile.load(out.resolve("shop-to-warehouse.yaml"),
                Map.of("SHOP_SOURCE_PASSWORD", "s", "WAREHOUSE_TARGET_PASSWORD", "w")::get);
        assertThat(tf.name()).isEqualTo("shop-to-warehouse");
        assertThat(tf.migrationType()).isEqualTo(MigrationType.FULL_LOAD);
        assertThat(tf.mappings().rules()).hasSize(2);
        assertThat(tf.settings().maxFullLoadSubTasks()).isEqualTo(4);
    }

    @Test
    void readmeTaskFileParses() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).isTrue();
        String yaml = m.group(1)
                .replace("tableMappings: mappings.json", "tableMappings: " + ROOT.resolve("docs/examples/postgres/mappings.json"))
                .replace("taskSettings: settings.json", "taskSettings: " + ROOT.resolve("docs/examples/postgres/settings.json"))
                .replace("passwordFile: /run/secrets/warehouse", "password: x");
        Path file = dir.resolve("task.yaml");
        Files.writeString(file, yaml);
        TaskFile tf = TaskFile.load(file, Map.of("SHOP_PASSWORD", "p")::get);
        assertThat(tf.name()).isEqualTo("orders-to-pg");
        assertThat(tf.source().get("host")).isEqualTo("db.internal");
    }
}
