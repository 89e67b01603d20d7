package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.TableSchema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.ferry.core.mapping.TableMappingsTest.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Selection rules: actions, every DMS wildcard, table-type, load-order, and their errors. */
class SelectionRulesTest {

    static TableMappings parse(String... rules) {
        return TableMappings.parse("{\"rules\": [" + String.join(",", rules) + "]}", "m.json");
    }

    static String rule(String id, String action, String schema, String table, String extra) {
        return "{\"rule-type\": \"selection\", \"rule-id\": \"" + id + "\", \"rule-name\": \"r" + id + "\", \"rule-action\": \""
                + action + "\", \"object-locator\": {\"schema-name\": \"" + schema + "\", \"table-name\": \"" + table + "\"}"
                + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    static List<String> names(List<TableSchema> tables) {
        return tables.stream().map(t -> t.id().toString()).toList();
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            // % any run, also none
            "order%      | orders       | true",
            "order%      | order        | true",
            "%s          | orders       | true",
            "%           | ''           | true",
            // _ exactly one character
            "order_      | orders       | true",
            "order_      | order        | false",
            "order_      | orderss      | false",
            "o_der_      | oXderY       | true",
            // [_] a literal underscore, not any character
            "order[_]%   | order_lines  | true",
            "order[_]%   | orderXlines  | false",
            "order_lines | orderXlines  | true",
            // sets and ranges
            "t[ab]       | ta           | true",
            "t[ab]       | tb           | true",
            "t[ab]       | tc           | false",
            "t[a-d]      | tc           | true",
            "t[a-d]      | te           | false",
            "t[a-cx]     | tx           | true",
            "t[-a]       | t-           | true",
            "[%]         | %            | true",
            "[%]         | x            | false",
            // case-sensitive; regex characters are literal
            "Orders      | orders       | false",
            "a.b         | axb          | false",
            "a+b$        | a+b$         | true",
            "t[ab]       | t[ab]        | false",
    })
    void wildcard(String pattern, String name, boolean matches) {
        assertThat(NamePattern.of(pattern).matches(name)).isEqualTo(matches);
    }

    @Test
    @DisplayName("when a bracket is not closed or a range runs backwards, then the rule is refused naming the path")
    void badBrackets() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> parse(rule("1", "include", "dbo", "t[ab", ""), rule("2", "include", "d[z-a]", "%", "")));
        assertThat(e.problems()).containsExactly(
                "$.rules[0].object-locator.table-name (rule 1 'r1'): 't[ab': '[' at position 2 is not closed by ']' (write [[] for a literal '[')",
                "$.rules[1].object-locator.schema-name (rule 2 'r2'): 'd[z-a]': range 'z-a' at position 2 runs backwards");
    }

    @Test
    @DisplayName("when the table-name uses _ and [_], then each selects as DMS documents")
    void underscoreInSelection() {
        List<TableSchema> catalog = List.of(table("s", "order_lines"), table("s", "orderXlines"), table("s", "orders"));
        assertThat(names(parse(rule("1", "include", "s", "order_lines", "")).select(catalog)))
                .containsExactly("s.orderXlines", "s.order_lines");
        assertThat(names(parse(rule("1", "include", "s", "order[_]lines", "")).select(catalog)))
                .containsExactly("s.order_lines");
    }

    final List<TableSchema> catalog = List.of(table("Test", "DMS_a"), table("Test", "DMSb"), table("Test", "orders"),
            table("Test", "Name%Pct"), table("other", "orders"));

    @Test
    @DisplayName("when the guide's 'Migrate some tables in a schema' example runs, then DMS% tables are left out")
    void guideExample() {
        // verbatim from the DMS user guide, "Selection rules and actions"
        TableMappings m = TableMappings.parse("""
                {
                    "rules": [
                        {
                            "rule-type": "selection",
                            "rule-id": "1",
                            "rule-name": "1",
                            "object-locator": {
                                "schema-name": "Test",
                                "table-name": "%"
                            },
                            "rule-action": "include"
                        },
                        {
                            "rule-type": "selection",
                            "rule-id": "2",
                            "rule-name": "2",
                            "object-locator": {
                                "schema-name": "Test",
                                "table-name": "DMS%"
                            },
                            "rule-action": "exclude"
                        }
                    ]
                }
                """, "guide.json");
        assertThat(names(m.select(catalog))).containsExactly("Test.Name%Pct", "Test.orders");
    }

    @Test
    @DisplayName("when an exclude rule comes before the include that matches too, then exclusion still wins")
    void exclusionBeatsInclusionInAnyOrder() {
        TableMappings m = parse(rule("1", "exclude", "Test", "orders", ""), rule("2", "include", "%", "orders", ""));
        assertThat(names(m.select(catalog))).containsExactly("other.orders");
    }

    @Test
    @DisplayName("when explicit names a table, then exactly that table is selected, its name taken literally")
    void explicitSelectsOneTableLiterally() {
        assertThat(names(parse(rule("1", "explicit", "Test", "Name%Pct", "")).select(catalog))).containsExactly("Test.Name%Pct");
        assertThat(names(parse(rule("1", "explicit", "Test", "orders", "")).select(catalog))).containsExactly("Test.orders");
    }

    @Test
    @DisplayName("when explicit and include rules select, then the tables of both move")
    void explicitAddsToInclude() {
        TableMappings m = parse(rule("1", "include", "other", "%", ""), rule("2", "explicit", "Test", "DMSb", ""));
        assertThat(names(m.select(catalog))).containsExactly("Test.DMSb", "other.orders");
    }

    @Test
    @DisplayName("when an exclude matches an explicit table, then exclusion wins there too")
    void excludeBeatsExplicit() {
        TableMappings m = parse(rule("1", "explicit", "Test", "DMSb", ""), rule("2", "include", "other", "%", ""),
                rule("3", "exclude", "Test", "DMS%", ""));
        assertThat(names(m.select(catalog))).containsExactly("other.orders");
    }

    @Test
    @DisplayName("when explicit uses a wildcard, then it matches no table and the error says explicit takes none")
    void explicitHasNoWildcards() {
        assertThatThrownBy(() -> parse(rule("4", "explicit", "Test", "ord%", "")).select(catalog))
                .hasMessage("table mappings: rule 4 (r4) selects Test.ord%, which the source does not have; "
                        + "an explicit rule names one table exactly, without wildcards");
    }

    @Test
    @DisplayName("when an include rule has no % (only _ or brackets) and matches nothing, then it is an error like an exact name")
    void closedPatternMatchingNothing() {
        assertThatThrownBy(() -> parse(rule("1", "include", "Test", "x[%]_", "")).select(catalog))
                .hasMessage("table mappings: rule 1 (r1) selects Test.x[%]_, which the source does not have");
        assertThat(names(parse(rule("1", "include", "Test", "x[%]%", ""), rule("2", "include", "other", "%", "")).select(catalog)))
                .containsExactly("other.orders");
    }

    @Test
    @DisplayName("when an exact name differs only in case, then the error names the table the source has")
    void caseHint() {
        assertThatThrownBy(() -> parse(rule("1", "include", "test", "ORDERS", "")).select(catalog))
                .hasMessage("table mappings: rule 1 (r1) selects test.ORDERS, which the source does not have "
                        + "(names are case-sensitive: the source has Test.orders)");
    }

    @Test
    @DisplayName("when the rules select no table, then the mapping fails naming its rules")
    void selectsNothing() {
        assertThatThrownBy(() -> parse(rule("1", "include", "Test", "x%", ""), rule("2", "exclude", "%", "y%", ""))
                .plan(catalog))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings: the rules select none of the source's 5 tables (including: rule 1 (r1) "
                        + "Test.x%; excluding: rule 2 (r2) %.y%); check the schema-name and table-name patterns");
    }

    @Test
    @DisplayName("when load-order is given (as number or string), then plan carries it; the highest of the selecting rules counts")
    void loadOrder() {
        List<TableSchema> catalog = List.of(table("s", "a"), table("s", "b"), table("s", "c"));
        TableMappings m = parse(rule("1", "include", "s", "%", "\"load-order\": 1"), rule("2", "include", "s", "b",
                "\"load-order\": \"5\""));
        assertThat(m.plan(catalog)).extracting(t -> t.source().id().name() + "=" + t.loadOrder())
                .containsExactly("a=1", "b=5", "c=1");
    }

    @Test
    @DisplayName("when table-type is table, then it is accepted; view and all are refused with the reason")
    void tableType() {
        String table = "{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-name\": \"t\", \"rule-action\": \"include\","
                + " \"object-locator\": {\"schema-name\": \"s\", \"table-name\": \"%\", \"table-type\": \"%s\"}}";
        assertThat(parse(table.replace("%s", "table")).rules()).hasSize(1);
        assertThatThrownBy(() -> parse(table.replace("%s", "view")))
                .hasMessage("table mappings m.json: $.rules[0].object-locator.table-type (rule 1 't'): 'view' selects views, "
                        + "and Ferry reads tables only (its catalog lists no views); use \"table\" and select the view's "
                        + "base tables instead");
        assertThatThrownBy(() -> parse(table.replace("%s", "all"))).hasMessageContaining("'all' selects views");
        assertThatThrownBy(() -> parse(table.replace("%s", "tables")))
                .hasMessageEndingWith("unknown table-type 'tables' (known: table, view, all)");
    }

    @Test
    @DisplayName("when two rules share a rule-id, then the mapping is refused naming both JSON paths")
    void duplicateRuleId() {
        assertThatThrownBy(() -> parse(rule("1", "include", "s", "%", ""), rule("2", "include", "t", "%", ""),
                rule("1", "exclude", "s", "x", "")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings m.json: $.rules[2].rule-id (rule 1 'r1'): rule-id 1 is also the rule-id of "
                        + "$.rules[0]; every rule needs its own rule-id");
    }

    @Test
    @DisplayName("when values have the wrong JSON type, then each is named with its path, rule-id and rule-name, all at once")
    void wrongValueTypes() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> parse(
                rule("1", "include", "s", "%", "\"load-order\": \"high\""),
                rule("2", "include", "s", "%", "\"filters\": {\"column-name\": \"x\"}"),
                "{\"rule-type\": \"selection\", \"rule-id\": \"3\", \"rule-name\": \"n\", \"rule-action\": \"include\", "
                        + "\"object-locator\": [\"s\", \"t\"]}",
                "{\"rule-type\": \"selection\", \"rule-id\": \"4\", \"rule-name\": \"n4\", \"rule-action\": \"include\", "
                        + "\"object-locator\": {\"schema-name\": {\"x\": 1}, \"table-name\": \"t\"}}",
                rule("5", "include", "s", "%", "\"load-order\": -1"),
                "[1]",
                rule("7", "remove", "s", "%", ""),
                "{\"rule-type\": \"selektion\", \"rule-id\": \"8\"}"));
        assertThat(e.problems()).containsExactly(
                "$.rules[0].load-order (rule 1 'r1'): must be a whole number from 0 to 2147483647, was \"high\"",
                "$.rules[1].filters (rule 2 'r2'): must be an array of filters, was an object",
                "$.rules[2].object-locator (rule 3 'n'): must be an object with schema-name and table-name, was an array",
                "$.rules[3].object-locator.schema-name (rule 4 'n4'): must be a string, was an object",
                "$.rules[4].load-order (rule 5 'r5'): must be a whole number from 0 to 2147483647, was -1",
                "$.rules[5]: must be an object (a rule), was an array",
                "$.rules[6] (rule 7 'r7'): unknown rule-action 'remove' (known: include, exclude, explicit)",
                "$.rules[7].rule-type (rule 8): unknown rule-type 'selektion' (known: selection, transformation, table-settings)");
        assertThat(e.getMessage()).startsWith("table mappings m.json: 8 problems:\n  - $.rules[0].load-order");
    }
}
