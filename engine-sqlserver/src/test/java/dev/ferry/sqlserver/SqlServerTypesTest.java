package dev.ferry.sqlserver;

import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TypeKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.ferry.sqlserver.SqlServerTypes.Fidelity.EXACT;
import static dev.ferry.sqlserver.SqlServerTypes.Fidelity.LOSSY;
import static dev.ferry.sqlserver.SqlServerTypes.Fidelity.UNSUPPORTED;
import static org.assertj.core.api.Assertions.assertThat;

class SqlServerTypesTest {

    /** A column as sys.columns describes it. */
    static NativeColumn col(String type, int maxLength, int precision, int scale) {
        return new NativeColumn("c", type, type, maxLength, precision, scale, true, false, false, false, false, 0);
    }

    static SqlServerTypes.Mapping map(String type, int maxLength, int precision, int scale) {
        return SqlServerTypes.map(col(type, maxLength, precision, scale));
    }

    @Test
    void integersAndBit() {
        assertThat(map("bit", 1, 1, 0).type()).isEqualTo(LogicalType.of(TypeKind.BOOLEAN));
        assertThat(map("tinyint", 1, 3, 0).type()).isEqualTo(LogicalType.of(TypeKind.INT16));
        assertThat(map("tinyint", 1, 3, 0).read()).isEqualTo(SqlServerTypes.Read.TINYINT);
        assertThat(map("smallint", 2, 5, 0).type()).isEqualTo(LogicalType.of(TypeKind.INT16));
        assertThat(map("int", 4, 10, 0).type()).isEqualTo(LogicalType.of(TypeKind.INT32));
        assertThat(map("bigint", 8, 19, 0).type()).isEqualTo(LogicalType.of(TypeKind.INT64));
    }

    @Test
    void exactNumbers() {
        assertThat(map("decimal", 17, 38, 0).type()).isEqualTo(LogicalType.decimal(38, 0));
        assertThat(map("numeric", 9, 18, 6).type()).isEqualTo(LogicalType.decimal(18, 6));
        assertThat(map("money", 8, 19, 4).type()).isEqualTo(LogicalType.decimal(19, 4));
        assertThat(map("money", 8, 19, 4).read()).isEqualTo(SqlServerTypes.Read.MONEY);
        assertThat(map("smallmoney", 4, 10, 4).type()).isEqualTo(LogicalType.decimal(10, 4));
        assertThat(map("real", 4, 24, 0).type()).isEqualTo(LogicalType.of(TypeKind.FLOAT32));
        assertThat(map("float", 8, 53, 0).type()).isEqualTo(LogicalType.of(TypeKind.FLOAT64));
    }

    @Test
    @DisplayName("when a time type has 7 fractional digits, then it maps to microseconds and is reported lossy")
    void dateAndTime() {
        assertThat(map("date", 3, 10, 0).type()).isEqualTo(LogicalType.of(TypeKind.DATE));
        assertThat(map("time", 5, 16, 7).type()).isEqualTo(LogicalType.temporal(TypeKind.TIME, 6));
        assertThat(map("time", 5, 16, 7).fidelity()).isEqualTo(LOSSY);
        assertThat(map("time", 5, 16, 7).note()).contains("truncated");
        assertThat(map("time", 3, 8, 0).type()).isEqualTo(LogicalType.temporal(TypeKind.TIME, 0));
        assertThat(map("time", 3, 8, 0).fidelity()).isEqualTo(EXACT);
        assertThat(map("datetime", 8, 23, 3).type()).isEqualTo(LogicalType.temporal(TypeKind.TIMESTAMP, 3));
        assertThat(map("smalldatetime", 4, 16, 0).type()).isEqualTo(LogicalType.temporal(TypeKind.TIMESTAMP, 0));
        for (int p = 0; p <= 6; p++) {
            assertThat(map("datetime2", 8, 27, p).type()).isEqualTo(LogicalType.temporal(TypeKind.TIMESTAMP, p));
            assertThat(map("datetime2", 8, 27, p).fidelity()).isEqualTo(EXACT);
        }
        assertThat(map("datetime2", 8, 27, 7).type()).isEqualTo(LogicalType.temporal(TypeKind.TIMESTAMP, 6));
        assertThat(map("datetime2", 8, 27, 7).fidelity()).isEqualTo(LOSSY);
        SqlServerTypes.Mapping dto = map("datetimeoffset", 10, 34, 7);
        assertThat(dto.type()).isEqualTo(LogicalType.temporal(TypeKind.TIMESTAMPTZ, 6));
        assertThat(dto.fidelity()).isEqualTo(LOSSY);
        assertThat(dto.note()).contains("offset is not").contains("truncated");
        assertThat(map("datetimeoffset", 8, 26, 0).note()).doesNotContain("truncated");
        // read in its UTC form, a datetime2 the driver converts without calendars (SqlServerValuesTest)
        assertThat(dto.expression()).isEqualTo("CAST(SWITCHOFFSET([c], '+00:00') AS datetime2(7))");
        assertThat(map("datetimeoffset", 8, 26, 0).expression()).isEqualTo("CAST(SWITCHOFFSET([c], '+00:00') AS datetime2(7))");
        assertThat(dto.read()).isEqualTo(SqlServerTypes.Read.DATETIMEOFFSET);
        assertThat(map("datetime2", 8, 27, 7).expression()).isEqualTo("[c]");
    }

    @Test
    @DisplayName("when a key column would lose its 7th fractional digit, then it cannot be a key, with the way out")
    void lossyKeys() {
        for (String t : new String[]{"time", "datetime2", "datetimeoffset"}) {
            assertThat(SqlServerTypes.lossyKey(col(t, 8, 27, 7))).as(t)
                    .isEqualTo(t + "(7) is part of the key, and PostgreSQL keeps microseconds: keys that differ only in the 7th "
                            + "fractional digit would become one row");
            assertThat(SqlServerTypes.lossyKeyFix(col(t, 8, 27, 7))).startsWith("change the column to " + t + "(6)");
            assertThat(SqlServerTypes.lossyKey(col(t, 8, 27, 6))).as(t).isNull();
        }
        assertThat(SqlServerTypes.lossyKey(col("datetime", 8, 23, 3))).isNull();
        assertThat(SqlServerTypes.lossyKey(col("decimal", 17, 38, 7))).isNull();
    }

    @Test
    @DisplayName("when a character type is national, then its byte length is halved into characters")
    void characters() {
        assertThat(map("char", 10, 0, 0).type()).isEqualTo(LogicalType.chars(10));
        assertThat(map("nchar", 20, 0, 0).type()).isEqualTo(LogicalType.chars(10));
        assertThat(map("varchar", 200, 0, 0).type()).isEqualTo(LogicalType.varchar(200));
        assertThat(map("nvarchar", 200, 0, 0).type()).isEqualTo(LogicalType.varchar(100));
        assertThat(map("varchar", -1, 0, 0).type()).isEqualTo(LogicalType.of(TypeKind.TEXT));
        assertThat(map("nvarchar", -1, 0, 0).type()).isEqualTo(LogicalType.of(TypeKind.TEXT));
        assertThat(map("text", 16, 0, 0).type()).isEqualTo(LogicalType.of(TypeKind.TEXT));
        assertThat(map("ntext", 16, 0, 0).fidelity()).isEqualTo(EXACT);
        assertThat(map("xml", -1, 0, 0).type()).isEqualTo(LogicalType.of(TypeKind.XML));
    }

    @Test
    void binaryAndIdentifiers() {
        for (String t : new String[]{"binary", "varbinary", "image", "timestamp", "rowversion"}) {
            assertThat(map(t, 8, 0, 0).type()).as(t).isEqualTo(LogicalType.of(TypeKind.BYTES));
            assertThat(map(t, 8, 0, 0).cdcCapable()).as(t).isTrue();
        }
        assertThat(map("varbinary", -1, 0, 0).type()).isEqualTo(LogicalType.of(TypeKind.BYTES));
        assertThat(map("uniqueidentifier", 16, 0, 0).type()).isEqualTo(LogicalType.of(TypeKind.UUID));
        assertThat(map("uniqueidentifier", 16, 0, 0).read()).isEqualTo(SqlServerTypes.Read.UUID);
    }

    @Test
    @DisplayName("when a type has no neutral kind, then it is read as text by an expression and reported")
    void textForms() {
        SqlServerTypes.Mapping h = map("hierarchyid", 892, 0, 0);
        assertThat(h.type()).isEqualTo(LogicalType.of(TypeKind.TEXT));
        assertThat(h.expression()).isEqualTo("CAST([c] AS nvarchar(4000))");
        assertThat(h.fidelity()).isEqualTo(LOSSY);
        assertThat(h.cdcCapable()).isFalse();
        SqlServerTypes.Mapping g = map("geography", -1, 0, 0);
        assertThat(g.expression()).isEqualTo("CASE WHEN [c] IS NULL THEN NULL ELSE 'SRID=' + CAST([c].STSrid AS varchar(11)) + ';' "
                + "+ [c].AsTextZM() END");
        assertThat(g.note()).contains("EWKT");
        assertThat(map("geometry", -1, 0, 0).cdcCapable()).isFalse();
        SqlServerTypes.Mapping clr = SqlServerTypes.map(new NativeColumn("c", "clr", "Money2", 8, 0, 0, true, false, false, false, false, 0));
        assertThat(clr.fidelity()).isEqualTo(UNSUPPORTED);
        assertThat(clr.note()).contains("Money2");
    }

    @Test
    @DisplayName("when a column is sql_variant, then each base type becomes text by a conversion that keeps its whole value")
    void sqlVariantByBaseType() {
        SqlServerTypes.Mapping v = map("sql_variant", 8016, 0, 0);
        assertThat(v.type()).isEqualTo(LogicalType.of(TypeKind.TEXT));
        assertThat(v.read()).isEqualTo(SqlServerTypes.Read.STRING);
        assertThat(v.cdcCapable()).isFalse();
        String e = v.expression();
        assertThat(e).startsWith("CASE CAST(SQL_VARIANT_PROPERTY([c], 'BaseType') AS sysname) WHEN ").endsWith(" END");
        // CAST(x AS nvarchar(4000)) used style 0: datetime without seconds, float to 6 digits, money to 2 places,
        // binary reinterpreted as UTF-16, and strings longer than 4000 characters cut
        assertThat(e).doesNotContain("nvarchar(4000)");
        Map<String, String> byBaseType = new LinkedHashMap<>();
        for (String exact : List.of("bigint", "int", "smallint", "tinyint", "bit", "decimal", "numeric", "char", "varchar", "nchar",
                "nvarchar", "uniqueidentifier")) {
            byBaseType.put(exact, "CONVERT(nvarchar(max), [c])");
        }
        byBaseType.put("money", "CONVERT(nvarchar(max), CONVERT(money, [c]), 2)");           // four decimal places
        byBaseType.put("smallmoney", "CONVERT(nvarchar(max), CONVERT(money, [c]), 2)");
        byBaseType.put("float", "CONVERT(nvarchar(max), CONVERT(float, [c]), 3)");            // 17 digits, lossless
        byBaseType.put("real", "CONVERT(nvarchar(max), CONVERT(real, [c]), 3)");
        byBaseType.put("date", "CONVERT(nvarchar(max), CONVERT(date, [c]), 23)");             // yyyy-mm-dd
        byBaseType.put("time", "CONVERT(nvarchar(max), CONVERT(time(7), [c]), 121)");         // hh:mi:ss.fffffff
        byBaseType.put("datetime", "CONVERT(nvarchar(max), CONVERT(datetime, [c]), 121)");    // yyyy-mm-dd hh:mi:ss.fff
        byBaseType.put("smalldatetime", "CONVERT(nvarchar(max), CONVERT(smalldatetime, [c]), 121)");
        byBaseType.put("datetime2", "CONVERT(nvarchar(max), CONVERT(datetime2(7), [c]), 121)");
        byBaseType.put("datetimeoffset", "CONVERT(nvarchar(max), CONVERT(datetimeoffset(7), [c]), 121)");
        byBaseType.put("binary", "CONVERT(nvarchar(max), CONVERT(varchar(max), CONVERT(varbinary(8000), [c]), 1))"); // 0x0A1B
        byBaseType.put("varbinary", "CONVERT(nvarchar(max), CONVERT(varchar(max), CONVERT(varbinary(8000), [c]), 1))");
        byBaseType.forEach((base, conversion) -> assertThat(e).as(base).contains(" WHEN N'" + base + "' THEN " + conversion + " "));
        // every base type sql_variant can hold has its own branch; any other stops the read with a message
        assertThat(e.split(" WHEN N'", -1)).hasSize(byBaseType.size() + 1);
        assertThat(e).endsWith(" ELSE CASE WHEN [c] IS NULL THEN NULL ELSE CONVERT(nvarchar(max), CONVERT(int, N'sql_variant base type ' + "
                + "CAST(SQL_VARIANT_PROPERTY([c], 'BaseType') AS nvarchar(128)) + N' has no lossless text form in Ferry')) END END");
        assertThat(v.note()).contains("base type");
    }

    @Test
    void quotesColumnNamesInExpressions() {
        NativeColumn odd = new NativeColumn("a]b", "int", "int", 4, 10, 0, true, false, false, false, false, 0);
        assertThat(SqlServerTypes.map(odd).expression()).isEqualTo("[a]]b]");
    }

    @Test
    void declarations() {
        assertThat(col("nvarchar", 100, 0, 0).declaration()).isEqualTo("nvarchar(50)");
        assertThat(col("varbinary", -1, 0, 0).declaration()).isEqualTo("varbinary(max)");
        assertThat(col("decimal", 17, 38, 2).declaration()).isEqualTo("decimal(38,2)");
        assertThat(col("datetime2", 8, 27, 7).declaration()).isEqualTo("datetime2(7)");
        assertThat(new NativeColumn("c", "nvarchar", "Phone", 40, 0, 0, true, false, false, false, false, 0).declaration())
                .isEqualTo("nvarchar(20)");
        assertThat(new NativeColumn("c", "int", "OrderNo", 4, 10, 0, true, false, false, false, false, 0).declaration())
                .isEqualTo("OrderNo (int)");
    }
}
