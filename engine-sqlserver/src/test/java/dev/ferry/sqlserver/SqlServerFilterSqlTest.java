package dev.ferry.sqlserver;

import dev.ferry.core.mapping.MappedTable;
import dev.ferry.core.mapping.SourceFilter;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.spi.KeyRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The WHERE a filtered SQL Server full load reads (no SQL Server runs here: the text is pinned, and
 * each form was checked against the T-SQL reference: CAST of ISO 8601 literals, COLLATE on an
 * expression, BETWEEN, and the binary collation Latin1_General_100_BIN2).
 */
class SqlServerFilterSqlTest {

    static final TableSchema ORDERS = new TableSchema(new TableId("dbo", "orders"), List.of(
            new Column("id", LogicalType.of(TypeKind.INT32), false, "int"),
            new Column("region", LogicalType.varchar(10), true, "nvarchar(10)"),
            new Column("code", LogicalType.chars(4), true, "char(4)"),
            new Column("memo", LogicalType.of(TypeKind.TEXT), true, "ntext"),
            new Column("placed", LogicalType.of(TypeKind.DATE), true, "date"),
            new Column("at", LogicalType.temporal(TypeKind.TIMESTAMP, 3), true, "datetime"),
            new Column("at2", LogicalType.temporal(TypeKind.TIMESTAMP, 6), true, "datetime2(6)"),
            new Column("atz", LogicalType.temporal(TypeKind.TIMESTAMPTZ, 6), true, "datetimeoffset(6)"),
            new Column("at7", LogicalType.temporal(TypeKind.TIMESTAMP, 7), true, "datetime2(7)"),
            new Column("small", LogicalType.temporal(TypeKind.TIMESTAMP, 0), true, "smalldatetime"),
            new Column("t", LogicalType.temporal(TypeKind.TIME, 5), true, "time(5)"),
            new Column("shape", LogicalType.of(TypeKind.TEXT), true, "geometry"),
            new Column("price", LogicalType.of(TypeKind.FLOAT32), true, "real"),
            new Column("amount", LogicalType.decimal(10, 2), true, "decimal(10,2)"),
            new Column("flag", LogicalType.of(TypeKind.BOOLEAN), true, "bit"),
            new Column("uid", LogicalType.of(TypeKind.UUID), true, "uniqueidentifier")), List.of("id"));

    static SourceFilter filter(String column, String condition) {
        String json = "{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-name\": \"o\", \"rule-action\": \"include\","
                + " \"object-locator\": {\"schema-name\": \"dbo\", \"table-name\": \"orders\"}, \"filters\": [{\"filter-type\": \"source\","
                + " \"column-name\": \"" + column + "\", \"filter-conditions\": [" + condition + "]}]}]}";
        List<MappedTable> plan = TableMappings.parse(json, "m.json").plan(List.of(ORDERS));
        return plan.get(0).filter();
    }

    static String where(String column, String condition) {
        return SqlServerSource.where(null, filter(column, condition));
    }

    @Test
    @DisplayName("when values are typed, then each is a literal cast to the column's own type")
    void literals() {
        assertThat(where("id", "{\"filter-operator\": \"ste\", \"value\": \"100\"}")).isEqualTo(" WHERE (([id] <= 100))");
        assertThat(where("placed", "{\"filter-operator\": \"gte\", \"value\": \"2002-01-01\"}"))
                .isEqualTo(" WHERE (([placed] >= CAST(N'2002-01-01' AS date)))");
        assertThat(where("at", "{\"filter-operator\": \"between\", \"start-value\": \"2020-01-01\", \"end-value\": \"2020-01-31 23:59:59\"}"))
                .isEqualTo(" WHERE (([at] BETWEEN CAST(N'2020-01-01T00:00:00.000' AS datetime) AND CAST(N'2020-01-31T23:59:59.000' AS datetime)))");
        assertThat(where("at2", "{\"filter-operator\": \"lte\", \"value\": \"2020-01-01 10:00:00.123456\"}"))
                .isEqualTo(" WHERE (([at2] <= CAST(N'2020-01-01T10:00:00.1234560' AS datetime2(7))))");
        assertThat(where("t", "{\"filter-operator\": \"gte\", \"value\": \"10:15:30.12345\"}"))
                .isEqualTo(" WHERE (([t] >= CAST(N'10:15:30.1234500' AS time(7))))");
        assertThat(where("atz", "{\"filter-operator\": \"gte\", \"value\": \"2020-01-01 12:00:00+02:00\"}"))
                .isEqualTo(" WHERE (([atz] >= CAST(N'2020-01-01 10:00:00.0000000 +00:00' AS datetimeoffset(7))))");
        assertThat(where("price", "{\"filter-operator\": \"eq\", \"value\": \"1.1\"}")).isEqualTo(" WHERE (([price] = CAST(N'1.1' AS real)))");
        assertThat(where("amount", "{\"filter-operator\": \"notbetween\", \"start-value\": \"1.5\", \"end-value\": \"1E+3\"}"))
                .isEqualTo(" WHERE (([amount] NOT BETWEEN 1.5 AND 1000))");
        assertThat(where("flag", "{\"filter-operator\": \"eq\", \"value\": \"true\"}")).isEqualTo(" WHERE (([flag] = 1))");
        assertThat(where("uid", "{\"filter-operator\": \"noteq\", \"value\": \"6F9619FF-8B86-D011-B42D-00C04FC964FF\"}"))
                .isEqualTo(" WHERE (([uid] <> CAST(N'6f9619ff-8b86-d011-b42d-00c04fc964ff' AS uniqueidentifier)))");
        assertThat(where("id", "{\"filter-operator\": \"null\"}, {\"filter-operator\": \"notnull\"}"))
                .isEqualTo(" WHERE (([id] IS NULL OR [id] IS NOT NULL))");
    }

    @Test
    @DisplayName("when SQL Server would round a value, compare 100 ns where CDC carries microseconds, or cannot compare a "
            + "type as text, then the filter is refused naming the column")
    void refusedWhereTheTwoPathsWouldDisagree() {
        assertThatThrownBy(() -> where("at", "{\"filter-operator\": \"lte\", \"value\": \"2020-01-31 23:59:59.999\"}"))
                .hasMessageContaining("on datetime column at is refused: SQL Server rounds it to 1/300 of a second");
        assertThatThrownBy(() -> where("small", "{\"filter-operator\": \"gte\", \"value\": \"2020-01-31 10:00:30\"}"))
                .hasMessageContaining("on smalldatetime column small is refused: SQL Server rounds it to the minute");
        assertThat(where("small", "{\"filter-operator\": \"gte\", \"value\": \"2020-01-31 10:00\"}"))
                .isEqualTo(" WHERE (([small] >= CAST(N'2020-01-31T10:00:00.000' AS smalldatetime)))");
        assertThatThrownBy(() -> where("at7", "{\"filter-operator\": \"gte\", \"value\": \"2020-01-31 10:00:00\"}"))
                .hasMessageContaining("column at7 (datetime2(7)) is refused: its values have 7 fractional digits");
        assertThatThrownBy(() -> where("shape", "{\"filter-operator\": \"eq\", \"value\": \"POINT (1 2)\"}"))
                .hasMessageContaining("comparing column shape (geometry) as text is refused");
    }

    @Test
    @DisplayName("when text is compared, then it compares under a binary collation, with trailing spaces counting except for char(n)")
    void text() {
        assertThat(where("region", "{\"filter-operator\": \"eq\", \"value\": \"O'Brien\"}"))
                .isEqualTo(" WHERE ((([region] + N'|') COLLATE Latin1_General_100_BIN2 = N'O''Brien|'))");
        assertThat(where("region", "{\"filter-operator\": \"noteq\", \"value\": \"eu\"}"))
                .isEqualTo(" WHERE ((([region] + N'|') COLLATE Latin1_General_100_BIN2 <> N'eu|'))");
        assertThat(where("code", "{\"filter-operator\": \"eq\", \"value\": \"ab\"}"))
                .isEqualTo(" WHERE (([code] COLLATE Latin1_General_100_BIN2 = N'ab'))");
        assertThat(where("memo", "{\"filter-operator\": \"eq\", \"value\": \"x\"}"))
                .isEqualTo(" WHERE (((CAST([memo] AS nvarchar(max)) + N'|') COLLATE Latin1_General_100_BIN2 = N'x|'))");
    }

    @Test
    @DisplayName("when a key range and a filter both apply, then both are in the WHERE; neither: no WHERE")
    void withRange() {
        SourceFilter f = filter("id", "{\"filter-operator\": \"gte\", \"value\": \"5\"}");
        assertThat(SqlServerSource.where(new KeyRange("id", 10L, 20L), f)).isEqualTo(" WHERE [id] >= 10 AND [id] < 20 AND ((([id] >= 5)))");
        assertThat(SqlServerSource.where(null, SourceFilter.NONE)).isEmpty();
        assertThat(SqlServerSource.where(new KeyRange("id", 10L, null), SourceFilter.NONE)).isEqualTo(" WHERE [id] >= 10");
    }
}
