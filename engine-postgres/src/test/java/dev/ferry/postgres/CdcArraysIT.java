package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Arrays travel as their text (the target column is {@code text}): the CDC path must write exactly
 * what the full load writes, PostgreSQL's own array output, for every element type, in keyed tables
 * and in keyless ones, where the old row's text must also match the row the full load wrote.
 */
class CdcArraysIT extends EmbeddedPostgresTest {

    static final String TABLE = """
            CREATE TABLE arr (
              id int PRIMARY KEY,
              a_int2 smallint[], a_int4 integer[], a_int8 bigint[],
              a_float4 real[], a_float8 double precision[],
              a_num numeric[], a_num2 numeric(10,2)[],
              a_bool boolean[],
              a_text text[], a_varchar varchar(10)[], a_char char(3)[],
              a_date date[], a_time time[], a_time3 time(3)[], a_timetz timetz[], a_ts timestamp[], a_tstz timestamptz[],
              a_interval interval[],
              a_uuid uuid[], a_bytea bytea[], a_json json[], a_jsonb jsonb[], a_inet inet[], a_cidr cidr[],
              a_mood mood[], a_matrix integer[][], a_bounds integer[], a_dom int_list, a_xml xml[], a_money money[]
            )""";

    static final String ROWS = """
            INSERT INTO arr VALUES
            (1, '{1,-32768,32767}', '{1,NULL,3}', '{9223372036854775807,-9223372036854775808}',
             '{1.5,NaN,Infinity,-Infinity,0.1,-0}', '{0.1,NaN,-Infinity,1e300,3.141592653589793}',
             '{1.10,NaN,-0.000001,123456789012345678901234567890.5,0}', '{1.5,2.25,NULL}',
             '{t,f,NULL}',
             ARRAY['a,b', 'say "hi"', 'back\\slash', NULL, '', 'NULL', ' lead', 'curly{}', 'żółć'],
             '{x,"y z",""}', '{a,bc,NULL}',
             '{2024-01-02,infinity,-infinity,0044-03-15 BC}', '{12:34:56.789012,00:00:00,24:00:00}', '{12:34:56.789}',
             '{10:00:00+05:30,23:59:59.999999-14:59}', '{2024-01-02 03:04:05.123456,infinity,-infinity}',
             '{2024-01-02 03:04:05+00,-infinity,1999-12-31 23:59:59.999+03}',
             '{"1 year 2 mons 3 days 04:05:06.789012","-1 days -00:00:00.000001",0}',
             '{123e4567-e89b-12d3-a456-426614174000}', ARRAY['\\x00ff'::bytea, NULL, '\\x'],
             ARRAY['{"a" :  1}'::json, '[1, "x,y"]', 'null'], ARRAY['{"k": [1, 2.5]}'::jsonb, '"s"'],
             '{192.168.0.1/24,::1,10.0.0.1}', '{10.0.0.0/8}',
             '{sad,happy,NULL}', '{{1,2},{3,NULL}}', '[2:3]={7,8}', '{5,6}', ARRAY['<r a="1">x &amp; y</r>'::xml],
             '{12.34,-0.5}'),
            (2, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}',
             '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'),
            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            (4, '{NULL}', '{NULL,NULL}', '{0}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}',
             '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}',
             '{NULL}', '{NULL}', '{NULL}', '{{NULL}}', '{NULL}', '{NULL}', '{NULL}', '{NULL}')
            """;

    @Test
    @DisplayName("when arrays of every element type change after the full load, then the target holds PostgreSQL's own "
            + "array text, as the full load wrote it, in keyed and keyless tables")
    void arraysArriveAsTheirText() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", "CREATE DOMAIN int_list AS integer[]", TABLE, ROWS,
                    // a large array is TOASTed: an update of another column leaves it out of the change
                    "ALTER TABLE arr ADD COLUMN a_big integer[]",
                    "UPDATE arr SET a_big = ARRAY(SELECT (g * 7919) % 1000003 FROM generate_series(1, 30000) g) WHERE id = 1",
                    "CREATE TABLE arr_keyless (LIKE arr)", "ALTER TABLE arr_keyless REPLICA IDENTITY FULL",
                    "INSERT INTO arr_keyless SELECT * FROM arr");
        }
        try (FerryTask task = Ferry.task("arrays").source(server.endpoint(src)).target(server.endpoint(dst))
                .migrationType(MigrationType.FULL_LOAD_AND_CDC).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.assertSameRows(s, t, "public.arr");
                Tables.assertSameRows(s, t, "public.arr_keyless");
                Tables.exec(s,
                        "INSERT INTO arr SELECT id + 100, a_int2, a_int4, a_int8, a_float4, a_float8, a_num, a_num2, a_bool, a_text, "
                                + "a_varchar, a_char, a_date, a_time, a_time3, a_timetz, a_ts, a_tstz, a_interval, a_uuid, a_bytea, "
                                + "a_json, a_jsonb, a_inet, a_cidr, a_mood, a_matrix, a_bounds, a_dom, a_xml, a_money, a_big FROM arr",
                        "UPDATE arr SET a_int4 = '{7}' WHERE id = 1",
                        "UPDATE arr SET a_text = '{\"new, value\",\"\\\\\"}', a_bool = '{f}' WHERE id = 101",
                        "DELETE FROM arr WHERE id = 2",
                        // keyless: rows the full load wrote are found by their old row, and rows CDC wrote as well
                        "INSERT INTO arr_keyless SELECT * FROM arr WHERE id > 100",
                        "UPDATE arr_keyless SET a_bool = '{t}' WHERE id IN (1, 4)",
                        "DELETE FROM arr_keyless WHERE id IN (2, 3, 102)",
                        "UPDATE arr_keyless SET a_num = '{2.50}' WHERE id IN (101, 103)");
                assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
                Tables.assertSameRows(s, t, "public.arr");
                Tables.assertSameRows(s, t, "public.arr_keyless");
            }
        }
    }

    @Test
    @DisplayName("when bit strings change after the full load, then the target holds their text, as the full load wrote it")
    void bitStringsArriveAsTheirText() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE bits (id int PRIMARY KEY, one bit, three bit(3), free varbit, many bit(2)[])",
                    "INSERT INTO bits VALUES (1, '1', '101', '', '{01,10}'), (2, NULL, NULL, NULL, NULL)");
        }
        try (FerryTask task = Ferry.task("bits").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
                Tables.exec(s, "INSERT INTO bits SELECT id + 10, one, three, free, many FROM bits",
                        "UPDATE bits SET one = '0', three = '010', free = '1100110011' WHERE id = 2");
                assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
                Tables.assertSameRows(s, t, "public.bits");
            }
        }
    }

    @Test
    @DisplayName("when a table has a money column, which the change stream sends as a bare number, then CDC refuses to "
            + "start naming the column rather than write a text the full load would not have written (ChangeStreamTypesIT "
            + "has the other such types; DebeziumRecordsTest the check that stops a running task)")
    void moneyIsRefusedNamingTheColumn() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE price (id int PRIMARY KEY, amount money)", "INSERT INTO price VALUES (1, 12.34)");
        }
        try (FerryTask task = Ferry.task("money").source(server.endpoint(src)).target(server.endpoint(dst)).build()) {
            task.start();
            assertThat(task.awaitFinished(Duration.ofMinutes(1))).isTrue();
            assertThat(task.status().error()).contains("public.price.amount: money: the change stream sends it as a bare "
                    + "number, without the currency format PostgreSQL prints");
        }
    }
}
