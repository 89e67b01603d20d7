package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Source filters: the DMS guide's examples ("Using source filters", "Filtering by time and date")
 * verbatim, every operator, the value conversions and their errors, and how CDC changes are routed.
 */
class SourceFiltersTest {

    static final TableId EMPLOYEE = new TableId("test", "employee");
    /** empid, dept, empstartdate, code char(4), price real, amount numeric, at timestamp, atz timestamptz, flag, id uuid, doc */
    static final TableSchema EMPLOYEES = new TableSchema(EMPLOYEE, List.of(
            new Column("empid", LogicalType.of(TypeKind.INT32), false),
            new Column("dept", LogicalType.of(TypeKind.VARCHAR), true),
            new Column("empstartdate", LogicalType.of(TypeKind.DATE), true),
            new Column("code", LogicalType.chars(4), true),
            new Column("price", LogicalType.of(TypeKind.FLOAT32), true),
            new Column("amount", LogicalType.decimal(10, 2), true),
            new Column("at", LogicalType.of(TypeKind.TIMESTAMP), true),
            new Column("atz", LogicalType.of(TypeKind.TIMESTAMPTZ), true),
            new Column("flag", LogicalType.of(TypeKind.BOOLEAN), true),
            new Column("uid", LogicalType.of(TypeKind.UUID), true),
            new Column("doc", LogicalType.of(TypeKind.JSON), true),
            new Column("total", LogicalType.of(TypeKind.INT64), true, "", "price * 2")), List.of("empid"));
    static final TableSchema KEYLESS = new TableSchema(new TableId("test", "events"), EMPLOYEES.columns(), List.of());

    static Object[] emp(int id, String dept) {
        Object[] row = new Object[EMPLOYEES.columns().size()];
        row[0] = id;
        row[1] = dept;
        return row;
    }

    static SourceFilter filter(String json) {
        return filter(json, EMPLOYEES);
    }

    static SourceFilter filter(String json, TableSchema table) {
        List<MappedTable> plan = TableMappings.parse(json, "m.json").plan(List.of(table));
        assertThat(plan).hasSize(1);
        return plan.get(0).filter();
    }

    /** A selection of test.employee with {@code filters}. */
    static String rule(String filters) {
        return "{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-name\": \"emp\", \"rule-action\": \"include\","
                + " \"object-locator\": {\"schema-name\": \"test\", \"table-name\": \"%\"}, \"filters\": [" + filters + "]}]}";
    }

    static String on(String column, String... conditions) {
        return "{\"filter-type\": \"source\", \"column-name\": \"" + column + "\", \"filter-conditions\": ["
                + String.join(", ", conditions) + "]}";
    }

    static String cond(String op, String value) {
        return "{\"filter-operator\": \"" + op + "\", \"value\": \"" + value + "\"}";
    }

    static String range(String op, String start, String end) {
        return "{\"filter-operator\": \"" + op + "\", \"start-value\": \"" + start + "\", \"end-value\": \"" + end + "\"}";
    }

    static List<Integer> passing(SourceFilter f, int to) {
        return IntStream.rangeClosed(0, to).filter(i -> f.matches(emp(i, null))).boxed().toList();
    }

    /** Renders SQL with ANSI quoting and plain literals: the structure, not a dialect. */
    static final FilterDialect ANSI = new FilterDialect() {
        @Override
        public String identifier(String name) {
            return '"' + name + '"';
        }

        @Override
        public String literal(Object value, Column column) {
            return value instanceof Number || value instanceof Boolean ? value.toString() : "'" + value + "'";
        }
    };

    @Test
    @DisplayName("when the guide's 'single filter' example (empid >= 100) runs, then exactly those rows pass")
    void singleFilter() {
        SourceFilter f = filter("""
                 {
                	"rules": [{
                		"rule-type": "selection",
                		"rule-id": "1",
                		"rule-name": "1",
                		"object-locator": {
                			"schema-name": "test",
                			"table-name": "employee"
                		},
                		"rule-action": "include",
                		"filters": [{
                			"filter-type": "source",
                			"column-name": "empid",
                			"filter-conditions": [{
                				"filter-operator": "gte",
                				"value": "100"
                			}]
                		}]
                	}]
                }
                """);
        assertThat(passing(f, 102)).containsExactly(100, 101, 102);
        assertThat(f.condition(ANSI)).isEqualTo("((\"empid\" >= 100))");
    }

    @Test
    @DisplayName("when the guide's 'multiple filter operators' example runs, then (empid <=10) OR (50..75) OR (>= 100) pass")
    void multipleOperators() {
        SourceFilter f = filter("""
                {
                 	"rules": [{
                 		"rule-type": "selection",
                 		"rule-id": "1",
                 		"rule-name": "1",
                 		"object-locator": {
                 			"schema-name": "test",
                 			"table-name": "employee"
                 		},
                 		"rule-action": "include",
                 		"filters": [{
                 			"filter-type": "source",
                 			"column-name": "empid",
                 			"filter-conditions": [{
                 				"filter-operator": "ste",
                 				"value": "10"
                 			}, {
                 				"filter-operator": "between",
                 				"start-value": "50",
                 				"end-value": "75"
                 			}, {
                 				"filter-operator": "gte",
                 				"value": "100"
                 			}]
                 		}]
                 	}]
                 }
                """);
        List<Integer> expected = new ArrayList<>();
        IntStream.rangeClosed(0, 10).forEach(expected::add);
        IntStream.rangeClosed(50, 75).forEach(expected::add);
        IntStream.rangeClosed(100, 120).forEach(expected::add);
        assertThat(passing(f, 120)).isEqualTo(expected);
        assertThat(f.condition(ANSI)).isEqualTo("((\"empid\" <= 10 OR \"empid\" BETWEEN 50 AND 75 OR \"empid\" >= 100))");
    }

    @Test
    @DisplayName("when the guide's 'multiple filters' example runs, then (empid <= 100) AND (dept = tech) pass")
    void multipleFilters() {
        // "If more than one filter is used, the list of filters will be combined as if using an AND
        // operator between the filters. If more than one filter condition is used within a single
        // filter, the list of filter conditions will be combined as if using an OR operator between
        // the filter conditions." (DMS user guide, Using source filters)
        SourceFilter f = filter("""
                {
                	"rules": [{
                		"rule-type": "selection",
                		"rule-id": "1",
                		"rule-name": "1",
                		"object-locator": {
                			"schema-name": "test",
                			"table-name": "employee"
                		},
                		"rule-action": "include",
                		"filters": [{
                			"filter-type": "source",
                			"column-name": "empid",
                			"filter-conditions": [{
                				"filter-operator": "ste",
                				"value": "100"
                			}]
                		}, {
                			"filter-type": "source",
                			"column-name": "dept",
                			"filter-conditions": [{
                				"filter-operator": "eq",
                				"value": "tech"
                			}]
                		}]
                	}]
                }
                """);
        assertThat(f.matches(emp(100, "tech"))).isTrue();
        assertThat(f.matches(emp(101, "tech"))).isFalse();
        assertThat(f.matches(emp(5, "sales"))).isFalse();
        assertThat(f.matches(emp(5, "Tech"))).as("exact, case-sensitive").isFalse();
        assertThat(f.matches(emp(5, null))).isFalse();
        assertThat(f.condition(ANSI)).isEqualTo("((\"empid\" <= 100) AND (\"dept\" = 'tech'))");
    }

    @Test
    @DisplayName("when the guide's 'single date filter' example runs, then empstartdate >= 2002-01-01 passes")
    void dateFilter() {
        SourceFilter f = filter("""
                 {
                	"rules": [{
                		"rule-type": "selection",
                		"rule-id": "1",
                		"rule-name": "1",
                		"object-locator": {
                			"schema-name": "test",
                			"table-name": "employee"
                		},
                		"rule-action": "include",
                		"filters": [{
                			"filter-type": "source",
                			"column-name": "empstartdate",
                			"filter-conditions": [{
                				"filter-operator": "gte",
                				"value": "2002-01-01"
                			}]
                		}]
                	}]
                }
                """);
        Object[] row = emp(1, null);
        row[2] = LocalDate.of(2001, 12, 31);
        assertThat(f.matches(row)).isFalse();
        row[2] = LocalDate.of(2002, 1, 1);
        assertThat(f.matches(row)).isTrue();
        row[2] = LocalDate.MAX; // PostgreSQL's 'infinity'
        assertThat(f.matches(row)).isTrue();
    }

    @Test
    void everyOperatorOnIntegers() {
        assertThat(passing(filter(rule(on("empid", cond("lte", "3")))), 6)).containsExactly(0, 1, 2, 3);
        assertThat(passing(filter(rule(on("empid", cond("ste", "3")))), 6)).containsExactly(0, 1, 2, 3);
        assertThat(passing(filter(rule(on("empid", cond("gte", "3")))), 6)).containsExactly(3, 4, 5, 6);
        assertThat(passing(filter(rule(on("empid", cond("eq", "3")))), 6)).containsExactly(3);
        assertThat(passing(filter(rule(on("empid", cond("noteq", "3")))), 6)).containsExactly(0, 1, 2, 4, 5, 6);
        assertThat(passing(filter(rule(on("empid", range("between", "2", "4")))), 6)).containsExactly(2, 3, 4);
        assertThat(passing(filter(rule(on("empid", range("notbetween", "2", "4")))), 6)).containsExactly(0, 1, 5, 6);
        assertThat(passing(filter(rule(on("empid", range("between", "4", "2")))), 6)).as("as SQL: an empty range").isEmpty();
    }

    @Test
    @DisplayName("when a value is NULL, then only null passes: every comparison with NULL fails, as in SQL")
    void nulls() {
        Object[] nullDept = emp(1, null);
        Object[] tech = emp(1, "tech");
        SourceFilter isNull = filter(rule(on("dept", "{\"filter-operator\": \"null\"}")));
        SourceFilter notNull = filter(rule(on("dept", "{\"filter-operator\": \"notnull\"}")));
        assertThat(isNull.matches(nullDept)).isTrue();
        assertThat(isNull.matches(tech)).isFalse();
        assertThat(notNull.matches(nullDept)).isFalse();
        assertThat(notNull.matches(tech)).isTrue();
        assertThat(filter(rule(on("dept", cond("noteq", "x")))).matches(nullDept)).isFalse();
        Object[] row = emp(1, null);
        assertThat(filter(rule(on("amount", range("notbetween", "1", "2")))).matches(row)).isFalse();
        assertThat(isNull.condition(ANSI)).isEqualTo("((\"dept\" IS NULL))");
        assertThat(notNull.condition(ANSI)).isEqualTo("((\"dept\" IS NOT NULL))");
        assertThat(filter(rule(on("empid", range("notbetween", "2", "4")))).condition(ANSI))
                .isEqualTo("((\"empid\" NOT BETWEEN 2 AND 4))");
        assertThat(filter(rule(on("empid", cond("noteq", "2")))).condition(ANSI)).isEqualTo("((\"empid\" <> 2))");
    }

    @Test
    @DisplayName("when values of other types are compared, then they compare as the column's type")
    void types() {
        Object[] row = emp(1, null);
        row[3] = "ab  "; // char(4), padded
        assertThat(filter(rule(on("code", cond("eq", "ab")))).matches(row)).as("CHAR ignores trailing spaces").isTrue();
        row[1] = "ab ";
        assertThat(filter(rule(on("dept", cond("eq", "ab")))).matches(row)).as("VARCHAR does not").isFalse();
        row[4] = 1.1f;
        assertThat(filter(rule(on("price", cond("eq", "1.1")))).matches(row)).as("real compares as real").isTrue();
        row[5] = new BigDecimal("1.50");
        assertThat(filter(rule(on("amount", cond("eq", "1.5")))).matches(row)).as("numeric by value").isTrue();
        row[6] = LocalDateTime.of(2002, 1, 1, 0, 0);
        assertThat(filter(rule(on("at", cond("eq", "2002-01-01")))).matches(row)).isTrue();
        assertThat(filter(rule(on("at", cond("gte", "2002-01-01 00:00:01")))).matches(row)).isFalse();
        assertThat(filter(rule(on("at", cond("lte", "2002-01-01T00:00:00.5")))).matches(row)).isTrue();
        row[7] = Instant.parse("2002-01-01T10:00:00Z");
        assertThat(filter(rule(on("atz", cond("eq", "2002-01-01 10:00:00")))).matches(row)).as("UTC without offset").isTrue();
        assertThat(filter(rule(on("atz", cond("eq", "2002-01-01 12:00:00+02:00")))).matches(row)).isTrue();
        row[8] = true;
        assertThat(filter(rule(on("flag", cond("eq", "1")))).matches(row)).isTrue();
        assertThat(filter(rule(on("flag", cond("noteq", "true")))).matches(row)).isFalse();
        UUID id = UUID.randomUUID();
        row[9] = id;
        assertThat(filter(rule(on("uid", cond("eq", id.toString().toUpperCase())))).matches(row)).isTrue();
    }

    @Test
    @DisplayName("when two include rules select one table, then a row passes when it passes either; a rule without filters takes all")
    void rulesAreOrd() {
        String two = "{\"rules\": [" + rule(on("empid", cond("eq", "1"))).replace("{\"rules\": [", "").replace("]}]}", "]}")
                + ", {\"rule-type\": \"selection\", \"rule-id\": \"2\", \"rule-name\": \"b\", \"rule-action\": \"explicit\","
                + " \"object-locator\": {\"schema-name\": \"test\", \"table-name\": \"employee\"}, \"filters\": ["
                + on("empid", cond("eq", "3")) + "]}]}";
        SourceFilter f = filter(two);
        assertThat(passing(f, 4)).containsExactly(1, 3);
        assertThat(f.condition(ANSI)).isEqualTo("((\"empid\" = 1)) OR ((\"empid\" = 3))");
        String withAll = two.replace(", \"filters\": [" + on("empid", cond("eq", "3")) + "]", "");
        assertThat(filter(withAll).isNone()).isTrue();
    }

    static ConfigurationException planError(String json) {
        return catchThrowableOfType(ConfigurationException.class,
                () -> TableMappings.parse(json, "m.json").plan(List.of(EMPLOYEES)));
    }

    @Test
    @DisplayName("when columns are missing, values do not convert or the type forbids the operator, then every problem is named at once")
    void planProblems() {
        ConfigurationException e = planError(rule(String.join(", ",
                on("EmpId", cond("eq", "1")),
                on("empid", cond("eq", "1.5"), range("between", "1", "x")),
                on("empstartdate", cond("gte", "01/02/2002")),
                on("dept", cond("gte", "m")),
                on("doc", cond("eq", "{}")),
                on("total", cond("eq", "2")),
                on("uid", cond("eq", "42")))));
        assertThat(e.problems()).containsExactly(
                "$.rules[0].filters[0].column-name (rule 1 'emp'): table test.employee has no column 'EmpId' (its columns: "
                        + "empid, dept, empstartdate, code, price, amount, at, atz, flag, uid, doc, total; names are case-sensitive)",
                "$.rules[0].filters[1].filter-conditions[0].value (rule 1 'emp'): table test.employee, column empid (INT32): "
                        + "'1.5' is not a INT32 value (expected a whole number in the column's range)",
                "$.rules[0].filters[1].filter-conditions[1].end-value (rule 1 'emp'): table test.employee, column empid (INT32): "
                        + "'x' is not a INT32 value (expected a whole number in the column's range)",
                "$.rules[0].filters[2].filter-conditions[0].value (rule 1 'emp'): table test.employee, column empstartdate (DATE): "
                        + "'01/02/2002' is not a DATE value (expected YYYY-MM-DD)",
                "$.rules[0].filters[3].filter-conditions[0].filter-operator (rule 1 'emp'): table test.employee, column dept "
                        + "(VARCHAR): 'gte' orders values, and the order of VARCHAR values depends on the source (its collation), "
                        + "which CDC could not reproduce; use eq or noteq",
                "$.rules[0].filters[4].filter-conditions[0].filter-operator (rule 1 'emp'): table test.employee, column doc "
                        + "(JSON): 'eq' cannot compare JSON values; only null and notnull filter such a column",
                "$.rules[0].filters[5].column-name (rule 1 'emp'): table test.employee, column total (INT64): the source "
                        + "computes this column and its changes do not carry its value, so CDC could not filter on it; filter on "
                        + "the columns it is computed from",
                "$.rules[0].filters[6].filter-conditions[0].value (rule 1 'emp'): table test.employee, column uid (UUID): "
                        + "'42' is not a UUID value (expected 8-4-4-4-12 hex digits)");
    }

    @Test
    @DisplayName("when filter JSON is malformed, then each fault is named with its path; unknown operators list the known ones")
    void parseProblems() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> TableMappings.parse(rule(String.join(", ",
                on("empid", cond("gt", "1")),
                on("empid", "{\"filter-operator\": \"between\", \"value\": \"1\"}"),
                on("empid", "{\"filter-operator\": \"null\", \"value\": \"1\"}"),
                on("empid", "{\"value\": \"1\"}", cond("eq", "")),
                "{\"filter-type\": \"target\", \"column-name\": \"empid\", \"filter-conditions\": []}",
                "{\"column-name\": \"empid\", \"filter-conditions\": [" + "{\"filter-operator\": \"eq\", \"value\": {\"v\": 1}}]}")),
                "m.json"));
        assertThat(e.problems()).containsExactly(
                "$.rules[0].filters[0].filter-conditions[0].filter-operator (rule 1 'emp'): unknown filter-operator 'gt' "
                        + "(known: ste, lte, gte, eq, noteq, between, notbetween, null, notnull)",
                "$.rules[0].filters[1].filter-conditions[0] (rule 1 'emp'): filter-operator 'between' needs start-value and end-value",
                "$.rules[0].filters[1].filter-conditions[0] (rule 1 'emp'): filter-operator 'between' takes start-value and "
                        + "end-value, not value",
                "$.rules[0].filters[2].filter-conditions[0] (rule 1 'emp'): filter-operator 'null' takes no value",
                "$.rules[0].filters[3].filter-conditions[0] (rule 1 'emp'): missing filter-operator (known: ste, lte, gte, eq, "
                        + "noteq, between, notbetween, null, notnull)",
                "$.rules[0].filters[4].filter-type (rule 1 'emp'): unknown filter-type 'target' (known: source)",
                "$.rules[0].filters[4].filter-conditions (rule 1 'emp'): must be a non-empty array of conditions, was empty",
                "$.rules[0].filters[5] (rule 1 'emp'): missing filter-type (source)",
                "$.rules[0].filters[5].filter-conditions[0].value (rule 1 'emp'): must be a string, was an object",
                "$.rules[0].filters[5].filter-conditions[0] (rule 1 'emp'): filter-operator 'eq' needs a value");
    }

    @Test
    @DisplayName("when an exclude rule has filters, then it is refused: DMS would ignore them and exclude the whole table")
    void filtersOnExclude() {
        String json = "{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-name\": \"all\", \"rule-action\": \"include\","
                + " \"object-locator\": {\"schema-name\": \"%\", \"table-name\": \"%\"}}, {\"rule-type\": \"selection\", \"rule-id\": \"2\","
                + " \"rule-name\": \"x\", \"rule-action\": \"exclude\", \"object-locator\": {\"schema-name\": \"test\", \"table-name\": "
                + "\"employee\"}, \"filters\": [" + on("empid", cond("eq", "1")) + "]}]}";
        assertThatThrownBy(() -> TableMappings.parse(json, "m.json"))
                .hasMessage("table mappings m.json: $.rules[1].filters (rule 2 'x'): filters apply to include and explicit rules "
                        + "only (DMS ignores them on an exclude rule, which then excludes the whole table): remove the filters, "
                        + "or make the rule include the rows to move");
    }

    /** Filters on dept (not a key column: a keyed table's update does not carry its old value). */
    final SourceFilter onDept = filter(rule(on("dept", cond("eq", "tech"))));
    /** Filters on the key column empid: the old key is in every update that changes it. */
    final SourceFilter onKey = filter(rule(on("empid", cond("lte", "10"))));
    final SourceFilter keyless = filter(rule(on("dept", cond("eq", "tech"))), KEYLESS);

    List<ChangeEvent> route(SourceFilter f, ChangeEvent e) {
        List<ChangeEvent> out = new ArrayList<>();
        f.route(e, out::add);
        return out;
    }

    @Test
    void insertsPassWhenTheirRowPasses() {
        assertThat(route(onDept, new ChangeEvent.Insert(EMPLOYEE, emp(1, "tech")))).hasSize(1);
        assertThat(route(onDept, new ChangeEvent.Insert(EMPLOYEE, emp(1, "sales")))).isEmpty();
    }

    @Test
    @DisplayName("when an update moves a keyed row into the filter, then it passes as the update (the target upserts a missing row)")
    void updateIntoFilter() {
        ChangeEvent.Update u = new ChangeEvent.Update(EMPLOYEE, null, emp(1, "tech"));
        assertThat(route(onDept, u)).containsExactly(u);
    }

    @Test
    @DisplayName("when an update moves a keyed row out of the filter, then it becomes a delete by key")
    void updateOutOfFilter() {
        Object[] after = emp(7, "sales");
        after[3] = Unchanged.VALUE;
        List<ChangeEvent> out = route(onDept, new ChangeEvent.Update(EMPLOYEE, null, after));
        assertThat(out).hasSize(1).first().isInstanceOf(ChangeEvent.Delete.class);
        Object[] key = ((ChangeEvent.Delete) out.get(0)).before();
        assertThat(key[0]).isEqualTo(7);
        assertThat(java.util.Arrays.copyOfRange(key, 1, key.length)).containsOnlyNulls();
    }

    @Test
    @DisplayName("when the key moves out of a key filter, then the old key is deleted; when both keys are outside, nothing moves")
    void keyFilter() {
        List<ChangeEvent> out = route(onKey, new ChangeEvent.Update(EMPLOYEE, emp(5, null), emp(50, "x")));
        assertThat(out).hasSize(1);
        assertThat(((ChangeEvent.Delete) out.get(0)).before()[0]).isEqualTo(5);
        assertThat(route(onKey, new ChangeEvent.Update(EMPLOYEE, emp(40, null), emp(50, "x")))).isEmpty();
        ChangeEvent.Update in = new ChangeEvent.Update(EMPLOYEE, emp(40, null), emp(5, "x"));
        assertThat(route(onKey, in)).containsExactly(in);
    }

    @Test
    @DisplayName("when a filtered column holds an unchanged (unsent) value, then the old value decides, and unknown passes as it is")
    void unchangedFilterColumn() {
        Object[] after = emp(1, null);
        after[1] = Unchanged.VALUE;
        ChangeEvent.Update unknown = new ChangeEvent.Update(EMPLOYEE, null, after);
        assertThat(route(onDept, unknown)).containsExactly(unknown);
        Object[] afterKeyless = after.clone();
        ChangeEvent.Update stillIn = new ChangeEvent.Update(KEYLESS.id(), emp(1, "tech"), afterKeyless);
        assertThat(route(keyless, stillIn)).containsExactly(stillIn);
        assertThat(route(keyless, new ChangeEvent.Update(KEYLESS.id(), emp(1, "sales"), afterKeyless))).isEmpty();
    }

    @Test
    @DisplayName("when a keyless row moves in or out, then it becomes an insert of the new row or a delete of the whole old row")
    void keylessTable() {
        TableId id = KEYLESS.id();
        List<ChangeEvent> in = route(keyless, new ChangeEvent.Update(id, emp(1, "sales"), emp(1, "tech")));
        assertThat(in).singleElement().isInstanceOf(ChangeEvent.Insert.class);
        Object[] before = emp(1, "tech");
        List<ChangeEvent> out = route(keyless, new ChangeEvent.Update(id, before, emp(1, "sales")));
        assertThat(out).singleElement().isInstanceOfSatisfying(ChangeEvent.Delete.class, d -> assertThat(d.before()).isSameAs(before));
        assertThat(route(keyless, new ChangeEvent.Update(id, emp(1, "a"), emp(1, "b")))).isEmpty();
        ChangeEvent.Update both = new ChangeEvent.Update(id, emp(1, "tech"), emp(2, "tech"));
        assertThat(route(keyless, both)).containsExactly(both);
        assertThat(route(keyless, new ChangeEvent.Delete(id, emp(1, "sales")))).isEmpty();
        assertThat(route(keyless, new ChangeEvent.Delete(id, emp(1, "tech")))).hasSize(1);
    }

    @Test
    void keyedDeletesAndTruncatesAlwaysPass() {
        assertThat(route(onDept, new ChangeEvent.Delete(EMPLOYEE, emp(1, null)))).hasSize(1);
        assertThat(route(onDept, new ChangeEvent.Truncate(EMPLOYEE))).hasSize(1);
    }
}
