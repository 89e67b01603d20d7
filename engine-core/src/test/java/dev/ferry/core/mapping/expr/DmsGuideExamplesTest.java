package dev.ferry.core.mapping.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The examples of the DMS user guide, "Using transformation rule expressions to define column
 * content", quoted verbatim (JSON included, typos included) and evaluated.
 */
class DmsGuideExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant LOAD = Instant.parse("2026-11-25T10:15:30.123456Z");
    private static final ChangeHeader FULL_LOAD = ChangeHeader.fullLoad(LOAD);

    private static final TableSchema ITEM = new TableSchema(new TableId("Test", "ITEM"), List.of(
            new Column("ID", LogicalType.of(TypeKind.INT32), false),
            new Column("FIRST_NAME", LogicalType.varchar(20), true),
            new Column("LAST_NAME", LogicalType.varchar(20), true)), List.of("ID"));

    private static final TableSchema EMPLOYEE = new TableSchema(new TableId("public", "employee"), List.of(
            new Column("emp_number", LogicalType.of(TypeKind.INT32), false, "int4"),
            new Column("emp_salary", LogicalType.decimal(10, 2), true, "numeric(10,2)")), List.of("emp_number"));

    private static String expression(String ruleJson) throws Exception {
        JsonNode node = JSON.readTree(ruleJson);
        if (node.has("rules")) {
            for (JsonNode rule : node.get("rules")) {
                if (rule.has("expression")) {
                    return rule.get("expression").asText();
                }
            }
        }
        return node.get("expression").asText();
    }

    @Test
    @DisplayName("when the guide's FULL_NAME rule runs then it joins first and last name with an underscore")
    void fullName() throws Exception {
        String rule = """
                {
                    "rules": [
                        {
                            "rule-type": "selection",\s
                            "rule-id": "1",
                            "rule-name": "1",
                            "object-locator": {
                                "schema-name": "Test",
                                "table-name": "%"
                            },
                            "rule-action": "include"
                        },
                        {
                            "rule-type": "transformation",
                            "rule-id": "2",
                            "rule-name": "2",
                            "rule-action": "add-column",
                            "rule-target": "column",
                            "object-locator": {
                                "schema-name": "Test",
                                "table-name": "ITEM"
                            },
                            "value": "FULL_NAME",
                            "expression": "$FIRST_NAME||'_'||$LAST_NAME",
                            "data-type": {
                                 "type": "string",
                                 "length": 50
                            }
                        }
                    ]
                }""";
        Expression e = Expression.compile(expression(rule), ITEM, null, "$.rules[1] (rule 2 '2')");
        assertThat(e.evaluate(new Object[] {1, "Ada", "Lovelace"}, FULL_LOAD)).isEqualTo("Ada_Lovelace");
        assertThat(e.evaluate(new Object[] {2, "Ada", null}, FULL_LOAD)).isNull();
        assertThat(e.columns()).containsExactly("FIRST_NAME", "LAST_NAME");
        assertThat(e.inferredType()).isEqualTo(LogicalType.of(TypeKind.TEXT));
    }

    @Test
    @DisplayName("when the guide's operation_indicator rule runs then rows read D, U or I, and I in the full load")
    void operationIndicator() throws Exception {
        String rule = """
                {
                      "rule-type": "transformation",
                      "rule-id": "2",
                      "rule-name": "2",
                      "rule-target": "column",
                      "object-locator": {
                        "schema-name": "%",
                        "table-name": "%"
                      },
                      "rule-action": "add-column",
                      "value": "Operation",
                      "expression": "operation_indicator('D', 'U', 'I')",
                      "data-type": {
                        "type": "string",
                        "length": 50
                      }
                }""";
        Expression e = Expression.compile(expression(rule), ITEM, null, "rule 2");
        Object[] row = {1, "a", "b"};
        assertThat(e.usesOperationIndicator()).isTrue();
        assertThat(e.columns()).isEmpty();
        assertThat(e.evaluate(row, FULL_LOAD)).isEqualTo("I");
        assertThat(e.evaluate(row, change(ChangeHeader.Operation.INSERT))).isEqualTo("I");
        assertThat(e.evaluate(row, change(ChangeHeader.Operation.UPDATE))).isEqualTo("U");
        assertThat(e.evaluate(row, change(ChangeHeader.Operation.DELETE))).isEqualTo("D");
    }

    private static ChangeHeader change(ChangeHeader.Operation op) {
        return new ChangeHeader(op, Instant.parse("2026-11-25T10:20:00.25Z"), "0/16B3748", 42);
    }

    @Test
    @DisplayName("when the guide's transact_id rules run then the stream position and change sequence are empty in the full load and set in CDC")
    void streamPositionAndChangeSeq() throws Exception {
        String position = """
                {
                      "rule-type": "transformation",
                     "rule-id": "2",
                      "rule-name": "2",
                      "rule-target": "column",
                      "object-locator": {
                        "schema-name": "%",
                        "table-name": "%"
                      },
                      "rule-action": "add-column",
                      "value": "transact_id",
                      "expression": "$AR_H_STREAM_POSITION",
                      "data-type": {
                        "type": "string",
                        "length": 50
                      }
                    }""";
        String seq = """
                {
                "rule-type": "transformation",
                "rule-id": "2",
                "rule-name": "2",
                "rule-target": "column",
                "object-locator": {
                "schema-name": "%",
                "table-name": "%"
                },
                "rule-action": "add-column",
                "value": "transact_id",
                "expression": "$AR_H_CHANGE_SEQ",
                "data-type": {
                "type": "string",
                "length": 50
                }
                }""";
        Object[] row = {1, "a", "b"};
        Expression p = Expression.compile(expression(position), ITEM, null, "rule 2");
        assertThat(p.evaluate(row, FULL_LOAD)).isEqualTo("");
        assertThat(p.evaluate(row, change(ChangeHeader.Operation.UPDATE))).isEqualTo("0/16B3748");
        Expression s = Expression.compile(expression(seq), ITEM, null, "rule 2");
        assertThat(s.evaluate(row, FULL_LOAD)).isEqualTo("");
        // 35 digits: the first 16 a timestamp (to hundredths), the last 19 the change number
        assertThat(s.evaluate(row, change(ChangeHeader.Operation.UPDATE)))
                .isEqualTo("2026112510200025" + "0000000000000000042");
    }

    @Test
    @DisplayName("when the guide's CASE example is used as printed, with typographic quotes, then it is refused with the fix; with straight quotes it works")
    void caseExample() throws Exception {
        String rule = """
                {
                      "rule-type": "transformation",
                      "rule-id": "2",
                      "rule-name": "2",
                      "rule-action": "add-column",
                      "rule-target": "column",
                      "object-locator": {
                        "schema-name": "public",
                        "table-name": "employee"
                      },
                      "value": "emp_seniority",
                      "expression": " CASE WHEN round($emp_salary)>=20000 THEN ‘SENIOR’ ELSE ‘JUNIOR’ END",
                      "data-type": {
                        "type": "string",
                        "lenght": 50
                      }

                }""";
        String printed = expression(rule);
        assertThatThrownBy(() -> Expression.compile(printed, EMPLOYEE, null, "$.rules[0] (rule 2 '2')"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("$.rules[0] (rule 2 '2'): typographic quote \u2018 at offset 42;"
                        + " write text in straight single quotes, as in 'SENIOR'");
        Expression e = Expression.compile(printed.replace('\u2018', '\'').replace('\u2019', '\''), EMPLOYEE, null, "rule 2");
        assertThat(e.evaluate(new Object[] {1, new BigDecimal("19999.50")}, FULL_LOAD)).isEqualTo("SENIOR");
        assertThat(e.evaluate(new Object[] {2, new BigDecimal("19999.49")}, FULL_LOAD)).isEqualTo("JUNIOR");
        assertThat(e.evaluate(new Object[] {3, null}, FULL_LOAD)).isEqualTo("JUNIOR");
    }

    @Test
    @DisplayName("when the guide's createdate rule uses datetime () then every row gets the time of its change")
    void createDate() throws Exception {
        String rule = """
                {
                      "rule-type": "transformation",
                      "rule-id": "2",
                      "rule-name": "2",
                      "rule-action": "add-column",
                      "rule-target": "column",
                      "object-locator": {
                        "schema-name": "public",
                        "table-name": "employee"
                      },
                      "value": "createdate",
                      "expression": "datetime ()",
                      "data-type": {
                        "type": "datetime",
                        "precision": 6
                      }
                   \t\t }""";
        Expression e = Expression.compile(expression(rule), EMPLOYEE, null, "rule 2");
        assertThat(e.evaluate(new Object[] {1, null}, FULL_LOAD)).isEqualTo("2026-11-25 10:15:30");
        assertThat(e.evaluate(new Object[] {1, null}, change(ChangeHeader.Operation.INSERT))).isEqualTo("2026-11-25 10:20:00");
    }

    @Test
    @DisplayName("when the guide's rounded_emp_salary rule runs on a DECIMAL column then the result is the exact rounded decimal")
    void roundedSalary() throws Exception {
        String rule = """
                {
                      "rule-type": "transformation",
                      "rule-id": "2",
                      "rule-name": "2",
                      "rule-action": "add-column",
                      "rule-target": "column",
                      "object-locator": {
                        "schema-name": "public",
                        "table-name": "employee"
                      },
                      "value": "rounded_emp_salary",
                      "expression": "round($emp_salary)",
                      "data-type": {
                        "type": "int8"
                      }
                }""";
        Expression e = Expression.compile(expression(rule), EMPLOYEE, null, "rule 2");
        assertThat(e.evaluate(new Object[] {1, new BigDecimal("20000.50")}, FULL_LOAD)).isEqualTo(new BigDecimal("20001"));
        assertThat(e.evaluate(new Object[] {1, new BigDecimal("-0.50")}, FULL_LOAD)).isEqualTo(new BigDecimal("-1"));
        assertThat(e.inferredType().kind()).isEqualTo(TypeKind.DECIMAL);
    }

    @Test
    @DisplayName("when the guide's hashed_emp_number rule runs then the column holds the SHA-256 of the number's text in hex")
    void hashedNumber() throws Exception {
        String rule = """
                  {
                      "rule-type": "transformation",
                      "rule-id": "2",
                      "rule-name": "2",
                      "rule-action": "add-column",
                      "rule-target": "column",
                      "object-locator": {
                        "schema-name": "public",
                        "table-name": "employee"
                      },
                      "value": "hashed_emp_number",
                      "expression": "hash_sha256($emp_number)",
                      "data-type": {
                        "type": "string",
                        "lenght": 50
                      }
                   \t\t }""";
        Expression e = Expression.compile(expression(rule), EMPLOYEE, null, "rule 2");
        // sha256("12345")
        assertThat(e.evaluate(new Object[] {12345, null}, FULL_LOAD))
                .isEqualTo("5994471abb01112afcc18159f6cc74b4f511b99806da59b3caf5a9c173cacfc5");
    }

    @Test
    @DisplayName("when the guide's metadata rules run then they give the source schema and table names")
    void metadata() throws Exception {
        String schema = """
                {
                      "rule-type": "transformation",
                      "rule-id": "2",
                      "rule-name": "2",
                      "rule-action": "add-column",
                      "rule-target": "column",
                      "object-locator": {
                        "schema-name": "%",
                        "table-name": "%"
                      },
                      "value": "schema_name",
                      "expression": "$AR_M_SOURCE_SCHEMA",
                      "data-type": {
                        "type": "string",
                        "length": 50
                      }
                }""";
        Expression e = Expression.compile(expression(schema), EMPLOYEE, null, "rule 2");
        assertThat(e.evaluate(new Object[] {1, null}, FULL_LOAD)).isEqualTo("public");
        Expression t = Expression.compile("$AR_M_SOURCE_TABLE_NAME", EMPLOYEE, null, "rule 3");
        assertThat(t.evaluate(new Object[] {1, null}, FULL_LOAD)).isEqualTo("employee");
        Expression c = Expression.compile("$AR_M_SOURCE_COLUMN_NAME || ' ' || $AR_M_SOURCE_COLUMN_DATATYPE",
                EMPLOYEE, "emp_salary", "rule 4");
        assertThat(c.evaluate(new Object[] {1, null}, FULL_LOAD)).isEqualTo("emp_salary numeric(10,2)");
    }

    @Test
    @DisplayName("when the guide's replaceChars example runs then it gives 1231e")
    void replaceChars() {
        Expression e = Expression.compile("replaceChars(\"abcde\",\"abcd\",\"123\")", ITEM, null, "rule 5");
        assertThat(e.evaluate(new Object[] {1, null, null}, FULL_LOAD)).isEqualTo("1231e");
    }

    @Test
    @DisplayName("when the guide's header columns are read in the full load and in CDC then they hold DMS's values")
    void headers() {
        Object[] row = {1, "a", "b"};
        Expression op = Expression.compile("$AR_H_OPERATION", ITEM, null, "r");
        assertThat(op.evaluate(row, FULL_LOAD)).isEqualTo("INSERT");
        assertThat(op.evaluate(row, change(ChangeHeader.Operation.DELETE))).isEqualTo("DELETE");
        Expression ts = Expression.compile("$AR_H_TIMESTAMP", ITEM, null, "r");
        assertThat(ts.evaluate(row, FULL_LOAD)).isEqualTo("2026-11-25 10:15:30.123456");
        assertThat(ts.evaluate(row, change(ChangeHeader.Operation.UPDATE))).isEqualTo("2026-11-25 10:20:00.250000");
        assertThat(ts.inferredType()).isEqualTo(LogicalType.temporal(TypeKind.TIMESTAMP, 6));
        assertThat(Expression.compile("$AR_H_COMMIT_TIMESTAMP", ITEM, null, "r").evaluate(row, FULL_LOAD))
                .isEqualTo("2026-11-25 10:15:30.123456");
    }
}
