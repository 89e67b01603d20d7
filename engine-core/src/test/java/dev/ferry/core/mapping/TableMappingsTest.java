package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableMappingsTest {

    static TableSchema table(String schema, String name) {
        return new TableSchema(new TableId(schema, name), List.of(new Column("id", LogicalType.of(TypeKind.INT32), false)), List.of("id"));
    }

    static final List<TableSchema> CATALOG = List.of(table("dbo", "orders"), table("dbo", "order_lines"),
            table("dbo", "audit"), table("sales", "orders"), table("Mixed", "Name%Pct"));

    static String rule(String id, String action, String schema, String table) {
        return "{\"rule-type\": \"selection\", \"rule-id\": \"" + id + "\", \"rule-name\": \"r" + id + "\", \"rule-action\": \""
                + action + "\", \"object-locator\": {\"schema-name\": \"" + schema + "\", \"table-name\": \"" + table + "\"}}";
    }

    static TableMappings parse(String... rules) {
        return TableMappings.parse("{\"rules\": [" + String.join(",", rules) + "]}", "mappings.json");
    }

    @Test
    @DisplayName("when include uses % and an exclude matches, then the exclude wins")
    void includeAndExclude() {
        TableMappings m = parse(rule("1", "include", "dbo", "order%"), rule("2", "include", "%", "audit"),
                rule("3", "exclude", "dbo", "order_lines"));
        assertThat(m.select(CATALOG)).extracting(t -> t.id().toString()).containsExactly("dbo.audit", "dbo.orders");
    }

    @Test
    void percentMatchesAnyRunAndOtherCharactersAreLiteral() {
        assertThat(NamePattern.of("a%b").matches("axxb")).isTrue();
        assertThat(NamePattern.of("a%b").matches("ab")).isTrue();
        assertThat(NamePattern.of("a.b").matches("axb")).isFalse();
        assertThat(NamePattern.of("a.b").matches("a.b")).isTrue();
        assertThat(NamePattern.of("%").matches("")).isTrue();
    }

    @Test
    void unknownRuleActionIsNamedWithItsRule() {
        assertThatThrownBy(() -> parse(rule("7", "inclde", "dbo", "%")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings mappings.json: $.rules[0] (rule 7 'r7'): unknown rule-action 'inclde' (known: include, exclude, explicit)");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigurationException e = (ConfigurationException) org.assertj.core.api.Assertions.catchThrowable(() ->
                TableMappings.parse("{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-action\": \"include\"},"
                        + "{\"rule-type\": \"transformation\", \"rule-id\": \"2\", \"rule-action\": \"rename\"},"
                        + "{\"rule-id\": \"3\"}]}", "m.json"));
        assertThat(e.problems()).containsExactly(
                "$.rules[0] (rule 1): missing object-locator",
                "$.rules[1] (rule 2): missing rule-target (schema, table or column)",
                "$.rules[1] (rule 2): missing object-locator",
                "$.rules[1] (rule 2): rule-action rename needs a value (the new name)",
                "$.rules[2] (rule 3): missing rule-type");
    }

    @Test
    void malformedJsonNamesFileAndLine() {
        assertThatThrownBy(() -> TableMappings.parse("{\"rules\": [\n  {,}\n]}", "bad.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("table mappings bad.json is not valid JSON:")
                .hasMessageContaining("line 2");
    }

    @Test
    void missingRulesArray() {
        assertThatThrownBy(() -> TableMappings.parse("{}", "m.json"))
                .hasMessage("table mappings m.json: $.rules: missing or not an array");
    }

    @Test
    @DisplayName("when an exact include names a table the source lacks, then selection fails naming the rule")
    void missingExactTable() {
        TableMappings m = parse(rule("1", "include", "dbo", "ordres"));
        assertThatThrownBy(() -> m.select(CATALOG))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings: rule 1 (r1) selects dbo.ordres, which the source does not have");
    }

    @Test
    void onlyExcludesIsAnError() {
        assertThatThrownBy(() -> parse(rule("1", "exclude", "dbo", "%")))
                .hasMessageContaining("no selection rule with rule-action 'include'");
    }
}
