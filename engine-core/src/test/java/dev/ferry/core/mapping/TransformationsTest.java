package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.SourceException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import dev.ferry.core.spi.ChangeChunk;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transformation rules, with the DMS guide's own examples (src/test/resources/dms-guide/transformations) as fixtures. */
class TransformationsTest {

    static final LogicalType INT = LogicalType.of(TypeKind.INT32);
    static final LogicalType TEXT = LogicalType.of(TypeKind.TEXT);

    static Column col(String name, LogicalType type) {
        return new Column(name, type, true);
    }

    static TableSchema table(String schema, String name, List<String> key, Column... columns) {
        return new TableSchema(new TableId(schema, name), List.of(columns), key);
    }

    static String guide(String file) {
        try (InputStream in = TransformationsTest.class.getResourceAsStream("/dms-guide/transformations/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static TableMappings mappings(String json) {
        return TableMappings.parse(json, "mappings.json");
    }

    /** A guide rule shown alone, in a mapping that selects every table. */
    static TableMappings withRules(String... rules) {
        return mappings("{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"100\", \"rule-name\": \"all\", "
                + "\"object-locator\": {\"schema-name\": \"%\", \"table-name\": \"%\"}, \"rule-action\": \"include\"}, "
                + String.join(", ", rules) + "]}");
    }

    static String rule(String id, String action, String target, String locator, String extra) {
        return "{\"rule-type\": \"transformation\", \"rule-id\": \"" + id + "\", \"rule-name\": \"r" + id + "\", \"rule-action\": \""
                + action + "\", \"rule-target\": \"" + target + "\", \"object-locator\": {" + locator + "}"
                + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    static MappedTable only(TableMappings m, TableSchema... catalog) {
        List<MappedTable> planned = m.plan(List.of(catalog));
        assertThat(planned).hasSize(1);
        return planned.get(0);
    }

    static final TableSchema ACTOR = table("Test", "Actor", List.of("actor_id"), col("actor_id", INT), col("first_name", TEXT),
            col("last_name", TEXT));

    static List<ChangeEvent> changes(RowTransform t, ChangeEvent event) {
        List<ChangeEvent> out = new ArrayList<>();
        t.change(event, chunk(), 0, out::add);
        return out;
    }

    static ChangeChunk chunk() {
        return new ChangeChunk(List.of(), new Pos(), 1_700_000_000_000L, false, List.of());
    }

    record Pos() implements SourcePosition {
        @Override
        public String serialize() {
            return "0/16B3748";
        }

        @Override
        public String describe() {
            return "0/16B3748";
        }

        @Override
        public int compareTo(SourcePosition o) {
            return 0;
        }
    }

    // ---- the guide's examples ----

    @Test
    @DisplayName("when the guide renames schema Test to Test1, then every table of Test lands in Test1 with its rows as they are")
    void guideRenameSchema() {
        MappedTable m = only(mappings(guide("rename-schema.json")), ACTOR);
        assertThat(m.target().id()).isEqualTo(new TableId("Test1", "Actor"));
        assertThat(m.target().columns()).isEqualTo(ACTOR.columns());
        Object[] row = {1, "a", "b"};
        assertThat(m.transform().load(row)).isSameAs(row);
        List<ChangeEvent> out = changes(m.transform(), new ChangeEvent.Delete(ACTOR.id(), new Object[] {1, null, null}));
        assertThat(out).singleElement().isInstanceOfSatisfying(ChangeEvent.Delete.class,
                d -> assertThat(d.table()).isEqualTo(new TableId("Test1", "Actor")));
    }

    @Test
    @DisplayName("when the guide renames table Actor to Actor1, then only that table is renamed")
    void guideRenameTable() {
        TableSchema other = table("Test", "Film", List.of("id"), col("id", INT));
        List<MappedTable> planned = mappings(guide("rename-table.json")).plan(List.of(ACTOR, other));
        assertThat(planned).extracting(p -> p.target().id().toString()).containsExactly("Test.Actor1", "Test.Film");
        assertThat(planned.get(1).transform().isIdentity()).isTrue();
    }

    @Test
    @DisplayName("when the guide renames column first_name to fname, then the key and the other columns keep their names")
    void guideRenameColumn() {
        TableSchema actor = table("test", "Actor", List.of("actor_id"), col("actor_id", INT), col("first_name", TEXT));
        MappedTable m = only(mappings(guide("rename-column.json")), actor);
        assertThat(m.target().columnNames()).containsExactly("actor_id", "fname");
        assertThat(m.target().primaryKey()).containsExactly("actor_id");
    }

    @Test
    @DisplayName("when the guide adds column last_updated (datetime, precision 6) without an expression, then it is a "
            + "nullable timestamp(6) holding NULL")
    void guideAddColumn() {
        TableSchema actor = table("test", "actor", List.of("actor_id"), col("actor_id", INT));
        MappedTable m = only(mappings(guide("add-column.json")), actor);
        assertThat(m.target().columns()).last().satisfies(c -> {
            assertThat(c.name()).isEqualTo("last_updated");
            assertThat(c.type()).isEqualTo(LogicalType.temporal(TypeKind.TIMESTAMP, 6));
            assertThat(c.nullable()).isTrue();
        });
        assertThat(m.transform().load(new Object[] {7})).containsExactly(7, null);
    }

    @Test
    @DisplayName("when the guide removes columns col% of Actor, then those columns are gone from rows and changes")
    void guideRemoveColumn() {
        TableSchema actor = table("test", "Actor", List.of("id"), col("id", INT), col("col1", TEXT), col("name", TEXT),
                col("col2", INT));
        MappedTable m = only(mappings(guide("remove-column.json")), actor);
        assertThat(m.target().columnNames()).containsExactly("id", "name");
        assertThat(m.transform().load(new Object[] {1, "x", "n", 5})).containsExactly(1, "n");
        List<ChangeEvent> out = changes(m.transform(), new ChangeEvent.Update(actor.id(), null, new Object[] {1, "y",
                Unchanged.VALUE, 6}));
        assertThat(out).singleElement().isInstanceOfSatisfying(ChangeEvent.Update.class, u -> {
            assertThat(u.before()).isNull();
            assertThat(u.after()).containsExactly(1, Unchanged.VALUE);
        });
    }

    @Test
    @DisplayName("when the guide converts table ACTOR to lower case, then it lands as actor")
    void guideConvertLowercase() {
        TableSchema actor = table("test", "ACTOR", List.of("ID"), col("ID", INT));
        assertThat(only(mappings(guide("convert-lowercase.json")), actor).target().id()).isEqualTo(new TableId("test", "actor"));
    }

    @Test
    @DisplayName("when the guide converts every column to upper case, then the key follows its column")
    void guideConvertUppercase() {
        TableSchema actor = table("test", "actor", List.of("actor_id"), col("actor_id", INT), col("Name", TEXT));
        MappedTable m = only(mappings(guide("convert-uppercase.json")), actor);
        assertThat(m.target().columnNames()).containsExactly("ACTOR_ID", "NAME");
        assertThat(m.target().primaryKey()).containsExactly("ACTOR_ID");
    }

    @Test
    @DisplayName("when the guide adds prefix DMS_ to every table of test, then each lands prefixed")
    void guideAddPrefix() {
        TableSchema other = table("test", "film", List.of("id"), col("id", INT));
        TableSchema actor = table("test", "actor", List.of("id"), col("id", INT));
        assertThat(mappings(guide("add-prefix.json")).plan(List.of(actor, other))).extracting(p -> p.target().id().name())
                .containsExactly("DMS_actor", "DMS_film");
    }

    @Test
    @DisplayName("when the guide replaces column prefix Pre_ with NewPre_, then only columns with the prefix change")
    void guideReplacePrefix() {
        TableSchema t = table("test", "t", List.of("id"), col("id", INT), col("Pre_a", TEXT), col("xPre_b", TEXT));
        assertThat(only(mappings(guide("replace-prefix.json")), t).target().columnNames()).containsExactly("id", "NewPre_a", "xPre_b");
    }

    @Test
    @DisplayName("when the guide removes suffix _DMS from tables, then tables without it keep their names")
    void guideRemoveSuffix() {
        TableSchema a = table("test", "orders_DMS", List.of("id"), col("id", INT));
        TableSchema b = table("test", "lines", List.of("id"), col("id", INT));
        assertThat(mappings(guide("remove-suffix.json")).plan(List.of(a, b))).extracting(p -> p.target().id().name())
                .containsExactly("lines", "orders");
    }

    @Test
    @DisplayName("when the guide defines a primary key on three columns of ITEM, then the target is keyed on them")
    void guideDefinePrimaryKey() {
        TableSchema item = table("inventory", "ITEM", List.of(), col("ITEM-NAME", TEXT), col("BOM-MODEL-NUM", INT),
                col("BOM-PART-NUM", INT), col("QTY", INT));
        MappedTable m = only(mappings(guide("define-primary-key.json")), item);
        assertThat(m.target().primaryKey()).containsExactly("ITEM-NAME", "BOM-MODEL-NUM", "BOM-PART-NUM");
        // a keyless source sends whole old rows (PostgreSQL: REPLICA IDENTITY FULL): a delete finds its row by the new key
        List<ChangeEvent> out = changes(m.transform(), new ChangeEvent.Delete(item.id(), new Object[] {"bolt", 1, 2, 5}));
        assertThat(out).singleElement().isInstanceOfSatisfying(ChangeEvent.Delete.class,
                d -> assertThat(d.before()).containsExactly("bolt", 1, 2, 5));
    }

    @Test
    @DisplayName("when the guide defines a unique index (origin unique-index), then Ferry refuses it naming the rule: it "
            + "applies changes by a primary key and creates no unique indexes")
    void guideDefineUniqueIndexIsRefused() {
        assertThatThrownBy(() -> mappings(guide("define-unique-index.json")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings mappings.json: $.rules[1] (rule 2 '2'): primary-key-def.origin 'unique-index' is not "
                        + "supported: Ferry applies changes by the target's primary key and creates no unique indexes; use "
                        + "origin primary-key");
    }

    @Test
    @DisplayName("when the guide changes SALE_AMOUNT to int8, then whole amounts convert and one with cents is refused "
            + "naming table, column and value")
    void guideChangeDataType() {
        TableSchema dms = table("dbo", "dms", List.of("id"), col("id", INT), col("SALE_AMOUNT", LogicalType.decimal(10, 2)));
        MappedTable m = only(withRules(guide("change-data-type.rule.json")), dms);
        assertThat(m.target().columns().get(1).type()).isEqualTo(LogicalType.of(TypeKind.INT64));
        assertThat(m.transform().load(new Object[] {1, new BigDecimal("12.00")})).containsExactly(1, 12L);
        assertThatThrownBy(() -> m.transform().load(new Object[] {2, new BigDecimal("12.50")}))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("column SALE_AMOUNT of source table dbo.dms: value '12.50' does not fit int64 of target column "
                        + "dbo.dms.SALE_AMOUNT ($.rules[1] (rule 1 'RuleName 1')): has a fraction, which int8 (bigint) cannot "
                        + "keep; fix: choose a data-type that holds every value, or correct the value on the source");
    }

    @Test
    @DisplayName("when the guide changes col10 to string with length \"4092\" and scale \"\", then the strings are read as "
            + "numbers and empty as absent")
    void guideChangeDataTypeString() {
        TableSchema t = table("test", "table_t", List.of("id"), col("id", INT), col("col10", INT));
        MappedTable m = only(mappings(guide("change-data-type-string.json")), t);
        assertThat(m.target().columns().get(1).type()).isEqualTo(LogicalType.varchar(4092));
        assertThat(m.transform().load(new Object[] {1, 42})).containsExactly(1, "42");
    }

    @Test
    @DisplayName("when the guide adds before-image columns (BI_, pk-only) and emp_no changes from 1 to 3, then BI_emp_no "
            + "holds 1; inserts and the full load hold NULL there")
    void guideBeforeImage() {
        TableSchema employees = table("hr", "employees", List.of("emp_no"), col("emp_no", INT), col("name", TEXT));
        MappedTable m = only(mappings(guide("add-before-image-columns.json")), employees);
        assertThat(m.target().columnNames()).containsExactly("emp_no", "name", "BI_emp_no");
        assertThat(m.transform().load(new Object[] {1, "a"})).containsExactly(1, "a", null);
        List<ChangeEvent> update = changes(m.transform(), new ChangeEvent.Update(employees.id(), new Object[] {1, null},
                new Object[] {3, "a"}));
        assertThat(update).singleElement().isInstanceOfSatisfying(ChangeEvent.Update.class, u -> {
            assertThat(u.after()).containsExactly(3, "a", 1);
            assertThat(u.before()).containsExactly(1, null, null);
        });
        // an update that keeps the key: the source sends no old row (PostgreSQL's default), the old key is the key
        assertThat(changes(m.transform(), new ChangeEvent.Update(employees.id(), null, new Object[] {3, "b"})))
                .singleElement().isInstanceOfSatisfying(ChangeEvent.Update.class, u -> assertThat(u.after()).containsExactly(3, "b", 3));
        assertThat(changes(m.transform(), new ChangeEvent.Insert(employees.id(), new Object[] {4, "c"})))
                .singleElement().isInstanceOfSatisfying(ChangeEvent.Insert.class, i -> assertThat(i.after()).containsExactly(4, "c", null));
    }

    // ---- precedence ----

    @Test
    @DisplayName("when two rules rename one table, then the one with the lower rule-id applies, whatever their order in the file")
    void lowerRuleIdWins() {
        TableMappings m = withRules(rule("12", "rename", "table", "\"schema-name\": \"Test\", \"table-name\": \"Actor\"",
                "\"value\": \"second\""), rule("3", "add-prefix", "table", "\"schema-name\": \"%\", \"table-name\": \"%\"",
                "\"value\": \"p_\""));
        assertThat(only(m, ACTOR).target().id().name()).isEqualTo("p_Actor");
    }

    @Test
    @DisplayName("when rule-ids are numbers, then 9 comes before 10 (numerically, not as text)")
    void ruleIdsCompareAsNumbers() {
        TableMappings m = withRules(rule("10", "rename", "table", "\"schema-name\": \"Test\", \"table-name\": \"Actor\"",
                "\"value\": \"ten\""), rule("9", "rename", "table", "\"schema-name\": \"Test\", \"table-name\": \"Actor\"",
                "\"value\": \"nine\""));
        assertThat(only(m, ACTOR).target().id().name()).isEqualTo("nine");
    }

    @Test
    @DisplayName("when one column is renamed and retyped by two rules, then both apply: name and type are different aspects")
    void renameAndTypeOfOneColumn() {
        TableMappings m = withRules(rule("2", "rename", "column", "\"schema-name\": \"Test\", \"table-name\": \"Actor\", "
                + "\"column-name\": \"actor_id\"", "\"value\": \"id\""), rule("3", "change-data-type", "column",
                "\"schema-name\": \"Test\", \"table-name\": \"Actor\", \"column-name\": \"actor_id\"", "\"data-type\": {\"type\": \"int8\"}"));
        MappedTable t = only(m, ACTOR);
        assertThat(t.target().columns().get(0)).isEqualTo(new Column("id", LogicalType.of(TypeKind.INT64), true));
        assertThat(t.target().primaryKey()).containsExactly("id");
        assertThat(t.transform().load(new Object[] {5, "a", "b"})).containsExactly(5L, "a", "b");
    }

    @Test
    @DisplayName("when include-column rules name some columns, then only those stay (and the key must be among them)")
    void includeColumn() {
        TableMappings m = withRules(rule("2", "include-column", "column", "\"schema-name\": \"Test\", \"table-name\": \"Actor\", "
                + "\"column-name\": \"actor_id\"", ""), rule("3", "include-column", "column",
                "\"schema-name\": \"Test\", \"table-name\": \"Actor\", \"column-name\": \"last_name\"", ""));
        MappedTable t = only(m, ACTOR);
        assertThat(t.target().columnNames()).containsExactly("actor_id", "last_name");
        assertThat(t.transform().load(new Object[] {1, "f", "l"})).containsExactly(1, "l");
    }

    @Test
    @DisplayName("when object-locator.data-type names a type, then only columns of that type change")
    void locatorDataType() {
        TableMappings m = withRules(rule("2", "change-data-type", "column", "\"schema-name\": \"%\", \"table-name\": \"%\", "
                + "\"column-name\": \"%\", \"data-type\": \"int4\"", "\"data-type\": {\"type\": \"int8\"}"));
        MappedTable t = only(m, ACTOR);
        assertThat(t.target().columns()).extracting(c -> c.type().kind())
                .containsExactly(TypeKind.INT64, TypeKind.TEXT, TypeKind.TEXT);
    }

    @Test
    @DisplayName("when TargetSchema is set, then tables land in it, and a schema rename rule still wins")
    void targetSchema() {
        TableSchema other = table("sales", "t", List.of("id"), col("id", INT));
        TableMappings m = withRules(rule("2", "rename", "schema", "\"schema-name\": \"Test\"", "\"value\": \"renamed\""));
        assertThat(m.plan(List.of(ACTOR, other), "landing")).extracting(p -> p.target().id().toString())
                .containsExactly("renamed.Actor", "landing.t");
    }

    // ---- refusals ----

    @Test
    @DisplayName("when two source tables would land in one target table, then the plan is refused naming both")
    void twoTablesIntoOne() {
        TableSchema a = table("a", "t", List.of("id"), col("id", INT));
        TableSchema b = table("b", "t", List.of("id"), col("id", INT));
        TableMappings m = withRules(rule("2", "rename", "schema", "\"schema-name\": \"%\"", "\"value\": \"one\""));
        assertThatThrownBy(() -> m.plan(List.of(a, b))).isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings: source tables a.t and b.t would both land in target table one.t (DMS does not "
                        + "replicate two source tables into one target table either); fix: rename one of them with a "
                        + "transformation rule, or exclude one");
    }

    @Test
    @DisplayName("when a rule removes a key column, then the plan is refused naming the rule and the way out")
    void removedKeyColumn() {
        TableMappings m = withRules(rule("2", "remove-column", "column", "\"schema-name\": \"Test\", \"table-name\": \"Actor\", "
                + "\"column-name\": \"actor_id\"", ""));
        assertThatThrownBy(() -> m.plan(List.of(ACTOR))).isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings: $.rules[1] (rule 2 'r2'): removes primary-key column(s) actor_id of Test.Actor, "
                        + "which changes are applied by; fix: keep the column(s), or give the target a key of other columns "
                        + "with a define-primary-key rule");
    }

    @Test
    @DisplayName("when a column is renamed onto another column's name, then the plan is refused naming the rule")
    void renameOntoExistingColumn() {
        TableMappings m = withRules(rule("2", "rename", "column", "\"schema-name\": \"Test\", \"table-name\": \"Actor\", "
                + "\"column-name\": \"first_name\"", "\"value\": \"last_name\""));
        assertThatThrownBy(() -> m.plan(List.of(ACTOR))).isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings: source column last_name: target column last_name of Test.Actor already comes from "
                        + "$.rules[1] (rule 2 'r2'); fix: give one of them another name");
    }

    @Test
    @DisplayName("when add-column names an existing column, then the plan is refused (DMS: you can't add a column with the "
            + "name of an existing one)")
    void addExistingColumn() {
        TableMappings m = withRules(rule("2", "add-column", "column", "\"schema-name\": \"Test\", \"table-name\": \"Actor\"",
                "\"value\": \"first_name\", \"data-type\": {\"type\": \"string\", \"length\": 10}"));
        assertThatThrownBy(() -> m.plan(List.of(ACTOR))).isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings: $.rules[1] (rule 2 'r2'): target column first_name of Test.Actor already comes "
                        + "from source column first_name; fix: give one of them another name");
    }

    @Test
    @DisplayName("when a rule-action is unknown, misspelt in case, or data masking, then parsing fails listing the known actions")
    void unknownActions() {
        String known = "rename, convert-lowercase, convert-uppercase, add-prefix, remove-prefix, replace-prefix, add-suffix, "
                + "remove-suffix, replace-suffix, remove-column, include-column, change-data-type, add-column, "
                + "define-primary-key, add-before-image-columns";
        assertThatThrownBy(() -> withRules(rule("2", "renam", "table", "\"schema-name\": \"x\", \"table-name\": \"y\"", "")))
                .hasMessage("table mappings mappings.json: $.rules[1] (rule 2 'r2'): unknown rule-action 'renam' (known for "
                        + "transformation rules: " + known + ")");
        assertThatThrownBy(() -> withRules(rule("2", "Rename", "table", "\"schema-name\": \"x\", \"table-name\": \"y\"",
                "\"value\": \"z\""))).hasMessageContaining("unknown rule-action 'Rename' (rule actions are case-sensitive)");
        assertThatThrownBy(() -> withRules(rule("2", "data-masking-hash-mask", "column", "\"schema-name\": \"x\", "
                + "\"table-name\": \"y\", \"column-name\": \"z\"", ""))).hasMessageContaining("(data masking is not supported by Ferry)");
    }

    @Test
    @DisplayName("when a rule lacks what its action needs or targets the wrong object, then every problem is listed with its path")
    void badRules() {
        ConfigurationException e = (ConfigurationException) org.assertj.core.api.Assertions.catchThrowable(() -> withRules(
                rule("2", "change-data-type", "table", "\"schema-name\": \"x\", \"table-name\": \"y\"", "\"data-type\": {\"type\": \"int8\"}"),
                rule("3", "rename", "column", "\"schema-name\": \"x\", \"table-name\": \"y\"", "\"value\": \"z\""),
                rule("4", "add-column", "column", "\"schema-name\": \"x\", \"table-name\": \"y\"", "\"value\": \"z\", "
                        + "\"data-type\": {\"type\": \"varchar\"}"),
                rule("5", "define-primary-key", "table", "\"schema-name\": \"x\", \"table-name\": \"%\"",
                        "\"primary-key-def\": {\"name\": \"k\", \"columns\": [\"a\"]}"),
                rule("6", "replace-suffix", "table", "\"schema-name\": \"x\", \"table-name\": \"%\"", "\"value\": \"_new\"")));
        assertThat(e.problems()).containsExactly(
                "$.rules[1] (rule 2 'r2'): rule-action 'change-data-type' takes rule-target column, not 'table'",
                "$.rules[2] (rule 3 'r3'): object-locator.column-name is missing (rule-action rename acts on columns)",
                "$.rules[3] (rule 4 'r4'): data-type.type: unknown data type 'varchar' (known: bytes, date, time, datetime, int1, "
                        + "int2, int4, int8, numeric, real4, real8, string, uint1, uint2, uint4, uint8, wstring, blob, nclob, clob, "
                        + "boolean)",
                "$.rules[4] (rule 5 'r5'): define-primary-key cannot use a wildcard in schema-name or table-name (DMS: name "
                        + "one table)",
                "$.rules[5] (rule 6 'r6'): rule-action replace-suffix needs an old-value (the suffix to replace)");
    }

    // ---- keys in CDC ----

    @Test
    @DisplayName("when the target is keyed on a column outside the source's key and the source sends no old row, then the "
            + "change is refused naming the table, the rule and REPLICA IDENTITY FULL")
    void definedKeyNeedsOldValues() {
        TableSchema t = table("app", "t", List.of("id"), col("id", INT), col("code", TEXT));
        TableMappings m = withRules(rule("2", "define-primary-key", "table", "\"schema-name\": \"app\", \"table-name\": \"t\"",
                "\"primary-key-def\": {\"name\": \"pk\", \"columns\": [\"code\"]}"));
        MappedTable mt = only(m, t);
        assertThat(mt.target().primaryKey()).containsExactly("code");
        assertThatThrownBy(() -> changes(mt.transform(), new ChangeEvent.Update(t.id(), null, new Object[] {1, "b"})))
                .isInstanceOf(SourceException.class)
                .hasMessage("table app.t: $.rules[1] (rule 2 'r2') keys target table app.t on code, but the source sent an update "
                        + "without the old value of code, which the source's own key does not hold, so the target row cannot be "
                        + "found; fix: define the target's key on columns of the source's key (id), or load the table without "
                        + "CDC. Only sources that send whole old rows bring other columns' old values: SQL Server CDC, and "
                        + "PostgreSQL for a table without a primary key under REPLICA IDENTITY FULL");
        // with whole old rows (SQL Server CDC) a change of the new key moves the row
        assertThat(changes(mt.transform(), new ChangeEvent.Update(t.id(), new Object[] {1, "a"}, new Object[] {1, "b"})))
                .singleElement().isInstanceOfSatisfying(ChangeEvent.Update.class, u -> assertThat(u.before()).containsExactly(1, "a"));
    }

    @Test
    @DisplayName("when a type change converts a key column, then old and new keys of a key update are converted alike")
    void convertedKeyUpdate() {
        TableSchema t = table("app", "t", List.of("id"), col("id", INT), col("d", TEXT));
        TableMappings m = withRules(rule("2", "change-data-type", "column", "\"schema-name\": \"app\", \"table-name\": \"t\", "
                + "\"column-name\": \"id\"", "\"data-type\": {\"type\": \"numeric\", \"precision\": 12, \"scale\": 2}"),
                rule("3", "change-data-type", "column", "\"schema-name\": \"app\", \"table-name\": \"t\", \"column-name\": \"d\"",
                        "\"data-type\": {\"type\": \"date\"}"));
        MappedTable mt = only(m, t);
        List<ChangeEvent> out = changes(mt.transform(), new ChangeEvent.Update(t.id(), new Object[] {1, null},
                new Object[] {2, "2024:02:29"}));
        assertThat(out).singleElement().isInstanceOfSatisfying(ChangeEvent.Update.class, u -> {
            assertThat(Arrays.asList(u.before())).containsExactly(new BigDecimal("1.00"), null);
            assertThat(Arrays.asList(u.after())).containsExactly(new BigDecimal("2.00"), LocalDate.of(2024, 2, 29));
        });
    }

    // ---- add-column expressions ----

    @Test
    @DisplayName("when the guide adds FULL_NAME as $FIRST_NAME||'_'||$LAST_NAME (string, 50), then the full load and every "
            + "insert and update compute it from the source row")
    void guideAddColumnExpression() {
        TableSchema item = table("Test", "ITEM", List.of("ID"), col("ID", INT), col("FIRST_NAME", TEXT), col("LAST_NAME", TEXT));
        MappedTable m = only(mappings(guide("add-column-expression.json")), item);
        assertThat(m.target().columns()).last().isEqualTo(new Column("FULL_NAME", LogicalType.varchar(50), true));
        assertThat(m.transform().load(new Object[] {1, "Ada", "Lovelace"})).containsExactly(1, "Ada", "Lovelace", "Ada_Lovelace");
        assertThat(changes(m.transform(), new ChangeEvent.Update(item.id(), null, new Object[] {1, "Ada", "King"})))
                .singleElement().isInstanceOfSatisfying(ChangeEvent.Update.class,
                        u -> assertThat(u.after()).containsExactly(1, "Ada", "King", "Ada_King"));
    }

    @Test
    @DisplayName("when an expression's result does not fit the column's data-type, then the row is refused naming the rule, "
            + "the target column and the value")
    void expressionResultTooLong() {
        TableMappings m = withRules(rule("2", "add-column", "column", "\"schema-name\": \"Test\", \"table-name\": \"Actor\"",
                "\"value\": \"initials\", \"expression\": \"$first_name || $last_name\", \"data-type\": {\"type\": \"string\", "
                        + "\"length\": 3}"));
        MappedTable t = only(m, ACTOR);
        assertThatThrownBy(() -> t.transform().load(new Object[] {1, "Ada", "Lovelace"}))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("the value of $.rules[1] (rule 2 'r2'): value 'AdaLovelace' does not fit varchar(3) of target column "
                        + "Test.Actor.initials ($.rules[1] (rule 2 'r2')): is 11 characters long, more than the 3 of varchar(3); "
                        + "fix: choose a data-type that holds every value, or correct the value on the source");
    }

    @Test
    @DisplayName("when an expression names an unknown column, then the mapping is refused at plan time naming the rule")
    void badExpressionIsRefusedAtPlan() {
        TableMappings m = withRules(rule("2", "add-column", "column", "\"schema-name\": \"Test\", \"table-name\": \"Actor\"",
                "\"value\": \"x\", \"expression\": \"$nope || 'a'\", \"data-type\": {\"type\": \"string\", \"length\": 3}"));
        assertThatThrownBy(() -> m.plan(List.of(ACTOR))).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("table mappings: $.rules[1] (rule 2 'r2').expression: ");
    }

    @Test
    @DisplayName("when the guide's operation_indicator('D', 'U', 'I') column is added, then the full load and inserts hold I, "
            + "updates U, and a delete becomes an update that keeps the row and sets D")
    void guideOperationIndicator() {
        MappedTable m = only(withRules(guide("operation-indicator.rule.json")), ACTOR);
        assertThat(m.target().columns()).last().isEqualTo(new Column("Operation", LogicalType.varchar(50), true));
        assertThat(m.transform().load(new Object[] {1, "a", "b"})).containsExactly(1, "a", "b", "I");
        assertThat(changes(m.transform(), new ChangeEvent.Insert(ACTOR.id(), new Object[] {2, "a", "b"})))
                .singleElement().isInstanceOfSatisfying(ChangeEvent.Insert.class, i -> assertThat(i.after()[3]).isEqualTo("I"));
        assertThat(changes(m.transform(), new ChangeEvent.Update(ACTOR.id(), null, new Object[] {2, "c", "b"})))
                .singleElement().isInstanceOfSatisfying(ChangeEvent.Update.class, u -> assertThat(u.after()[3]).isEqualTo("U"));
        assertThat(changes(m.transform(), new ChangeEvent.Delete(ACTOR.id(), new Object[] {2, null, null})))
                .singleElement().isInstanceOfSatisfying(ChangeEvent.Update.class, u -> {
                    assertThat(u.before()).isNull();
                    assertThat(u.after()).containsExactly(2, Unchanged.VALUE, Unchanged.VALUE, "D");
                });
    }

    @Test
    @DisplayName("when operation_indicator is added to a table without a primary key, then the plan is refused (DMS: it "
            + "works only on tables with one)")
    void operationIndicatorNeedsAKey() {
        TableSchema keyless = table("Test", "log", List.of(), col("at", INT), col("what", TEXT));
        assertThatThrownBy(() -> withRules(guide("operation-indicator.rule.json")).plan(List.of(keyless)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings: $.rules[1] (rule 2 '2'): operation_indicator needs a primary key on the target (DMS: "
                        + "it works only on tables that have one), and Test.log has none; fix: give it one with a "
                        + "define-primary-key rule");
    }

    @Test
    @DisplayName("when the header columns are added, then a change carries its operation, commit time and position")
    void headerColumns() {
        TableMappings m = withRules(rule("2", "add-column", "column", "\"schema-name\": \"%\", \"table-name\": \"%\"",
                "\"value\": \"op\", \"expression\": \"$AR_H_OPERATION\", \"data-type\": {\"type\": \"string\", \"length\": 10}"),
                rule("3", "add-column", "column", "\"schema-name\": \"%\", \"table-name\": \"%\"",
                        "\"value\": \"pos\", \"expression\": \"$AR_H_STREAM_POSITION\", \"data-type\": {\"type\": \"string\", "
                                + "\"length\": 50}"));
        MappedTable t = only(m, ACTOR);
        assertThat(changes(t.transform(), new ChangeEvent.Insert(ACTOR.id(), new Object[] {2, "a", "b"})))
                .singleElement().isInstanceOfSatisfying(ChangeEvent.Insert.class,
                        i -> assertThat(i.after()).containsExactly(2, "a", "b", "INSERT", "0/16B3748"));
    }
}
