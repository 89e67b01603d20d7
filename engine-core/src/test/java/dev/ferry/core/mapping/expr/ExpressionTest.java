package dev.ferry.core.mapping.expr;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpressionTest {
    static final TableSchema T = new TableSchema(new TableId("dbo", "orders"), List.of(
            new Column("id", LogicalType.of(TypeKind.INT64), false),
            new Column("qty", LogicalType.of(TypeKind.INT32), true),
            new Column("price", LogicalType.decimal(10, 2), true),
            new Column("ratio", LogicalType.of(TypeKind.FLOAT64), true),
            new Column("name", LogicalType.varchar(40), true),
            new Column("code", LogicalType.of(TypeKind.TEXT), true),
            new Column("data", LogicalType.of(TypeKind.BYTES), true),
            new Column("flag", LogicalType.of(TypeKind.BOOLEAN), true),
            new Column("day", LogicalType.of(TypeKind.DATE), true),
            new Column("at", LogicalType.of(TypeKind.TIMESTAMP), true),
            new Column("first name", LogicalType.varchar(20), true),
            new Column("Mixed", LogicalType.of(TypeKind.TEXT), true)), List.of("id"));

    static final Instant NOW = Instant.parse("2024-03-05T10:11:12.345Z");
    static final ChangeHeader LOAD = ChangeHeader.fullLoad(NOW);

    static Object[] row() {
        return new Object[] {7L, 3, new BigDecimal("0.10"), 2.5, "Ada", "12", new byte[] {0x41, 0x42}, true,
                LocalDate.of(2024, 1, 31), LocalDateTime.of(2024, 3, 5, 23, 59, 58, 123_400_000), "Grace", "m"};
    }

    static Object eval(String expression) {
        return Expression.compile(expression, T, null, "test").evaluate(row(), LOAD);
    }

    static String error(String expression) {
        try {
            Expression.compile(expression, T, null, "$.rules[3] (rule 4 'add-x')");
        } catch (ConfigurationException e) {
            return e.getMessage();
        }
        throw new AssertionError("compiled: " + expression);
    }

    @Nested
    class Precedence {
        @ParameterizedTest(name = "{0} = {1}")
        @DisplayName("when operators of different levels meet then SQLite's precedence decides")
        @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
                "1 + 2 * 3                 ; 7",    // * over +
                "2 * 3 || 4                ; 68",   // || over *: 2 * '34'
                "1 | 2 + 3                 ; 5",    // + over |
                "6 & 3 << 1                ; 4",    // & and << one level, left to right: (6 & 3) << 1
                "5 & 3 < 2                 ; 1",    // & over <: (5 & 3) < 2
                "1 < 2 = 1                 ; 1",    // < over =
                "NOT 0 = 1                 ; 1",    // = over NOT: NOT (0 = 1)
                "NOT 1 AND 0               ; 0",    // NOT over AND
                "1 OR 0 AND 0              ; 1",    // AND over OR
                "- 2 || 3                  ; -23",  // unary minus over ||
                "'a' LIKE 'A' = 1          ; 1",    // one level, left to right
                "2 BETWEEN 1 AND 3 = 1     ; 1",    // (2 BETWEEN 1 AND 3) = 1
                "1 BETWEEN 1 = 1 AND 2     ; 1",    // the lower bound reads up to its AND
                "10 - 2 - 3                ; 5",    // left associative
                "100 / 10 / 5              ; 2",
                "2 + 3 IN (5)              ; 1",
                "NULL IS NULL = 1          ; 1",
                "~ 1 + 1                   ; -1",   // (~1) + 1
                "3 IS TRUE + 1             ; 0",    // 3 IS (1 + 1)
                "(1 + 2) * 3               ; 9",
        })
        void levels(String expression, String expected) {
            assertThat(Values.text(eval(expression))).isEqualTo(expected);
        }
    }

    @Nested
    class Literals {
        @Test
        @DisplayName("when literals use SQLite's quoting and number forms then they read as SQLite reads them")
        void quoting() {
            assertThat(eval("'it''s'")).isEqualTo("it's");
            assertThat(eval("\"double\"")).isEqualTo("double");
            assertThat(eval("'a' || \"b\"\"c\"")).isEqualTo("ab\"c");
            assertThat(eval("X'4142'")).isEqualTo(new byte[] {0x41, 0x42});
            assertThat(eval("1e3")).isEqualTo(1000.0);
            assertThat(eval(".5")).isEqualTo(0.5);
            assertThat(eval("0x1F")).isEqualTo(31L);
            assertThat(eval("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
            assertThat(eval("9223372036854775808")).isEqualTo(9.223372036854775807E18);
            assertThat(eval("TRUE + FALSE")).isEqualTo(1L);
            assertThat(eval("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
            assertThat(eval("1 -- a comment\n + /* another */ 2")).isEqualTo(3L);
        }

        @Test
        @DisplayName("when a column is referenced as $name, $\"a name\" or in another case then it reads the source column")
        void columns() {
            assertThat(eval("$name")).isEqualTo("Ada");
            assertThat(eval("$\"first name\"")).isEqualTo("Grace");
            assertThat(eval("$NAME")).isEqualTo("Ada");
            assertThat(eval("$mixed")).isEqualTo("m");
            Expression e = Expression.compile("$QTY * $price + $qty", T, null, "t");
            assertThat(e.columns()).containsExactly("qty", "price");
        }

        @Test
        @DisplayName("when row values of every type are read then they become SQLite values, dates as SQLite's text")
        void rowValues() {
            assertThat(eval("$flag")).isEqualTo(1L);
            assertThat(eval("$qty")).isEqualTo(3L);
            assertThat(eval("$day")).isEqualTo("2024-01-31");
            assertThat(eval("$at")).isEqualTo("2024-03-05 23:59:58.1234");
            assertThat(eval("date($day, '+1 month')")).isEqualTo("2024-03-02");
            assertThat(eval("strftime('%H:%M:%f', $at)")).isEqualTo("23:59:58.123");
            assertThat(Values.fromRow(Instant.parse("2024-03-05T10:11:12Z"))).isEqualTo("2024-03-05 10:11:12");
            assertThat(Values.fromRow(LocalTime.of(1, 2, 3, 500_000_000))).isEqualTo("01:02:03.5");
            assertThat(Values.fromRow(OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHours(2)))).isEqualTo("01:02:03+02:00");
            assertThat(Values.fromRow(UUID.fromString("6f1c9d2e-0000-4000-8000-000000000001")))
                    .isEqualTo("6f1c9d2e-0000-4000-8000-000000000001");
            assertThat(Values.fromRow(1.5f)).isEqualTo(1.5);
            assertThat(Values.fromRow(LocalDate.MAX)).isEqualTo("infinity");
        }
    }

    @Nested
    class Semantics {
        @Test
        @DisplayName("when NULL meets an operator then it propagates, and AND/OR use three-valued logic")
        void nulls() {
            assertThat(eval("NULL + 1")).isNull();
            assertThat(eval("NULL || 'a'")).isNull();
            assertThat(eval("NULL = NULL")).isNull();
            assertThat(eval("NULL IS NULL")).isEqualTo(1L);
            assertThat(eval("1 IS NOT NULL")).isEqualTo(1L);
            assertThat(eval("NULL AND 0")).isEqualTo(0L);
            assertThat(eval("NULL AND 1")).isNull();
            assertThat(eval("NULL OR 1")).isEqualTo(1L);
            assertThat(eval("NULL OR 0")).isNull();
            assertThat(eval("NOT NULL")).isNull();
            assertThat(eval("1 IN (2, NULL)")).isNull();
            assertThat(eval("1 IN (1, NULL)")).isEqualTo(1L);
            assertThat(eval("1 NOT IN (2, 3)")).isEqualTo(1L);
            assertThat(eval("1 IN ()")).isEqualTo(0L);
            assertThat(eval("NULL BETWEEN 1 AND 2")).isNull();
            assertThat(eval("5 BETWEEN NULL AND 2")).isEqualTo(0L);
            assertThat(eval("NULL ISNULL")).isEqualTo(1L);
            assertThat(eval("1 NOTNULL")).isEqualTo(1L);
            assertThat(eval("NULL NOT NULL")).isEqualTo(0L);
            assertThat(eval("0 IS FALSE")).isEqualTo(1L);
            assertThat(eval("NULL IS NOT TRUE")).isEqualTo(1L);
            assertThat(eval("1 IS DISTINCT FROM NULL")).isEqualTo(1L);
            assertThat(eval("NULL IS NOT DISTINCT FROM NULL")).isEqualTo(1L);
        }

        @Test
        @DisplayName("when integers and reals are computed then SQLite's arithmetic applies")
        void arithmetic() {
            assertThat(eval("7 / 2")).isEqualTo(3L);
            assertThat(eval("-7 / 2")).isEqualTo(-3L);
            assertThat(eval("7 / 0")).isNull();
            assertThat(eval("7.0 / 0")).isNull();
            assertThat(eval("7.0 / 2")).isEqualTo(3.5);
            assertThat(eval("-7 % 3")).isEqualTo(-1L);
            assertThat(eval("7 % 0")).isNull();
            assertThat(eval("5.5 % 2")).isEqualTo(1.0);
            assertThat(eval("9223372036854775807 + 1")).isEqualTo(9.223372036854775807E18);
            assertThat(eval("'12abc' + 1")).isEqualTo(13L);
            assertThat(eval("'1.5x' + 1")).isEqualTo(2.5);
            assertThat(eval("'abc' * 2")).isEqualTo(0L);
            assertThat(eval("1 << 65")).isEqualTo(0L);
            assertThat(eval("-8 >> 1")).isEqualTo(-4L);
            assertThat(eval("~5")).isEqualTo(-6L);
            assertThat(eval("- '5'")).isEqualTo(-5L);
            assertThat(eval("+ 'abc'")).isEqualTo("abc");
        }

        @Test
        @DisplayName("when numbers become text then they print as SQLite prints them")
        void text() {
            assertThat(eval("1.0 || ''")).isEqualTo("1.0");
            assertThat(eval("1e15 || ''")).isEqualTo("1.0e+15");
            assertThat(eval("1e14 || ''")).isEqualTo("100000000000000.0");
            assertThat(eval("(0.1 + 0.2) || ''")).isEqualTo("0.3");
            assertThat(eval("0.1 + 0.2 || ''")).isEqualTo(0.30000000000000004); // || first: 0.1 + '0.2'
            assertThat(eval("1.5e-5 || ''")).isEqualTo("1.5e-05");
            assertThat(eval("$price || ''")).isEqualTo("0.10");
            assertThat(eval("$flag || $qty")).isEqualTo("13");
        }

        @Test
        @DisplayName("when a column meets a value of another type then the column's affinity converts it, as in SQLite")
        void affinity() {
            assertThat(eval("$qty = '3'")).isEqualTo(1L);      // INTEGER column: '3' becomes 3
            assertThat(eval("$code = 12")).isEqualTo(1L);      // TEXT column: 12 becomes '12'
            assertThat(eval("'12' = 12")).isEqualTo(0L);       // no column: no conversion
            assertThat(eval("+$code = 12")).isEqualTo(0L);     // unary + drops the affinity
            assertThat(eval("$code IN (12)")).isEqualTo(1L);
            assertThat(eval("CAST('3' AS INTEGER) = '3'")).isEqualTo(1L);
            assertThat(eval("1 < 'a'")).isEqualTo(1L);         // numbers sort before text
            assertThat(eval("'a' < X'00'")).isEqualTo(1L);     // text before blobs
            assertThat(eval("CASE $qty WHEN '3' THEN 'three' END")).isEqualTo("three");
        }

        @Test
        @DisplayName("when a DECIMAL column is computed with then Ferry keeps it exact where SQLite would use REAL")
        void decimals() {
            assertThat(eval("$price * 3")).isEqualTo(new BigDecimal("0.30"));
            assertThat(eval("$price + 0.2")).isEqualTo(new BigDecimal("0.30"));
            assertThat(eval("$price / 3")).isEqualTo(new BigDecimal("0.03333333333333333333333333333333333"));
            assertThat(eval("$price / 4")).isEqualTo(new BigDecimal("0.025"));
            assertThat(eval("$price / 0")).isNull();
            assertThat(eval("$price = 0.1")).isEqualTo(1L);
            assertThat(eval("$price * 3 = 0.3")).isEqualTo(1L);
            assertThat(eval("round($price * 5, 1)")).isEqualTo(new BigDecimal("0.5"));
            assertThat(eval("abs(- $price)")).isEqualTo(new BigDecimal("0.10"));
            assertThat(eval("typeof($price)")).isEqualTo("real");
            assertThat(Expression.compile("$price * $qty", T, null, "t").inferredType().kind()).isEqualTo(TypeKind.DECIMAL);
        }

        @Test
        @DisplayName("when LIKE and GLOB match then LIKE ignores ASCII case and honours ESCAPE, GLOB does neither")
        void patterns() {
            assertThat(eval("'Hello' LIKE 'h%O'")).isEqualTo(1L);
            assertThat(eval("'Hello' LIKE 'h_llo'")).isEqualTo(1L);
            assertThat(eval("'Ä' LIKE 'ä'")).isEqualTo(0L);
            assertThat(eval("'10%' LIKE '10!%' ESCAPE '!'")).isEqualTo(1L);
            assertThat(eval("'100' LIKE '10!%' ESCAPE '!'")).isEqualTo(0L);
            assertThat(eval("'abc' NOT LIKE 'a%'")).isEqualTo(0L);
            assertThat(eval("'abc' GLOB 'a*'")).isEqualTo(1L);
            assertThat(eval("'abc' GLOB 'A*'")).isEqualTo(0L);
            assertThat(eval("'abc' GLOB '[a-c]?[^x]'")).isEqualTo(1L);
            assertThat(eval("NULL LIKE 'a'")).isNull();
            assertThat(eval("$data LIKE 'AB'")).isEqualTo(0L);
        }

        @Test
        @DisplayName("when CASE and CAST are used then they follow SQLite")
        void caseAndCast() {
            assertThat(eval("CASE WHEN $qty > 2 THEN 'many' WHEN $qty > 0 THEN 'some' ELSE 'none' END")).isEqualTo("many");
            assertThat(eval("CASE $name WHEN 'Ada' THEN 1 WHEN 'Bob' THEN 2 END")).isEqualTo(1L);
            assertThat(eval("CASE NULL WHEN NULL THEN 1 ELSE 2 END")).isEqualTo(2L);
            assertThat(eval("CASE WHEN 0 THEN 1 END")).isNull();
            assertThat(eval("CAST('12.7' AS INTEGER)")).isEqualTo(12L);
            assertThat(eval("CAST(12.7 AS INTEGER)")).isEqualTo(12L);
            assertThat(eval("CAST('4.0' AS NUMERIC)")).isEqualTo(4L);
            assertThat(eval("CAST(4 AS REAL)")).isEqualTo(4.0);
            assertThat(eval("CAST(1.5 AS TEXT)")).isEqualTo("1.5");
            assertThat(eval("CAST('A' AS BLOB)")).isEqualTo(new byte[] {0x41});
            assertThat(eval("CAST($qty AS VARCHAR(10))")).isEqualTo("3");
            assertThat(eval("CAST($price AS DECIMAL(10, 2))")).isEqualTo(new BigDecimal("0.10"));
        }
    }

    @Nested
    class FunctionsTest {
        @ParameterizedTest(name = "{0} = {1}")
        @DisplayName("when a string function runs then it gives SQLite's result")
        @CsvSource(delimiter = ';', quoteCharacter = '"', nullValues = "NULL", value = {
                "lower('ÄbC')                ; Äbc",
                "upper('straße')             ; STRAßE",
                "lower(NULL)                 ; NULL",
                "length('héllo')             ; 5",
                "length(X'0102')             ; 2",
                "length(12.5)                ; 4",
                "length(NULL)                ; NULL",
                "trim('  x  ')               ; x",
                "ltrim('  x  ')              ; \"x  \"",
                "rtrim('  x  ')              ; \"  x\"",
                "trim('xxaxx', 'x')          ; a",
                "ltrim('abcba', 'ab')        ; cba",
                "rtrim('abcba', 'ab')        ; abc",
                "trim('x', NULL)             ; NULL",
                "replace('banana', 'an', 'AN') ; bANANa",
                "replace('abc', '', 'x')     ; abc",
                "replace('abc', 'b', NULL)   ; NULL",
                "substr('hello', 2)          ; ello",
                "substr('hello', 2, 3)       ; ell",
                "substr('hello', -3)         ; llo",
                "substr('hello', -3, 2)      ; ll",
                "substr('hello', 0, 2)       ; h",
                "substr('hello', 3, -2)      ; he",
                "substr('hello', -10, 7)     ; he",
                "substr('hello', 10)         ; \"\"",
                "substring('héllo', 2, 1)    ; é",
                "instr('hello', 'l')         ; 3",
                "instr('hello', 'z')         ; 0",
                "hex('Ab')                   ; 4162",
                "hex(NULL)                   ; \"\"",
                "hash_sha256('abc')          ; ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "hash_sha256(NULL)           ; NULL",
                "replaceChars('a/b\\c', '/\\', '__') ; a_b_c",
                "typeof(1) || typeof(1.0) || typeof('a') || typeof(X'00') || typeof(NULL) ; integerrealtextblobnull",
        })
        void strings(String expression, String expected) {
            assertThat(Values.text(eval(expression))).isEqualTo(expected);
        }

        @ParameterizedTest(name = "{0} = {1}")
        @DisplayName("when a numeric or NULL-check function runs then it gives SQLite's result")
        @CsvSource(delimiter = ';', quoteCharacter = '"', nullValues = "NULL", value = {
                "abs(-5)                     ; 5",
                "abs(-2.5)                   ; 2.5",
                "abs('-5')                   ; 5.0",
                "abs('abc')                  ; 0.0",
                "abs(NULL)                   ; NULL",
                "round(2.5)                  ; 3.0",
                "round(-2.5)                 ; -3.0",
                "round(5)                    ; 5.0",
                "round(2.675, 2)             ; 2.68",
                "round(1.005, 2)             ; 1.01",
                "round(1234.5678, -1)        ; 1235.0",
                "round(NULL, 1)              ; NULL",
                "coalesce(NULL, NULL, 3, 4)  ; 3",
                "coalesce(NULL, NULL)        ; NULL",
                "ifnull(NULL, 'x')           ; x",
                "ifnull('y', 'x')            ; y",
                "nullif(1, 1)                ; NULL",
                "nullif(1, '1')              ; 1",
                "nullif(NULL, 1)             ; NULL",
                "max(1, 3, 2)                ; 3",
                "max(1, 'a')                 ; a",
                "min(1, NULL)                ; NULL",
                "iif(1 > 0, 'y', 'n')        ; y",
                "length(zeroblob(3))         ; 3",
                "length(randomblob(4))       ; 4",
                "typeof(random())            ; integer",
        })
        void numbers(String expression, String expected) {
            assertThat(Values.text(eval(expression))).isEqualTo(expected);
        }

        @ParameterizedTest(name = "{0} = {1}")
        @DisplayName("when a date function runs then it gives SQLite's result, 'now' being the change's time")
        @CsvSource(delimiter = ';', quoteCharacter = '"', nullValues = "NULL", value = {
                "date('now')                                   ; 2024-03-05",
                "time('now')                                   ; 10:11:12",
                "datetime('now')                               ; 2024-03-05 10:11:12",
                "datetime()                                    ; 2024-03-05 10:11:12",
                "CURRENT_TIMESTAMP                             ; 2024-03-05 10:11:12",
                "CURRENT_DATE || ' ' || CURRENT_TIME           ; 2024-03-05 10:11:12",
                "strftime('%f', 'now')                         ; 12.345",
                "date('2024-01-31', '+1 month')                ; 2024-03-02",
                "date('2024-03-05', 'start of month')          ; 2024-03-01",
                "date('2024-03-05', 'start of year', '+45 days') ; 2024-02-15",
                "date('2024-03-05', 'weekday 0')               ; 2024-03-10",
                "datetime('2024-03-05 10:00', '+90 minutes')   ; 2024-03-05 11:30:00",
                "datetime('2024-03-05 10:00:00', '-01:30')     ; 2024-03-05 08:30:00",
                "datetime('2024-03-05T10:00:00+02:00')         ; 2024-03-05 08:00:00",
                "datetime('2024-03-05 10:00:00Z', 'localtime') ; 2024-03-05 10:00:00",
                "datetime(1709633472, 'unixepoch')             ; 2024-03-05 10:11:12",
                "datetime(2460374.5)                           ; 2024-03-05 00:00:00",
                "julianday('2000-01-01 12:00:00')              ; 2451545.0",
                "strftime('%Y/%m/%d %H:%M:%S', '2024-03-05 10:11:12') ; 2024/03/05 10:11:12",
                "strftime('%s', '2024-03-05 10:11:12')         ; 1709633472",
                "strftime('%j %W %w', '2024-03-05')            ; 065 10 2",
                "strftime('%J', '2024-03-05 12:00')            ; 2460375",
                "strftime('%%d', '2024-03-05')                 ; %d",
                "strftime('%q', '2024-03-05')                  ; NULL",
                "date('2024-02-30')                            ; 2024-02-30",
                "date('2024-02-30', '+0 days')                 ; 2024-03-01",
                "date('not a date')                            ; NULL",
                "date(NULL)                                    ; NULL",
                "date('2024-03-05', 'bad modifier')            ; NULL",
                "time('10:11')                                 ; 10:11:00",
        })
        void dates(String expression, String expected) {
            assertThat(Values.text(eval(expression))).isEqualTo(expected);
        }

        @Test
        @DisplayName("when coalesce finds a value then it evaluates no further argument")
        void coalesceIsLazy() {
            // abs(-9223372036854775808) would fail; coalesce never gets there
            assertThat(eval("coalesce(1, abs(-9223372036854775807 - 1))")).isEqualTo(1L);
        }
    }

    @Nested
    class Errors {
        @Test
        @DisplayName("when an expression names an unknown column then the rule, the offset and the table's columns are named")
        void unknownColumn() {
            assertThat(error("$qty + $nme")).isEqualTo("$.rules[3] (rule 4 'add-x'): unknown column $nme at offset 7;"
                    + " the columns of dbo.orders are id, qty, price, ratio, name, code, data, flag, day, at, first name, Mixed");
        }

        @Test
        @DisplayName("when a column name matches two columns without case then it is refused as ambiguous")
        void ambiguousColumn() {
            TableSchema two = new TableSchema(new TableId("s", "t"), List.of(
                    new Column("Name", LogicalType.of(TypeKind.TEXT), true),
                    new Column("NAME", LogicalType.of(TypeKind.TEXT), true)), List.of());
            assertThatThrownBy(() -> Expression.compile("$name", two, null, "r"))
                    .hasMessage("r: column $name is ambiguous: s.t has Name and NAME at offset 0;"
                            + " write the name exactly as the table spells it");
            assertThat(Expression.compile("$NAME", two, null, "r").evaluate(new Object[] {"a", "b"}, LOAD)).isEqualTo("b");
        }

        @Test
        @DisplayName("when an expression calls an unknown function then the known ones are listed")
        void unknownFunction() {
            assertThat(error("concat($name, 'x')")).isEqualTo("$.rules[3] (rule 4 'add-x'): unknown function concat() at offset 0;"
                    + " known functions: abs, coalesce, date, datetime, hash_sha256, hex, ifnull, iif, instr, julianday,"
                    + " length, lower, ltrim, max, min, nullif, operation_indicator, random, randomblob, replace,"
                    + " replaceChars, round, rtrim, strftime, substr, substring, time, trim, typeof, upper, zeroblob");
        }

        @Test
        @DisplayName("when a function gets the wrong number of arguments then the expected count is named")
        void argumentCount() {
            assertThat(error("substr($name)")).isEqualTo("$.rules[3] (rule 4 'add-x'): function substr() takes 2 or 3 arguments,"
                    + " was given 1 at offset 0");
            assertThat(error("upper()")).isEqualTo("$.rules[3] (rule 4 'add-x'): function upper() takes 1 argument,"
                    + " was given 0 at offset 0");
            assertThat(error("coalesce(1)")).isEqualTo("$.rules[3] (rule 4 'add-x'): function coalesce() takes at least 2 arguments,"
                    + " was given 1 at offset 0");
            assertThat(error("operation_indicator('D', 'U')")).isEqualTo("$.rules[3] (rule 4 'add-x'):"
                    + " function operation_indicator() takes 3 arguments, was given 2 at offset 0");
            assertThat(error("max($qty)")).isEqualTo("$.rules[3] (rule 4 'add-x'): function max() takes at least 2 arguments,"
                    + " was given 1 at offset 0; with one argument it is an aggregate, not available in expressions");
        }

        @Test
        @DisplayName("when the syntax is wrong then the message says what and where")
        void syntax() {
            assertThat(error("$qty +")).isEqualTo("$.rules[3] (rule 4 'add-x'): the expression ends where a value was expected at offset 6");
            assertThat(error("($qty + 1")).isEqualTo("$.rules[3] (rule 4 'add-x'): expected ) but found the end of the expression at offset 9");
            assertThat(error("$qty 1")).isEqualTo("$.rules[3] (rule 4 'add-x'): syntax error near \"1\" at offset 5");
            assertThat(error("'abc")).isEqualTo("$.rules[3] (rule 4 'add-x'): unterminated string at offset 0;"
                    + " close it with ' (write '' for a ' inside)");
            assertThat(error("CASE WHEN 1 THEN 2")).isEqualTo("$.rules[3] (rule 4 'add-x'): expected END but found the end of the expression at offset 18");
            assertThat(error("name || 'x'")).isEqualTo("$.rules[3] (rule 4 'add-x'): unknown name name at offset 0;"
                    + " a column is written $name, text is written in single quotes 'name'");
            assertThat(error("$qty # 2")).isEqualTo("$.rules[3] (rule 4 'add-x'): unexpected character '#' at offset 5");
            assertThat(error("$")).isEqualTo("$.rules[3] (rule 4 'add-x'): $ without a column name at offset 0;"
                    + " write $NAME, or $\"NAME\" for a name with other characters");
            assertThat(error(":qty")).isEqualTo("$.rules[3] (rule 4 'add-x'): parameter : is not supported at offset 0;"
                    + " columns are written $NAME");
            assertThat(error("  ")).isEqualTo("$.rules[3] (rule 4 'add-x'): the expression is empty");
            assertThat(error("$name COLLATE NOCASE")).isEqualTo("$.rules[3] (rule 4 'add-x'): COLLATE NOCASE is not supported"
                    + " at offset 6; only BINARY, SQLite's default, is; use lower() or upper() to compare without case");
        }

        @Test
        @DisplayName("when a header or metadata variable is unknown or has no value for the rule then it is refused")
        void variables() {
            assertThat(error("$AR_H_USER")).isEqualTo("$.rules[3] (rule 4 'add-x'): unknown header or metadata variable"
                    + " $AR_H_USER at offset 0; Ferry knows $AR_H_OPERATION, $AR_H_TIMESTAMP, $AR_H_COMMIT_TIMESTAMP,"
                    + " $AR_H_STREAM_POSITION, $AR_H_CHANGE_SEQ, $AR_M_SOURCE_SCHEMA, $AR_M_SOURCE_TABLE_NAME,"
                    + " $AR_M_SOURCE_COLUMN_NAME, $AR_M_SOURCE_COLUMN_DATATYPE");
            assertThat(error("$AR_M_SOURCE_COLUMN_NAME")).isEqualTo("$.rules[3] (rule 4 'add-x'): $AR_M_SOURCE_COLUMN_NAME"
                    + " has a value only in a rule for one column at offset 0; name the column in the rule's"
                    + " object-locator (column-name)");
        }

        @Test
        @DisplayName("when the source did not send a column the expression reads then evaluation fails naming it and the fix")
        void unsentColumn() {
            Expression e = Expression.compile("$name || $code", T, null, "$.rules[3] (rule 4 'add-x')");
            Object[] r = row();
            r[5] = Unchanged.VALUE;
            ChangeHeader update = new ChangeHeader(ChangeHeader.Operation.UPDATE, NOW, "0/1", 1);
            assertThatThrownBy(() -> e.evaluate(r, update))
                    .isInstanceOf(FerryException.class)
                    .hasMessage("$.rules[3] (rule 4 'add-x'): the source did not send column code of dbo.orders with"
                            + " this change (its value did not change), and the expression reads it; have the source"
                            + " send whole rows (PostgreSQL: ALTER TABLE dbo.orders REPLICA IDENTITY FULL)");
            r[5] = "12";
            r[3] = Unchanged.VALUE; // a column the expression does not read
            assertThat(e.evaluate(r, update)).isEqualTo("Ada12");
        }

        @Test
        @DisplayName("when a row makes an operation fail then evaluation names the rule, the offset and the table")
        void evaluationErrors() {
            Expression abs = Expression.compile("1 + abs($id - 9223372036854775807 - 1 - 7)", T, null, "r");
            assertThatThrownBy(() -> abs.evaluate(row(), LOAD)).isInstanceOf(FerryException.class)
                    .hasMessage("r: integer overflow in abs() at offset 4, for a row of dbo.orders");
            Expression like = Expression.compile("'a' LIKE 'a' ESCAPE 'xy'", T, null, "r");
            assertThatThrownBy(() -> like.evaluate(row(), LOAD))
                    .hasMessage("r: ESCAPE expression must be a single character at offset 20, for a row of dbo.orders");
        }
    }

    @Nested
    class Analysis {
        @Test
        @DisplayName("when an expression is compiled then its static type is inferred where the operands tell it")
        void inferredTypes() {
            assertThat(type("$qty + 1")).isEqualTo(LogicalType.of(TypeKind.INT64));
            assertThat(type("$ratio * 2")).isEqualTo(LogicalType.of(TypeKind.FLOAT64));
            assertThat(type("$name || 'x'")).isEqualTo(LogicalType.of(TypeKind.TEXT));
            assertThat(type("$name")).isEqualTo(LogicalType.varchar(40));
            assertThat(type("$qty > 1")).isEqualTo(LogicalType.of(TypeKind.INT64));
            assertThat(type("length($name)")).isEqualTo(LogicalType.of(TypeKind.INT64));
            assertThat(type("julianday('now')")).isEqualTo(LogicalType.of(TypeKind.FLOAT64));
            assertThat(type("CASE WHEN $qty > 1 THEN 'a' ELSE 'b' END")).isEqualTo(LogicalType.of(TypeKind.TEXT));
            assertThat(type("CASE WHEN $qty > 1 THEN 'a' ELSE 2 END")).isNull();
            assertThat(type("coalesce($code, 'x')")).isEqualTo(LogicalType.of(TypeKind.TEXT));
            assertThat(type("$code + 1")).isNull();
            assertThat(type("operation_indicator('D', 'U', 'I')")).isEqualTo(LogicalType.of(TypeKind.TEXT));
        }

        private LogicalType type(String expression) {
            return Expression.compile(expression, T, null, "t").inferredType();
        }

        @Test
        @DisplayName("when one compiled expression is evaluated from many threads then every result is right")
        void threadSafe() throws Exception {
            Expression e = Expression.compile("$name || '-' || ($qty * $id) || '-' || date($day, '+1 day')", T, null, "t");
            List<Thread> threads = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
            for (int t = 0; t < 4; t++) {
                final long id = t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 2000; i++) {
                        Object[] r = row();
                        r[0] = id;
                        if (!("Ada-" + (3 * id) + "-2024-02-01").equals(e.evaluate(r, LOAD))) {
                            wrong.incrementAndGet();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(wrong.get()).isZero();
        }
    }
}
