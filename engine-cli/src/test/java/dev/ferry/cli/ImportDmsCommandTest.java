package dev.ferry.cli;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ferry import-dms} on each input format. Fixtures (src/test/resources/import-dms):
 * {@code aws-cli-example-*.json} are the AWS CLI reference's own examples of {@code aws dms
 * describe-replication-tasks} and {@code describe-endpoints} output (awscli/examples/dms), verbatim but
 * for the task's {@code TableMappings}/{@code ReplicationTaskSettings}, which the reference prints as
 * "...output omitted..." and which are filled with the mapping of its create-replication-task example;
 * {@code tasks.json}/{@code endpoints.json} have the same shape with SQL Server, Aurora PostgreSQL and
 * PostgreSQL endpoints; {@code terraform-show.json} is {@code terraform show -json} of a state with the
 * endpoints in the root module and the task in a child module.
 */
class ImportDmsCommandTest {
    static {
        FerryCli.configureLogging(false);
    }

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(ImportDmsCommandTest.class.getResource("/import-dms/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private CliRun importDms(String... args) {
        String[] all = Stream.concat(Stream.of("import-dms"), Stream.concat(Stream.of(args), Stream.of("--out", dir.toString())))
                .toArray(String[]::new);
        return CliRun.of(all);
    }

    private static void assertOneCleanLine(CliRun r) {
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.all()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    @DisplayName("when describe-replication-tasks and describe-endpoints are given then every carried field loads back through TaskFile")
    void awsCliTasksAndEndpoints() throws Exception {
        CliRun r = importDms(fixture("tasks.json").toString(), "--endpoints", fixture("endpoints.json").toString());
        assertThat(r.err()).doesNotContain("ferry:");
        assertThat(r.exit()).as(r.all()).isZero(); // orders' CdcStopPosition is carried over: both files run as written
        assertThat(dir.resolve("orders-from-sqlserver.yaml")).exists();
        assertThat(dir.resolve("orders-from-sqlserver-mappings.json")).exists();
        assertThat(dir.resolve("orders-from-sqlserver-settings.json")).exists();
        assertThat(dir.resolve("catalog-from-aurora.yaml")).exists();

        Map<String, String> env = Map.of("SQL_SOURCE_PASSWORD", "s1", "PG_TARGET_PASSWORD", "t1", "AURORA_SOURCE_PASSWORD", "a1");
        TaskFile orders = TaskFile.load(dir.resolve("orders-from-sqlserver.yaml"), env::get);
        assertThat(orders.name()).isEqualTo("orders-from-sqlserver");
        assertThat(orders.migrationType()).isEqualTo(MigrationType.FULL_LOAD_AND_CDC);
        assertThat(orders.source().type()).isEqualTo("sqlserver");
        assertThat(orders.source().settings()).containsExactlyInAnyOrderEntriesOf(Map.of("host", "sql.example.com",
                "port", "1433", "database", "shop", "user", "dms_reader", "password", "s1",
                "encrypt", "true", "trustServerCertificate", "true")); // SslMode require: encrypted, certificate not checked
        assertThat(orders.target().type()).isEqualTo("postgres");
        assertThat(orders.target().settings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "url", "jdbc:postgresql://warehouse.example.com:5432/warehouse?sslmode=disable", "user", "loader", "password", "t1"));
        assertThat(orders.mappings().rules()).hasSize(2);
        assertThat(orders.cdcStop()).isEqualTo(dev.ferry.core.settings.CdcStop.parse("server_time:2026-12-31T23:59:59"));
        assertThat(orders.settings().targetTablePrepMode()).isEqualTo(TargetTablePrepMode.TRUNCATE_BEFORE_LOAD);
        assertThat(orders.settings().maxFullLoadSubTasks()).isEqualTo(4);
        assertThat(orders.settings().batchApplyTimeoutMin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(orders.settings().batchApplyMaxChanges()).isEqualTo(1000);
        assertThat(orders.settings().controlSchema()).isEqualTo("dms_control");
        // the JSON files are DMS's, pretty-printed
        assertThat(Files.readString(dir.resolve("orders-from-sqlserver-mappings.json")))
                .contains("\"rule-name\" : \"no-tmp\"").contains("\"filters\" : [ ]");
        assertThat(Files.readString(dir.resolve("orders-from-sqlserver-settings.json")))
                .contains("\"HistoryTimeslotInMinutes\" : 5").contains("\"EnableLogging\" : true");

        TaskFile catalog = TaskFile.load(dir.resolve("catalog-from-aurora.yaml"), env::get);
        assertThat(catalog.migrationType()).isEqualTo(MigrationType.FULL_LOAD);
        assertThat(catalog.source().type()).isEqualTo("postgres");
        assertThat(catalog.source().settings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "url", "jdbc:postgresql://catalog.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com:5432/catalog?sslmode=verify-full",
                "user", "dms", "password", "a1", "slotName", "dms_catalog"));
        assertThat(catalog.settings().targetTablePrepMode()).isEqualTo(TargetTablePrepMode.DO_NOTHING);
        assertThat(catalog.mappings().rules()).hasSize(1);

        assertThat(r.out()).contains("ferry: imported 2 DMS tasks from " + fixture("tasks.json")
                        + " (aws dms describe-replication-tasks), endpoints from " + fixture("endpoints.json"))
                .contains("task orders-from-sqlserver: full-load-and-cdc, sqlserver sql.example.com:1433/shop -> "
                        + "postgres warehouse.example.com:5432/warehouse")
                .contains("  wrote orders-from-sqlserver.yaml, orders-from-sqlserver-mappings.json, orders-from-sqlserver-settings.json")
                .contains("  - CdcStopPosition = server_time:2026-12-31T23:59:59: carried over (as cdcStopPosition)")
                .contains("  - source endpoint sql-source: MicrosoftSQLServerSettings.ReadBackupOnly = true: Ferry has no such option")
                .contains("  - source endpoint sql-source: MicrosoftSQLServerSettings.SafeguardPolicy = rely-on-sql-server-replication-agent: "
                        + "Ferry has no such option")
                .contains("  - target endpoint pg-target: ExtraConnectionAttributes = executeTimeout=180: Ferry has no extra connection attributes")
                .contains("  - target endpoint pg-target: PostgreSQLSettings.ExecuteTimeout = 180: Ferry has no such option")
                .contains("  - source endpoint aurora-source: PostgreSQLSettings.HeartbeatEnable = true: Ferry always writes its own heartbeat")
                .contains("  - source endpoint aurora-source: PostgreSQLSettings.PluginName = pglogical: Ferry always decodes with pgoutput")
                .contains("  - source endpoint aurora-source: CertificateArn arn:aws:dms:us-east-1:123456789012:cert:RDSCACERTEEEEEEEEEEEEEEEEE "
                        + "is a certificate imported into DMS: save that CA certificate as a file and add &sslrootcert=")
                .contains("  SQL_SOURCE_PASSWORD  (password of DMS endpoint sql-source)")
                .contains("  PG_TARGET_PASSWORD  (password of DMS endpoint pg-target)")
                .contains("  AURORA_SOURCE_PASSWORD  (password of DMS endpoint aurora-source)")
                .contains("ferry: ready: ferry run " + dir.resolve("orders-from-sqlserver.yaml"))
                .doesNotContain("needs editing")
                // the resource's own bookkeeping is not "not carried over"
                .doesNotContain("KmsKeyId").doesNotContain("ReplicationInstanceArn").doesNotContain("Status");
        // catalog-from-aurora has nothing blocking
        String catalogPart = r.out().substring(r.out().indexOf("task catalog-from-aurora"));
        assertThat(catalogPart.substring(0, catalogPart.indexOf("passwords are not copied"))).doesNotContain("  ! ");
    }

    @Test
    @DisplayName("when terraform show -json holds the endpoints in the root module and the task in a child module then both are found and no password is copied")
    void terraformShowJson() throws Exception {
        Path state = fixture("terraform-show.json");
        CliRun r = importDms(state.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(ImportDmsCommand.INCOMPLETE); // cdc_start_time
        TaskFile tf = TaskFile.load(dir.resolve("inventory-to-warehouse.yaml"),
                Map.of("INVENTORY_SOURCE_PASSWORD", "i", "WAREHOUSE_TARGET_PASSWORD", "w")::get);
        assertThat(tf.name()).isEqualTo("inventory-to-warehouse");
        assertThat(tf.migrationType()).isEqualTo(MigrationType.CDC);
        assertThat(tf.source().settings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "url", "jdbc:postgresql://inventory.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/inventory?sslmode=require",
                "user", "dms_user", "password", "i", "slotName", "dms_inventory"));
        assertThat(tf.target().settings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "url", "jdbc:postgresql://warehouse.internal:6432/warehouse?sslmode=disable", "user", "loader", "password", "w"));
        assertThat(tf.settings().maxFullLoadSubTasks()).isEqualTo(2);
        assertThat(tf.mappings().rules()).hasSize(1);
        assertThat(r.out()).contains("(terraform show -json)")
                .contains("task inventory-to-warehouse: cdc, postgres inventory.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/inventory"
                        + " -> postgres warehouse.internal:6432/warehouse")
                .contains("  ! cdc_start_time = 2026-06-09T18:27:12Z: carried over (as cdcStartTime), but a PostgreSQL source cannot start at a time")
                .contains("  - source endpoint inventory-source: postgres_settings.heartbeat_enable = true: Ferry always writes its own heartbeat")
                .contains("  - source endpoint inventory-source: postgres_settings.heartbeat_frequency = 5")
                .contains("  - target endpoint warehouse-target: extra_connection_attributes = maxFileSize=512")
                // settings left alone (false, 0, "") are not listed; the replication instance is not a task
                .doesNotContain("map_boolean_as_boolean").doesNotContain("max_file_size").doesNotContain("dms.t3.medium")
                .doesNotContain("kms_key_arn").doesNotContain("tags");
        // terraform show -json prints sensitive values in clear: never copied anywhere
        assertThat(r.all()).doesNotContain("tf-state-Secret-1!");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("tf-state-Secret-1!");
            }
        }
    }

    @Test
    @DisplayName("when terraform marks an attribute sensitive then its value is never shown")
    void terraformSensitiveValues() throws Exception {
        String state = Files.readString(fixture("terraform-show.json"))
                .replace("maxFileSize=512", "secretToken=XYZZY")
                .replace("\"password\": true", "\"password\": true, \"extra_connection_attributes\": true")
                .replace("\"kafka_settings\": [],", "")
                .replace("\"secrets_manager_arn\": \"\"", "\"secrets_manager_arn\": \"\", \"kafka_settings\": [{\"sasl_password\": \"K4fka!\"}]");
        Path file = dir.resolve("in.json");
        Files.writeString(file, state);
        CliRun r = CliRun.of("import-dms", file.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(ImportDmsCommand.INCOMPLETE);
        assertThat(r.all()).doesNotContain("K4fka!").doesNotContain("tf-state-Secret-1!").doesNotContain("XYZZY")
                .contains("kafka_settings.sasl_password = (set; never copied)")
                .contains("target endpoint warehouse-target: extra_connection_attributes = (sensitive; never copied)");
    }

    @Test
    @DisplayName("when the AWS CLI reference's own examples are imported together then the task's endpoint ARN is not among the endpoints: one line naming file and path")
    void awsCliReferenceExamplesDoNotJoin() throws Exception {
        CliRun r = importDms(fixture("aws-cli-example-tasks.json").toString(), "--endpoints",
                fixture("aws-cli-example-endpoints.json").toString());
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + fixture("aws-cli-example-tasks.json") + " $.ReplicationTasks[0]: its source "
                + "endpoint arn:aws:dms:us-east-1:123456789012:endpoint:6GGI6YPWWGAYUVLKIB732KEVWA is not in "
                + fixture("aws-cli-example-endpoints.json") + " (no endpoint with that ARN)");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    @DisplayName("when no endpoints are given then the endpoints are CHANGE-ME placeholders, the user is told, and ferry run refuses the file by name")
    void withoutEndpoints() throws Exception {
        CliRun r = importDms(fixture("aws-cli-example-tasks.json").toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(ImportDmsCommand.INCOMPLETE);
        assertThat(r.out()).contains("task moveit2: full-load, source CHANGE-ME -> target CHANGE-ME")
                .contains("  ! source: endpoint arn:aws:dms:us-east-1:123456789012:endpoint:6GGI6YPWWGAYUVLKIB732KEVWA not described "
                        + "(give 'aws dms describe-endpoints' output with --endpoints): type, host, database and user are CHANGE-ME")
                .contains("  ! target: endpoint arn:aws:dms:us-east-1:123456789012:endpoint:EOM4SFKCZEYHZBFGAGZT3QEC5U not described")
                .contains("MOVEIT2_SOURCE_PASSWORD").contains("MOVEIT2_TARGET_PASSWORD");
        Path yaml = dir.resolve("moveit2.yaml");
        assertThatThrownBy(() -> TaskFile.load(yaml, Map.of("MOVEIT2_SOURCE_PASSWORD", "x", "MOVEIT2_TARGET_PASSWORD", "y")::get))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("source.type: unknown endpoint type 'CHANGE-ME' (known: postgres, sqlserver)")
                .hasMessageContaining("target.type: unknown endpoint type 'CHANGE-ME' (known: postgres)");
        // the mapping and settings still come over, as DMS had them
        assertThat(Files.readString(dir.resolve("moveit2-mappings.json"))).contains("\"schema-name\" : \"prodrep\"");
        assertThat(Files.readString(dir.resolve("moveit2-settings.json"))).contains("\"CommitRate\" : 10000");
    }

    @Test
    @DisplayName("when an endpoint's engine has no Ferry endpoint then the task file keeps the DMS engine as its type and the import says so")
    void unsupportedEngines() throws Exception {
        // the reference's describe-endpoints example: a MySQL and an Oracle endpoint
        Path tasks = dir.resolve("tasks.json");
        Files.writeString(tasks, Files.readString(fixture("aws-cli-example-tasks.json"))
                .replace("endpoint:6GGI6YPWWGAYUVLKIB732KEVWA", "endpoint:SF2WOFLWYWKVEOHID2EKLP3SJI")
                .replace("endpoint:EOM4SFKCZEYHZBFGAGZT3QEC5U", "endpoint:TJJZCIH3CJ24TJRU4VC32WEWFR"));
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("import-dms", tasks.toString(), "--endpoints", fixture("aws-cli-example-endpoints.json").toString(),
                "--out", out.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(ImportDmsCommand.INCOMPLETE);
        assertThat(r.out()).contains("task moveit2: full-load, mysql ec2-52-32-48-61.us-west-2.compute.amazonaws.com:8193/test -> "
                        + "oracle test.example.com:1521/EMPL")
                .contains("  ! source endpoint pri100: engine 'mysql' has no Ferry source (Ferry sources: postgres, "
                        + "aurora-postgresql, sqlserver); the task file keeps type: mysql for you to replace")
                .contains("  ! target endpoint test: engine 'oracle' has no Ferry target")
                .contains("PRI100_PASSWORD").contains("TEST_PASSWORD");
        assertThatThrownBy(() -> TaskFile.load(out.resolve("moveit2.yaml"), Map.of("PRI100_PASSWORD", "x", "TEST_PASSWORD", "y")::get))
                .hasMessageContaining("source.type: unknown endpoint type 'mysql'")
                .hasMessageContaining("target.type: unknown endpoint type 'oracle'");
    }

    @Test
    @DisplayName("when Ferry refuses the mapping or the settings then each refusal is a blocking line naming the task's file and JSON path")
    void refusedMappingAndSettings() throws Exception {
        Path tasks = dir.resolve("tasks.json");
        Files.writeString(tasks, Files.readString(fixture("aws-cli-example-tasks.json"))
                .replace("\\\"rule-action\\\":\\\"include\\\"", "\\\"rule-action\\\":\\\"exclud\\\"")
                .replace("\\\"MaxFullLoadSubTasks\\\":8", "\\\"MaxFullLoadSubTasks\\\":0"));
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("import-dms", tasks.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(ImportDmsCommand.INCOMPLETE);
        assertThat(r.out()).containsPattern("  ! tableMappings: Ferry refuses it: .*\\$\\.rules\\[0\\].*rule 1.*exclud")
                .containsPattern("  ! taskSettings: Ferry refuses it: .*\\$\\.FullLoadSettings\\.MaxFullLoadSubTasks.*0");
    }

    @Test
    @DisplayName("when an input is not JSON then one line names the file, line and column")
    void notJson() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"ReplicationTasks\": [\n    {\"ReplicationTaskIdentifier\": \"x\",,}\n]}");
        CliRun r = CliRun.of("import-dms", bad.toString(), "--out", dir.resolve("out").toString());
        assertOneCleanLine(r);
        assertThat(r.err()).startsWith("ferry: " + bad + " is not valid JSON: ").contains("(line 3, column");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    @DisplayName("when a TableMappings string is not JSON then one line names the task's JSON path")
    void tableMappingsStringNotJson() throws Exception {
        Path tasks = dir.resolve("tasks.json");
        Files.writeString(tasks, Files.readString(fixture("aws-cli-example-tasks.json"))
                .replace("\"TableMappings\": \"{", "\"TableMappings\": \"{{"));
        CliRun r = CliRun.of("import-dms", tasks.toString(), "--out", dir.resolve("out").toString());
        assertOneCleanLine(r);
        assertThat(r.err()).startsWith("ferry: " + tasks + " $.ReplicationTasks[0].TableMappings is not valid JSON: ");
    }

    @Test
    @DisplayName("when the input has no task then one line says so, naming the file and path")
    void noTasks() throws Exception {
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"ReplicationTasks\": []}");
        CliRun r = CliRun.of("import-dms", empty.toString(), "--out", dir.resolve("out").toString());
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + empty + ": $.ReplicationTasks is empty: no replication task to import");

        Path tf = dir.resolve("tf.json");
        Files.writeString(tf, "{\"format_version\": \"1.0\", \"values\": {\"root_module\": {\"resources\": []}}}");
        r = CliRun.of("import-dms", tf.toString(), "--out", dir.resolve("out").toString());
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + tf + ": no aws_dms_replication_task resource in $.values.root_module "
                + "or its child_modules: no replication task to import");

        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"Endpoints\": []}");
        r = CliRun.of("import-dms", other.toString(), "--out", dir.resolve("out").toString());
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + other + ": neither the output of 'aws dms describe-replication-tasks' "
                + "($.ReplicationTasks) nor of 'terraform show -json' ($.values.root_module)");
    }

    @Test
    @DisplayName("when terraform show -json of a saved plan leaves the endpoint ARNs unknown then one line says to import the applied state")
    void terraformSavedPlan() throws Exception {
        String plan = Files.readString(fixture("terraform-show.json")).replaceFirst("\"values\":", "\"planned_values\":")
                .replace("\"source_endpoint_arn\": \"arn:aws:dms:eu-west-1:123456789012:endpoint:TFSRCFFFFFFFFFFFFFFFFFFFFF\"",
                        "\"source_endpoint_arn\": null");
        Path file = dir.resolve("plan.json");
        Files.writeString(file, plan);
        CliRun r = CliRun.of("import-dms", file.toString(), "--out", dir.resolve("out").toString());
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + file + " module.replication.aws_dms_replication_task.inventory: missing "
                + "source_endpoint_arn (a saved plan leaves ARNs unknown: import 'terraform show -json' of the state, after 'terraform apply')");
    }

    @Test
    @DisplayName("when a task identifier is no file name then one line refuses it and nothing is written outside --out")
    void taskIdIsAFileName() throws Exception {
        Path tasks = dir.resolve("tasks.json");
        Files.writeString(tasks, Files.readString(fixture("aws-cli-example-tasks.json")).replace("\"moveit2\"", "\"../escape\""));
        CliRun r = CliRun.of("import-dms", tasks.toString(), "--out", dir.resolve("out").toString());
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + tasks + " $.ReplicationTasks[0].ReplicationTaskIdentifier: '../escape' "
                + "is not a task name (letters, digits, - and _)");
        assertThat(dir.resolve("escape.yaml")).doesNotExist();
    }

    @Test
    @DisplayName("when a task lacks a key then one line names it with the task's path")
    void missingKey() throws Exception {
        Path tasks = dir.resolve("tasks.json");
        Files.writeString(tasks, Files.readString(fixture("aws-cli-example-tasks.json")).replace("\"MigrationType\": \"full-load\",", ""));
        CliRun r = CliRun.of("import-dms", tasks.toString(), "--out", dir.resolve("out").toString());
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + tasks + " $.ReplicationTasks[0]: missing MigrationType");
    }

    @Test
    @DisplayName("when --task names one task then only it is written; an unknown one lists the tasks")
    void selectOneTask() throws Exception {
        CliRun r = importDms(fixture("tasks.json").toString(), "--endpoints", fixture("endpoints.json").toString(),
                "--task", "catalog-from-aurora");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("ferry: imported 1 DMS task from").contains("ferry: ready: ferry run ");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("catalog-from-aurora.yaml",
                    "catalog-from-aurora-mappings.json", "catalog-from-aurora-settings.json");
        }
        r = importDms(fixture("tasks.json").toString(), "--task", "nope");
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + fixture("tasks.json")
                + ": no replication task 'nope' (tasks: orders-from-sqlserver, catalog-from-aurora)");
    }

    @Test
    @DisplayName("when a file to write exists then nothing is written without --force; --force overwrites")
    void neverOverwritesWithoutForce() throws Exception {
        Path existing = dir.resolve("catalog-from-aurora-mappings.json");
        Files.writeString(existing, "mine");
        CliRun r = importDms(fixture("tasks.json").toString(), "--endpoints", fixture("endpoints.json").toString());
        assertOneCleanLine(r);
        assertThat(r.err().strip()).isEqualTo("ferry: " + existing + " exists already; nothing was written (--force overwrites)");
        assertThat(Files.readString(existing)).isEqualTo("mine");
        assertThat(dir.resolve("orders-from-sqlserver.yaml")).doesNotExist();

        r = importDms(fixture("tasks.json").toString(), "--endpoints", fixture("endpoints.json").toString(), "--force");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(Files.readString(existing)).contains("\"rule-name\" : \"catalog\"");
    }

    @Test
    @DisplayName("password variables are named after the DMS endpoint identifier")
    void variableNames() {
        assertThat(DmsImport.variable("sql-source")).isEqualTo("SQL_SOURCE_PASSWORD");
        assertThat(DmsImport.variable("pri100")).isEqualTo("PRI100_PASSWORD");
        assertThat(DmsImport.variable("a--b-")).isEqualTo("A_B_PASSWORD");
        assertThat(DmsImport.variable("9lives")).isEqualTo("DMS_9LIVES_PASSWORD");
    }

    @Test
    @DisplayName("YAML scalars are plain only when unambiguous")
    void yamlScalars() {
        assertThat(DmsImport.scalar("sql.example.com")).isEqualTo("sql.example.com");
        assertThat(DmsImport.scalar("no")).isEqualTo("\"no\"");
        assertThat(DmsImport.scalar("123")).isEqualTo("\"123\"");
        assertThat(DmsImport.scalar("a: b # c")).isEqualTo("\"a: b # c\"");
        assertThat(DmsImport.scalar("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    }
}
