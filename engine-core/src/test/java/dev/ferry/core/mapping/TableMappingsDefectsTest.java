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

/** The mapping defects issue 9 names first, each as a user met it (written against the API that had them). */
class TableMappingsDefectsTest {

    static final TableSchema ORDERS = new TableSchema(new TableId("public", "orders"), List.of(
            new Column("id", LogicalType.of(TypeKind.INT32), false), new Column("qty", LogicalType.of(TypeKind.INT32), true)),
            List.of("id"));

    @Test
    @DisplayName("when a rule filters qty eq 1, then the plan's filter passes qty 1 only (it was silently ignored)")
    void filterIsNotIgnored() {
        TableMappings m = TableMappings.parse("""
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "rule-action": "include",
                  "object-locator": {"schema-name": "public", "table-name": "orders"},
                  "filters": [{"filter-type": "source", "column-name": "qty",
                               "filter-conditions": [{"filter-operator": "eq", "value": "1"}]}]}]}""", "qty.json");
        SourceFilter f = m.plan(List.of(ORDERS)).get(0).filter();
        int passed = 0;
        for (int i = 1; i <= 100; i++) {
            passed += f.matches(new Object[] {i, i % 10}) ? 1 : 0;
        }
        assertThat(passed).isEqualTo(10);
    }

    @Test
    @DisplayName("when a rule's action is explicit, then it selects its table (it was refused)")
    void explicitIsAccepted() {
        TableMappings m = TableMappings.parse("""
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "rule-action": "explicit",
                  "object-locator": {"schema-name": "public", "table-name": "orders"}}]}""", "explicit.json");
        assertThat(m.select(List.of(ORDERS))).containsExactly(ORDERS);
    }

    @Test
    @DisplayName("when two rules share a rule-id, then the mapping is refused naming both paths (it was accepted)")
    void duplicateRuleIdsAreRefused() {
        assertThatThrownBy(() -> TableMappings.parse("""
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "a", "rule-action": "include",
                  "object-locator": {"schema-name": "public", "table-name": "%"}},
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "b", "rule-action": "exclude",
                  "object-locator": {"schema-name": "public", "table-name": "x"}}]}""", "dup.json"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("$.rules[1]").hasMessageContaining("$.rules[0]").hasMessageContaining("rule-id 1");
    }
}
