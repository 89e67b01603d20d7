package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.mapping.TableSettingsRule.LobMode;
import dev.ferry.core.mapping.TableSettingsRule.Type;
import dev.ferry.core.model.TableId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The DMS user guide's table-settings examples ("Table and collection settings rules and
 * operations", Table-settings examples) are the fixtures in docs/examples/table-settings, verbatim.
 */
class TableSettingsRuleTest {

    static final Path EXAMPLES = Path.of("..").toAbsolutePath().normalize().resolve("docs/examples/table-settings");
    static final TableId SALES = new TableId("HR", "SALES");

    static TableMappings example(String file) {
        return TableMappings.load(EXAMPLES.resolve(file));
    }

    static List<String> problems(String settingsRule) {
        String json = "{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-name\": \"1\", \"rule-action\": \"include\", "
                + "\"object-locator\": {\"schema-name\": \"%\", \"table-name\": \"%\"}}, " + settingsRule + "]}";
        return catchThrowableOfType(() -> TableMappings.parse(json, "m.json"), ConfigurationException.class).problems();
    }

    static String settings(String id, String schema, String table, String body) {
        return "{\"rule-type\": \"table-settings\", \"rule-id\": \"" + id + "\", \"rule-name\": \"s" + id + "\", \"object-locator\": "
                + "{\"schema-name\": \"" + schema + "\", \"table-name\": \"" + table + "\"}" + (body.isEmpty() ? "" : ", " + body) + "}";
    }

    @Test
    @DisplayName("when the guide's partitions-auto example is read, then HR.SALES loads by partitions and other tables have no settings")
    void partitionsAuto() {
        TableMappings m = example("dms-partitions-auto.json");
        TableSettingsRule rule = m.tableSettings(SALES).orElseThrow();
        assertThat(rule.id()).isEqualTo("2");
        assertThat(rule.parallelLoad().type()).isEqualTo(Type.PARTITIONS_AUTO);
        assertThat(rule.lobSettings()).isNull();
        assertThat(m.tableSettings(new TableId("HR", "sales"))).isEmpty();
        assertThat(m.tableSettings(new TableId("HR", "ORDERS"))).isEmpty();
    }

    @Test
    @DisplayName("when the guide's ranges example is read, then its columns and boundaries are kept in order")
    void ranges() {
        TableSettingsRule.ParallelLoad load = example("dms-ranges.json").tableSettings(SALES).orElseThrow().parallelLoad();
        assertThat(load.type()).isEqualTo(Type.RANGES);
        assertThat(load.columns()).containsExactly("SALES_NO", "REGION");
        assertThat(load.boundaries()).containsExactly(List.of("1000", "NORTH"), List.of("3000", "WEST"));
    }

    @Test
    @DisplayName("when the guide's two-table example is read, then each table has its own rule")
    void rangesAndPartitions() {
        TableMappings m = example("dms-ranges-and-partitions.json");
        assertThat(m.tableSettings(SALES).orElseThrow().parallelLoad().type()).isEqualTo(Type.RANGES);
        assertThat(m.tableSettings(new TableId("HR", "ORDERS")).orElseThrow().parallelLoad().type()).isEqualTo(Type.PARTITIONS_AUTO);
    }

    @Test
    @DisplayName("when the guide's partitions-list example is read, then the partitions are kept in order")
    void partitionsList() {
        TableSettingsRule.ParallelLoad load = example("dms-partitions-list.json").tableSettings(SALES).orElseThrow().parallelLoad();
        assertThat(load.type()).isEqualTo(Type.PARTITIONS_LIST);
        assertThat(load.partitions()).containsExactly("ABCD", "EFGH", "IJKL", "MNOP", "QRST", "UVWXYZ");
    }

    @Test
    @DisplayName("when the guide's Oracle subpartition examples are read, then they are refused with the path, the rule and the way out")
    void subpartitionsRefused() {
        assertThatThrownBy(() -> example("dms-subpartitions-auto.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith("dms-subpartitions-auto.json: $.rules[1] (rule 2 '2').parallel-load.type 'subpartitions-auto': "
                        + "subpartitions are Oracle's and no Ferry source has them; use 'partitions-auto' (a PostgreSQL source reads "
                        + "every leaf partition, sub-partitions included) or 'ranges'");
        assertThatThrownBy(() -> example("dms-partitions-and-subpartitions-list.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith(": $.rules[1] (rule 2 '2').parallel-load.subpartitions: subpartitions are Oracle's and no Ferry "
                        + "source has them; list the partitions to load in 'partitions'");
    }

    @Test
    @DisplayName("when the guide's LOB examples are read, then unlimited and none are kept and limited (truncating) is refused")
    void lobSettings() {
        TableId items = new TableId("INV", "ITEMS");
        assertThat(example("dms-lob-unlimited.json").tableSettings(items).orElseThrow().lobSettings())
                .isEqualTo(new TableSettingsRule.LobSettings(LobMode.UNLIMITED, 0));
        assertThat(example("dms-lob-combination.json").tableSettings(items).orElseThrow().lobSettings())
                .isEqualTo(new TableSettingsRule.LobSettings(LobMode.UNLIMITED, 100000));
        assertThat(example("dms-lob-none.json").tableSettings(items).orElseThrow().lobSettings())
                .isEqualTo(new TableSettingsRule.LobSettings(LobMode.NONE, 100000));
        assertThatThrownBy(() -> example("dms-lob-limited.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith(": $.rules[1] (rule 2 '2').lob-settings: mode 'limited' (LOBs over bulk-max-size 100000 KB "
                        + "truncated in this table's full load) is not supported per table; use mode 'unlimited' (Ferry moves every "
                        + "LOB whole, in the load and in CDC) or 'none' (the task's LOB settings apply)");
    }

    @Test
    @DisplayName("when a table-settings rule uses a wildcard, then it is refused as DMS refuses it")
    void wildcardRefused() {
        assertThat(problems(settings("2", "dbo", "%", "\"parallel-load\": {\"type\": \"partitions-auto\"}")))
                .containsExactly("$.rules[1] (rule 2 's2'): object-locator.table-name '%' has a wildcard; a table-settings rule "
                        + "names one table exactly, as in DMS (one rule per table)");
    }

    @Test
    @DisplayName("when an underscore is in the table name, then it is a literal character, not a wildcard")
    void underscoreIsLiteral() {
        TableMappings m = TableMappings.parse("{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-action\": "
                + "\"include\", \"object-locator\": {\"schema-name\": \"%\", \"table-name\": \"%\"}}, "
                + settings("2", "dbo", "order_lines", "\"parallel-load\": {\"type\": \"none\"}") + "]}", "m.json");
        assertThat(m.tableSettings(new TableId("dbo", "order_lines"))).isPresent();
        assertThat(m.tableSettings(new TableId("dbo", "orderXlines"))).isEmpty();
    }

    @Test
    @DisplayName("when two table-settings rules name one table, then both are named and the fix given")
    void twoRulesForOneTable() {
        String json = "{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-action\": \"include\", \"object-locator\": "
                + "{\"schema-name\": \"%\", \"table-name\": \"%\"}}, "
                + settings("2", "dbo", "t", "\"parallel-load\": {\"type\": \"partitions-auto\"}") + ", "
                + settings("3", "dbo", "t", "\"lob-settings\": {\"mode\": \"unlimited\"}") + "]}";
        assertThat(catchThrowableOfType(() -> TableMappings.parse(json, "m.json"), ConfigurationException.class).problems())
                .containsExactly("table-settings rule 3 ('s3') and table-settings rule 2 ('s2') both set table dbo.t: put its "
                        + "parallel-load and lob-settings into one rule");
    }

    @Test
    @DisplayName("when parallel-load is wrong, then each problem names the JSON path and the rule")
    void parallelLoadProblems() {
        assertThat(problems(settings("2", "dbo", "t", "\"parallel-load\": {\"type\": \"range\"}"))).containsExactly(
                "$.rules[1] (rule 2 's2').parallel-load.type 'range' is unknown (known: none, ranges, partitions-auto, "
                        + "partitions-list, subpartitions-auto)");
        assertThat(problems(settings("2", "dbo", "t", "\"parallel-load\": {}"))).containsExactly(
                "$.rules[1] (rule 2 's2').parallel-load.type is missing (one of none, ranges, partitions-auto, partitions-list, "
                        + "subpartitions-auto)");
        assertThat(problems(settings("2", "dbo", "t",
                "\"parallel-load\": {\"type\": \"ranges\", \"columns\": [\"a\", \"b\"], \"boundaries\": [[\"1\"], [2, {}]]}")))
                .containsExactly(
                        "$.rules[1] (rule 2 's2').parallel-load.boundaries[0] must be an array of 2 value(s), one per column [a, b], "
                                + "was [\"1\"]",
                        "$.rules[1] (rule 2 's2').parallel-load.boundaries[1][1] must be a value (a string or a number), was {}");
        assertThat(problems(settings("2", "dbo", "t", "\"parallel-load\": {\"type\": \"ranges\", \"columns\": []}")))
                .containsExactly("$.rules[1] (rule 2 's2').parallel-load.columns must be a non-empty array of names",
                        "$.rules[1] (rule 2 's2').parallel-load.boundaries must be a non-empty array of arrays of one value per column");
        assertThat(problems(settings("2", "dbo", "t",
                "\"parallel-load\": {\"type\": \"partitions-auto\", \"columns\": [\"a\"]}")))
                .containsExactly("$.rules[1] (rule 2 's2').parallel-load.columns does not apply to type 'partitions-auto'");
        assertThat(problems(settings("2", "dbo", "t", "\"parallel-load\": {\"type\": \"partitions-list\"}")))
                .containsExactly("$.rules[1] (rule 2 's2').parallel-load.partitions must be a non-empty array of names");
        assertThat(problems(settings("2", "dbo", "t", "")))
                .containsExactly("$.rules[1] (rule 2 's2'): sets neither parallel-load nor lob-settings");
    }

    @Test
    @DisplayName("when lob-settings are wrong, then each problem names the JSON path and the rule")
    void lobProblems() {
        assertThat(problems(settings("2", "dbo", "t", "\"lob-settings\": {\"mode\": \"full\"}"))).containsExactly(
                "$.rules[1] (rule 2 's2').lob-settings.mode 'full' is unknown (known: limited, unlimited, none)");
        assertThat(problems(settings("2", "dbo", "t", "\"lob-settings\": {\"mode\": \"unlimited\", \"bulk-max-size\": \"-1\"}")))
                .containsExactly("$.rules[1] (rule 2 's2').lob-settings.bulk-max-size must be 0 or more kilobytes, was -1");
        assertThat(problems(settings("2", "dbo", "t", "\"lob-settings\": {\"mode\": \"unlimited\", \"bulk-max-size\": \"lots\"}")))
                .containsExactly("$.rules[1] (rule 2 's2').lob-settings.bulk-max-size must be a whole number of kilobytes, was \"lots\"");
        assertThat(problems(settings("2", "dbo", "t", "\"lob-settings\": {\"mode\": \"limited\"}"))).containsExactly(
                "$.rules[1] (rule 2 's2').lob-settings.bulk-max-size: mode 'limited' needs a size above 0 (DMS: \"In limited mode, "
                        + "you must set a nonzero value\")");
    }
}
