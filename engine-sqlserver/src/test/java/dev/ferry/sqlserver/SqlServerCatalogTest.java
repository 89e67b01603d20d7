package dev.ferry.sqlserver;

import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TypeKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqlServerCatalogTest {

    static SqlServerCatalog.ObjectRow table(String name) {
        return new SqlServerCatalog.ObjectRow("dbo", name, false, false, false, 0, false, false, 100);
    }

    static SqlServerCatalog.ColumnRow column(String table, String name, String type, boolean nullable) {
        return new SqlServerCatalog.ColumnRow("dbo", table, new NativeColumn(name, type, type, 4, 10, 0, nullable, false, false,
                false, false, 0));
    }

    @Test
    @DisplayName("when a table has a primary key and unique indexes, then the primary key identifies its rows")
    void primaryKeyFirst() {
        List<SqlServerCatalog.Table> tables = SqlServerCatalog.assemble(List.of(table("orders")),
                List.of(column("orders", "id", "int", false), column("orders", "code", "int", false), column("orders", "note", "int", true)),
                List.of(new SqlServerCatalog.KeyRow("dbo", "orders", "PK_orders", true, "id"),
                        new SqlServerCatalog.KeyRow("dbo", "orders", "UQ_code", false, "code")));
        SqlServerCatalog.Table t = tables.get(0);
        assertThat(t.id()).isEqualTo(new TableId("dbo", "orders"));
        assertThat(t.schema().primaryKey()).containsExactly("id");
        assertThat(t.keyKind()).isEqualTo(SqlServerCatalog.KeyKind.PRIMARY_KEY);
        assertThat(t.keyName()).isEqualTo("PK_orders");
        assertThat(t.schema().columnNames()).containsExactly("id", "code", "note");
        assertThat(t.schema().estimatedRows()).isEqualTo(100);
        assertThat(t.schema().columns().get(2).nullable()).isTrue();
        assertThat(t.schema().columns().get(0).nativeType()).isEqualTo("int");
    }

    @Test
    @DisplayName("when a table has no primary key, then the first unique index on NOT NULL columns is its key")
    void uniqueIndexFallback() {
        List<SqlServerCatalog.Table> tables = SqlServerCatalog.assemble(List.of(table("t")),
                List.of(column("t", "a", "int", true), column("t", "b", "int", false), column("t", "c", "int", false)),
                List.of(new SqlServerCatalog.KeyRow("dbo", "t", "UQ_a", false, "a"),
                        new SqlServerCatalog.KeyRow("dbo", "t", "UQ_bc", false, "b"),
                        new SqlServerCatalog.KeyRow("dbo", "t", "UQ_bc", false, "c")));
        SqlServerCatalog.Table t = tables.get(0);
        assertThat(t.keyKind()).isEqualTo(SqlServerCatalog.KeyKind.UNIQUE_INDEX);
        assertThat(t.keyName()).isEqualTo("UQ_bc");
        assertThat(t.schema().primaryKey()).containsExactly("b", "c");
    }

    @Test
    void keylessTableAndView() {
        SqlServerCatalog.ObjectRow view = new SqlServerCatalog.ObjectRow("sales", "v_totals", true, false, false, 0, false, false, -1);
        List<SqlServerCatalog.Table> tables = SqlServerCatalog.assemble(List.of(table("log"), view),
                List.of(column("log", "line", "int", true),
                        new SqlServerCatalog.ColumnRow("sales", "v_totals", new NativeColumn("total", "money", "money", 8, 19, 4, true,
                                false, false, false, false, 0))),
                List.of());
        assertThat(tables).hasSize(2);
        assertThat(tables.get(0).keyKind()).isEqualTo(SqlServerCatalog.KeyKind.NONE);
        assertThat(tables.get(0).schema().hasPrimaryKey()).isFalse();
        assertThat(tables.get(1).view()).isTrue();
        assertThat(tables.get(1).schema().columns().get(0).type()).isEqualTo(LogicalType.decimal(19, 4));
        assertThat(tables.get(1).schema().estimatedRows()).isEqualTo(-1);
    }

    @Test
    @DisplayName("when a table has sparse columns and a column set, then the column set is left out and reported")
    void columnSetLeftOut() {
        List<SqlServerCatalog.Table> tables = SqlServerCatalog.assemble(List.of(table("wide")),
                List.of(column("wide", "id", "int", false),
                        new SqlServerCatalog.ColumnRow("dbo", "wide", new NativeColumn("s1", "int", "int", 4, 10, 0, true, false, false,
                                true, false, 0)),
                        new SqlServerCatalog.ColumnRow("dbo", "wide", new NativeColumn("cs", "xml", "xml", -1, 0, 0, true, false, false,
                                false, true, 0))),
                List.of(new SqlServerCatalog.KeyRow("dbo", "wide", "PK_wide", true, "id")));
        SqlServerCatalog.Table t = tables.get(0);
        assertThat(t.schema().columnNames()).containsExactly("id", "s1");
        assertThat(t.columnSets()).containsExactly("cs");
        assertThat(t.columns().get(1).sparse()).isTrue();
        assertThat(t.mappings()).hasSize(2);
    }

    @Test
    void flagsAndTypesCarryThrough() {
        SqlServerCatalog.ObjectRow o = new SqlServerCatalog.ObjectRow("dbo", "events", false, true, true, 2, false, true, 5);
        SqlServerCatalog.Table t = SqlServerCatalog.assemble(List.of(o),
                List.of(new SqlServerCatalog.ColumnRow("dbo", "events", new NativeColumn("at", "datetime2", "datetime2", 8, 27, 7, false,
                        false, false, false, false, 1))), List.of()).get(0);
        assertThat(t.cdcEnabled()).isTrue();
        assertThat(t.changeTracking()).isTrue();
        assertThat(t.temporalType()).isEqualTo(2);
        assertThat(t.clusteredColumnstore()).isTrue();
        assertThat(t.schema().columns().get(0).type()).isEqualTo(LogicalType.temporal(TypeKind.TIMESTAMP, 6));
        assertThat(t.schema().columns().get(0).nativeType()).isEqualTo("datetime2(7)");
    }

    @Test
    void objectWithoutVisibleColumnsIsLeftOut() {
        assertThat(SqlServerCatalog.assemble(List.of(table("hidden")), List.of(), List.of())).isEmpty();
    }
}
