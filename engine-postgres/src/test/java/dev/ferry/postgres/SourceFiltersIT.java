package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableId;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TableStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Selection rules and source filters on real PostgreSQL: the full load reads only the rows that
 * pass (the filter is in the source's query), and CDC keeps the target equal to the source rows
 * that pass while updates move rows into and out of the filter. Every expectation is computed with
 * SQL on the source.
 */
class SourceFiltersIT extends EmbeddedPostgresTest {

    /** The target's rows of {@code table} equal the source's rows that pass {@code where}. */
    static void assertFiltered(Connection s, Connection t, String table, String where) throws Exception {
        List<String> expected = Tables.rows(s, "(SELECT * FROM " + table + " WHERE " + where + ")");
        assertThat(Tables.rows(t, table)).as(table + " on the target = the source's rows WHERE " + where).isEqualTo(expected);
    }

    static boolean exists(Connection c, String table) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    @DisplayName("when a selection rule filters qty eq 1, then the full load moves the 10 rows of 100 that pass (issue 9)")
    void filterIsApplied() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE public.orders (id int PRIMARY KEY, qty int)",
                    "INSERT INTO public.orders SELECT g, g % 10 FROM generate_series(1, 100) g");
        }
        TableMappings mappings = TableMappings.parse("""
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "rule-action": "include",
                  "object-locator": {"schema-name": "public", "table-name": "orders"},
                  "filters": [{"filter-type": "source", "column-name": "qty",
                               "filter-conditions": [{"filter-operator": "eq", "value": "1"}]}]}]}""", "qty.json");
        try (FerryTask task = Ferry.task("qty").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(mappings).migrationType(MigrationType.FULL_LOAD).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            assertThat(Tables.count(t, "public.orders")).isEqualTo(10);
            assertFiltered(s, t, "public.orders", "qty = 1");
        }
    }

    @Test
    @DisplayName("when rows move into and out of the filters during CDC, then the target holds exactly the rows that pass")
    void filteredFullLoadAndCdc() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c,
                    "CREATE SCHEMA sales",
                    // keyed, filtered on a non-key column (two filters AND'd, conditions OR'd)
                    "CREATE TABLE sales.orders (id int PRIMARY KEY, region text, qty int, placed date, note text)",
                    "INSERT INTO sales.orders SELECT g, CASE WHEN g % 3 = 0 THEN 'eu' ELSE 'us' END, g % 20, "
                            + "date '2001-12-25' + g, 'n' || g FROM generate_series(1, 300) g",
                    // keyless, filtered (REPLICA IDENTITY FULL: its changes carry the whole old row)
                    "CREATE TABLE sales.events (kind text, amount numeric(10,2), at timestamp)",
                    "ALTER TABLE sales.events REPLICA IDENTITY FULL",
                    "INSERT INTO sales.events SELECT CASE WHEN g % 2 = 0 THEN 'sale' ELSE 'refund' END, g * 1.25, "
                            + "timestamp '2020-01-01' + g * interval '1 hour' FROM generate_series(1, 200) g",
                    // selected by the wildcard and excluded again: exclusion beats inclusion
                    "CREATE TABLE sales.orders_archive (id int PRIMARY KEY)",
                    "INSERT INTO sales.orders_archive VALUES (1)",
                    // a name with % and _ that only an explicit rule names exactly
                    "CREATE SCHEMA ops",
                    "CREATE TABLE ops.\"100%_done\" (id int PRIMARY KEY, v text)",
                    "CREATE TABLE ops.\"100x_done\" (id int PRIMARY KEY)",
                    "INSERT INTO ops.\"100%_done\" SELECT g, 'v' || g FROM generate_series(1, 20) g");
        }
        String ordersWhere = "(qty <= 3 OR qty BETWEEN 10 AND 12) AND region = 'eu'";
        String eventsWhere = "kind = 'sale' AND at >= timestamp '2020-01-03 00:00:00'";
        TableMappings mappings = TableMappings.parse("""
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "rule-action": "include",
                   "object-locator": {"schema-name": "sales", "table-name": "orders"},
                   "filters": [
                     {"filter-type": "source", "column-name": "qty", "filter-conditions": [
                        {"filter-operator": "ste", "value": "3"},
                        {"filter-operator": "between", "start-value": "10", "end-value": "12"}]},
                     {"filter-type": "source", "column-name": "region", "filter-conditions": [
                        {"filter-operator": "eq", "value": "eu"}]}]},
                  {"rule-type": "selection", "rule-id": "2", "rule-name": "events", "rule-action": "include",
                   "object-locator": {"schema-name": "sales", "table-name": "events"},
                   "filters": [
                     {"filter-type": "source", "column-name": "kind", "filter-conditions": [{"filter-operator": "eq", "value": "sale"}]},
                     {"filter-type": "source", "column-name": "at", "filter-conditions": [
                        {"filter-operator": "gte", "value": "2020-01-03 00:00:00"}]}]},
                  {"rule-type": "selection", "rule-id": "3", "rule-name": "rest of sales", "rule-action": "include",
                   "object-locator": {"schema-name": "sales", "table-name": "orders[_]%"}},
                  {"rule-type": "selection", "rule-id": "4", "rule-name": "no archive", "rule-action": "exclude",
                   "object-locator": {"schema-name": "s_les", "table-name": "%archive"}},
                  {"rule-type": "selection", "rule-id": "5", "rule-name": "done", "rule-action": "explicit",
                   "object-locator": {"schema-name": "ops", "table-name": "100%_done"}}
                ]}""", "filters.json");
        try (FerryTask task = Ferry.task("filters").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(mappings).migrationType(MigrationType.FULL_LOAD_AND_CDC).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                assertFiltered(s, t, "sales.orders", ordersWhere);
                assertFiltered(s, t, "sales.events", eventsWhere);
                Tables.assertSameRows(s, t, "ops.\"100%_done\"");
                assertThat(exists(t, "sales.orders_archive")).as("excluded").isFalse();
                assertThat(exists(t, "ops.\"100x_done\"")).as("not named by the explicit rule").isFalse();
                Tables.exec(s,
                        // inserts inside and outside
                        "INSERT INTO sales.orders VALUES (1001, 'eu', 2, date '2003-01-01', 'in'), (1002, 'us', 2, null, 'out'),"
                                + " (1003, 'eu', 15, null, 'out'), (1004, 'eu', null, null, 'null qty')",
                        // updates staying in, moving out (by either filter), moving in, staying out
                        "UPDATE sales.orders SET note = 'still in' WHERE id IN (3, 6)",              // eu, qty 3 and 6
                        "UPDATE sales.orders SET qty = 5 WHERE id = 3",                             // out by qty
                        "UPDATE sales.orders SET region = 'us' WHERE id = 12",                       // out by region
                        "UPDATE sales.orders SET region = 'eu' WHERE id IN (1, 2, 11)",              // into the filter
                        "UPDATE sales.orders SET qty = 11 WHERE id = 15",                            // eu, 15 -> 11: in
                        "UPDATE sales.orders SET note = 'out' WHERE id = 4",                         // us: stays out
                        "UPDATE sales.orders SET id = id + 2000 WHERE id IN (30, 33)",               // key change, in
                        // deletes inside and outside
                        "DELETE FROM sales.orders WHERE id IN (21, 22, 1002)",
                        // keyless: in, out, moving both ways, deletes
                        "INSERT INTO sales.events VALUES ('sale', 1, timestamp '2021-01-01'), ('refund', 2, timestamp '2021-01-01'),"
                                + " ('sale', 3, timestamp '2019-01-01')",
                        "UPDATE sales.events SET kind = 'refund' WHERE amount IN (125.00, 150.00)",        // out
                        "UPDATE sales.events SET kind = 'sale' WHERE amount IN (126.25, 151.25)",          // in
                        "UPDATE sales.events SET at = timestamp '2019-06-01' WHERE amount = 100.00",       // out by time
                        "UPDATE sales.events SET amount = amount + 1000 WHERE amount IN (200.00, 201.25)", // in / out: stays
                        "DELETE FROM sales.events WHERE amount IN (175.00, 176.25)",
                        "INSERT INTO ops.\"100%_done\" VALUES (21, 'new')",
                        "INSERT INTO sales.orders_archive VALUES (2)");
            }
            assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            assertFiltered(s, t, "sales.orders", ordersWhere);
            assertFiltered(s, t, "sales.events", eventsWhere);
            Tables.assertSameRows(s, t, "ops.\"100%_done\"");
            assertThat(exists(t, "sales.orders_archive")).isFalse();
            assertThat(Tables.count(t, "sales.orders")).as("the filter kept some rows and dropped others")
                    .isBetween(10L, Tables.count(s, "sales.orders") - 10);
        }
    }

    @Test
    @DisplayName("when rules give load-orders, then higher loads first and size breaks ties")
    void loadOrder() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c,
                    "CREATE TABLE public.small (id int PRIMARY KEY)", "INSERT INTO public.small SELECT generate_series(1, 10)",
                    "CREATE TABLE public.big (id int PRIMARY KEY)", "INSERT INTO public.big SELECT generate_series(1, 5000)",
                    "CREATE TABLE public.first (id int PRIMARY KEY)", "INSERT INTO public.first VALUES (1)",
                    "CREATE TABLE public.second (id int PRIMARY KEY)", "INSERT INTO public.second VALUES (1)",
                    "ANALYZE");
        }
        TableMappings mappings = TableMappings.parse("""
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "%"}},
                  {"rule-type": "selection", "rule-id": "2", "rule-name": "first", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "first"}, "load-order": 20},
                  {"rule-type": "selection", "rule-id": "3", "rule-name": "second", "rule-action": "include",
                   "object-locator": {"schema-name": "public", "table-name": "second"}, "load-order": "10"}
                ]}""", "order.json");
        List<TableId> started = Collections.synchronizedList(new ArrayList<>());
        try (FerryTask task = Ferry.task("order").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(mappings).migrationType(MigrationType.FULL_LOAD).maxParallelTables(1)
                .listener(status -> {
                    for (TableStats t : status.tables()) {
                        if (t.state() != TableState.BEFORE_LOAD && !started.contains(t.table())) {
                            started.add(t.table());
                        }
                    }
                }).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
        }
        assertThat(started).extracting(TableId::name).containsExactly("first", "second", "big", "small");
    }
}
