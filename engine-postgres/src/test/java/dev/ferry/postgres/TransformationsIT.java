package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main case: one DMS mapping (docs/examples/mappings/transformations.json, the example
 * of docs/table-mappings.md) that combines wildcard selection, an exclusion, a
 * source filter, renames of a schema, a table and a column, a removed column, an added expression
 * column and a type change, run full-load-and-cdc on real PostgreSQL. The target's tables, columns
 * and every row are compared with what the mapping says, after the load and after CDC changes of
 * every kind (renamed and converted columns, a removed column alone, key updates, rows moving in
 * and out of the filter, deletes, and changes to tables the mapping leaves out).
 */
class TransformationsIT extends EmbeddedPostgresTest {

    static final Path MAPPING = Path.of("..", "docs", "examples", "mappings", "transformations.json").toAbsolutePath().normalize();

    /** What dw.clients must hold: the mapping written as a query on the source. */
    static final String CLIENTS = "(SELECT id, first_name, last_name AS surname, email, "
            + "(first_name || ' ' || last_name)::varchar(100) AS full_name FROM shop.customers)";
    /** What dw.orders must hold: the filter, and amount as numeric(10,2). */
    static final String ORDERS = "(SELECT id, customer_id, qty, amount::numeric(10,2) AS amount FROM shop.orders WHERE qty >= 2)";

    @Test
    @DisplayName("when one mapping selects by wildcard, excludes, filters, renames a schema, a table and a column, removes "
            + "a column, adds an expression column and changes a type, then after the full load and after CDC the target has "
            + "exactly those tables, columns and rows")
    void mappingOfEveryKind() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE SCHEMA shop", "CREATE SCHEMA other",
                    "CREATE TABLE shop.customers (id int PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, "
                            + "email varchar(50), secret_pin text)",
                    "CREATE TABLE shop.customer_audit (id int PRIMARY KEY, what text)",
                    "CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int NOT NULL, qty int NOT NULL, amount text)",
                    "CREATE TABLE other.customers (id int PRIMARY KEY, name text)",
                    "INSERT INTO shop.customers SELECT g, 'first' || g, 'last' || g, 'c' || g || '@example.com', 'pin' || g "
                            + "FROM generate_series(1, 20) g",
                    "INSERT INTO shop.customer_audit SELECT g, 'created ' || g FROM generate_series(1, 5) g",
                    // qty 0..3: a half of the orders pass the filter qty >= 2; amounts as text with 0, 1 and 2 decimals
                    "INSERT INTO shop.orders SELECT g, 1 + g % 20, g % 4, (g * 1.25)::text FROM generate_series(1, 40) g",
                    "INSERT INTO other.customers VALUES (1, 'elsewhere')");
        }
        TableMappings mappings = TableMappings.load(MAPPING);
        try (FerryTask task = Ferry.task("transform").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD_AND_CDC).tableMappings(mappings).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();

            try (Connection t = server.connect(dst)) {
                assertThat(Tables.rows(t, "(SELECT table_schema || '.' || table_name FROM information_schema.tables "
                        + "WHERE table_schema IN ('shop', 'other', 'dw'))")).containsExactly("(dw.clients)", "(dw.orders)");
                assertThat(columns(t, "dw", "clients")).containsExactly("id integer NOT NULL", "first_name text NOT NULL",
                        "surname text NOT NULL", "email character varying(50)", "full_name character varying(100)");
                assertThat(columns(t, "dw", "orders")).containsExactly("id integer NOT NULL", "customer_id integer NOT NULL",
                        "qty integer NOT NULL", "amount numeric(10,2)");
                assertThat(Tables.rows(t, "(SELECT table_name || ':' || column_name FROM information_schema.key_column_usage "
                        + "WHERE table_schema = 'dw')")).containsExactly("(clients:id)", "(orders:id)");
            }
            assertTargetAsMapped(src, dst, 20, 20);

            try (Connection c = server.connect(src)) {
                Tables.exec(c,
                        "INSERT INTO shop.customers VALUES (100, 'Zoe', 'Zed', 'zoe@example.com', 'pin')",
                        "UPDATE shop.customers SET last_name = 'Renamed' WHERE id = 1", // renamed column, and the expression
                        "UPDATE shop.customers SET secret_pin = 'changed' WHERE id = 2", // only the removed column
                        "UPDATE shop.customers SET email = NULL, first_name = 'Bo' WHERE id = 5",
                        "DELETE FROM shop.customers WHERE id = 4",
                        "UPDATE shop.customers SET id = 500 WHERE id = 3", // a key update
                        "INSERT INTO shop.orders VALUES (100, 1, 5, '7.25'), (101, 2, 1, '8')", // one in, one out of the filter
                        "UPDATE shop.orders SET amount = '99.9' WHERE id = 2", // the converted column (qty 2: in)
                        "UPDATE shop.orders SET qty = 1 WHERE id = 3", // moves out of the filter: deleted on the target
                        "UPDATE shop.orders SET qty = 3, amount = '0.5' WHERE id = 4", // moves in: inserted on the target
                        "UPDATE shop.orders SET qty = 0 WHERE id = 8", // out before and after: nothing
                        "DELETE FROM shop.orders WHERE id = 6",
                        "UPDATE shop.orders SET id = 600 WHERE id = 7", // a key update of a row in the filter
                        "INSERT INTO shop.customer_audit VALUES (100, 'left out')",
                        "UPDATE other.customers SET name = 'still elsewhere'");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        assertTargetAsMapped(src, dst, 20, 20);
        try (Connection t = server.connect(dst)) {
            assertThat(Tables.rows(t, "(SELECT id, surname, full_name FROM dw.clients WHERE id IN (1, 3, 4, 500))"))
                    .containsExactly("(1,Renamed,\"first1 Renamed\")", "(500,last3,\"first3 last3\")");
            assertThat(Tables.rows(t, "(SELECT id, amount FROM dw.orders WHERE id IN (2, 3, 4, 6, 7, 8, 100, 101, 600))"))
                    .containsExactly("(100,7.25)", "(2,99.90)", "(4,0.50)", "(600,8.75)");
        }
    }

    static TableMappings mapping(String... transformations) {
        return TableMappings.parse("{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-name\": \"all\", "
                + "\"rule-action\": \"include\", \"object-locator\": {\"schema-name\": \"public\", \"table-name\": \"%\"}}, "
                + String.join(", ", transformations) + "]}", "test.json");
    }

    @Test
    @DisplayName("when operation_indicator('D', 'U', 'I') and pk-only before images are added, then deleted rows stay on the "
            + "target flagged D with their values, updated rows say U and hold the old key, inserted and loaded rows say I")
    void operationIndicatorKeepsDeletedRows() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE acct (id int PRIMARY KEY, v text)",
                    "INSERT INTO acct SELECT g, 'v' || g FROM generate_series(1, 3) g");
        }
        TableMappings m = mapping("{\"rule-type\": \"transformation\", \"rule-id\": \"2\", \"rule-name\": \"2\", "
                        + "\"rule-target\": \"column\", \"object-locator\": {\"schema-name\": \"%\", \"table-name\": \"%\"}, "
                        + "\"rule-action\": \"add-column\", \"value\": \"Operation\", "
                        + "\"expression\": \"operation_indicator('D', 'U', 'I')\", \"data-type\": {\"type\": \"string\", \"length\": 50}}",
                "{\"rule-type\": \"transformation\", \"rule-id\": \"3\", \"rule-name\": \"3\", \"rule-target\": \"column\", "
                        + "\"object-locator\": {\"schema-name\": \"%\", \"table-name\": \"acct\"}, "
                        + "\"rule-action\": \"add-before-image-columns\", "
                        + "\"before-image-def\": {\"column-prefix\": \"BI_\", \"column-suffix\": \"\", \"column-filter\": \"pk-only\"}}");
        try (FerryTask task = Ferry.task("flags").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD_AND_CDC).tableMappings(m).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection t = server.connect(dst)) {
                assertThat(Tables.rows(t, "public.acct")).containsExactly("(1,v1,I,)", "(2,v2,I,)", "(3,v3,I,)");
            }
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE acct SET v = 'x' WHERE id = 1", "DELETE FROM acct WHERE id = 2",
                        "INSERT INTO acct VALUES (4, 'new')", "UPDATE acct SET id = 30 WHERE id = 3");
            }
            assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
        }
        try (Connection t = server.connect(dst)) {
            // the key update arrives as an update with the old key: the row moves, and its before image holds the old key
            assertThat(Tables.rows(t, "public.acct")).containsExactly("(1,x,U,1)", "(2,v2,D,)", "(30,v3,U,3)", "(4,new,I,)");
        }
    }

    @Test
    @DisplayName("when a source value does not fit the data-type of a change-data-type rule, then the full load fails "
            + "naming the table, the column, the value and the rule")
    void valueThatDoesNotFit() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE codes (id int PRIMARY KEY, code text)", "INSERT INTO codes VALUES (1, '10'), (2, 'x3')");
        }
        TableMappings m = mapping("{\"rule-type\": \"transformation\", \"rule-id\": \"2\", \"rule-name\": \"code-is-int\", "
                + "\"rule-target\": \"column\", \"object-locator\": {\"schema-name\": \"public\", \"table-name\": \"codes\", "
                + "\"column-name\": \"code\"}, \"rule-action\": \"change-data-type\", \"data-type\": {\"type\": \"int4\"}}");
        try (FerryTask task = Ferry.task("fit").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD).tableMappings(m).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().error()).contains("column code of source table public.codes: value 'x3' does not fit int32 "
                    + "of target column public.codes.code ($.rules[1] (rule 2 'code-is-int')): not a number; fix: choose a "
                    + "data-type that holds every value, or correct the value on the source");
        }
    }

    @Test
    @DisplayName("when define-primary-key keys the target on a column outside the source's key, then the full load keys "
            + "the target on it, and the first update (PostgreSQL sends only the old key) stops the task naming the rule and "
            + "the way out, even under REPLICA IDENTITY FULL: Ferry's PostgreSQL source passes only the old key of a keyed table")
    void definedKeyOutsideTheSourceKey() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE item (id int PRIMARY KEY, code text NOT NULL UNIQUE, v text)",
                    "ALTER TABLE item REPLICA IDENTITY FULL",
                    "INSERT INTO item SELECT g, 'c' || g, 'v' || g FROM generate_series(1, 3) g");
        }
        TableMappings m = mapping("{\"rule-type\": \"transformation\", \"rule-id\": \"2\", \"rule-name\": \"by-code\", "
                + "\"rule-target\": \"table\", \"object-locator\": {\"schema-name\": \"public\", \"table-name\": \"item\"}, "
                + "\"rule-action\": \"define-primary-key\", \"primary-key-def\": {\"name\": \"pk\", \"columns\": [\"code\"]}}");
        try (FerryTask task = Ferry.task("bycode").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD_AND_CDC).tableMappings(m).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.assertSameRows(s, t, "public.item");
                assertThat(Tables.rows(t, "(SELECT column_name FROM information_schema.key_column_usage WHERE table_name = 'item')"))
                        .containsExactly("(code)");
            }
            try (Connection c = server.connect(src)) {
                Tables.exec(c, "UPDATE item SET code = 'moved' WHERE id = 1");
            }
            assertThat(task.awaitFinished(Duration.ofSeconds(60))).isTrue();
            assertThat(task.status().error()).contains("table public.item: $.rules[1] (rule 2 'by-code') keys target table "
                    + "public.item on code, but the source sent an update without the old value of code, which the source's own "
                    + "key does not hold, so the target row cannot be found; fix: define the target's key on columns of the "
                    + "source's key (id), or load the table without CDC.");
        }
        try (Connection t = server.connect(dst)) {
            assertThat(Tables.rows(t, "public.item")).as("nothing of the refused change reached the target")
                    .containsExactly("(1,c1,v1)", "(2,c2,v2)", "(3,c3,v3)");
        }
    }

    private static void assertTargetAsMapped(String src, String dst, int clients, int orders) throws SQLException {
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            assertThat(Tables.rows(t, "dw.clients")).as("dw.clients").hasSize(clients).isEqualTo(Tables.rows(s, CLIENTS));
            assertThat(Tables.rows(t, "dw.orders")).as("dw.orders").hasSize(orders).isEqualTo(Tables.rows(s, ORDERS));
        }
    }

    /** The columns of a target table as "name type [NOT NULL]", in order. */
    private static List<String> columns(Connection c, String schema, String table) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable "
                        + "FROM information_schema.columns WHERE table_schema = '" + schema + "' AND table_name = '" + table
                        + "' ORDER BY ordinal_position")) {
            while (rs.next()) {
                String type = rs.getString(2);
                if (rs.getObject(3) != null) {
                    type += "(" + rs.getInt(3) + ")";
                } else if (type.equals("numeric") && rs.getObject(4) != null) {
                    type += "(" + rs.getInt(4) + "," + rs.getInt(5) + ")";
                }
                result.add(rs.getString(1) + " " + type + ("NO".equals(rs.getString(6)) ? " NOT NULL" : ""));
            }
        }
        return result;
    }
}
