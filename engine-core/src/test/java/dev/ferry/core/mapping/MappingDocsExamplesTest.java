package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The mappings docs/table-mappings.md shows (docs/examples/mappings) do what the page says. */
class MappingDocsExamplesTest {
    static final Path DIR = Path.of("..", "docs", "examples", "mappings").toAbsolutePath().normalize();

    static TableSchema table(String schema, String name, Column... columns) {
        return new TableSchema(new TableId(schema, name), List.of(columns), List.of(columns[0].name()), 100);
    }

    static Column col(String name, TypeKind kind) {
        return new Column(name, LogicalType.of(kind), true);
    }

    @Test
    @DisplayName("when selection.json meets a catalog, then it selects the tables and load order the page lists")
    void selection() {
        Column id = col("id", TypeKind.INT32);
        List<TableSchema> catalog = List.of(table("sales", "orders", id), table("sales", "customers", id),
                table("sales", "tmp_import", id), table("sales", "tmpl", id), table("archive", "orders_2024_q1", id),
                table("archive", "orders_2024_q4", id), table("archive", "orders_2024_q5", id), table("archive", "orders_2023_q1", id));
        List<MappedTable> plan = TableMappings.load(DIR.resolve("selection.json")).plan(catalog);
        assertThat(plan).extracting(m -> m.source().id() + "=" + m.loadOrder()).containsExactly(
                "archive.orders_2024_q1=0", "archive.orders_2024_q4=0", "sales.customers=10", "sales.orders=0", "sales.tmpl=0");
    }

    @Test
    @DisplayName("when filters.json meets its tables, then the WHERE each full load reads is the one the page shows")
    void filters() throws Exception {
        List<TableSchema> catalog = List.of(
                table("sales", "orders", col("id", TypeKind.INT32), col("qty", TypeKind.INT32), col("region", TypeKind.VARCHAR),
                        col("placed", TypeKind.DATE)),
                table("support", "tickets", col("id", TypeKind.INT32), col("closed_at", TypeKind.TIMESTAMPTZ)));
        List<MappedTable> plan = TableMappings.load(DIR.resolve("filters.json")).plan(catalog);
        String page = Files.readString(DIR.resolve("../../table-mappings.md"));
        for (MappedTable m : plan) {
            String where = m.filter().condition(SourceFiltersTest.ANSI);
            assertThat(page).as("docs/table-mappings.md shows the WHERE of " + m.source().id()).contains(where);
        }
        assertThat(plan.get(0).filter().condition(SourceFiltersTest.ANSI)).isEqualTo(
                "((\"qty\" <= 10 OR \"qty\" BETWEEN 50 AND 75) AND (\"region\" = 'eu') AND (\"placed\" >= '2024-01-01'))");
    }

    @Test
    @DisplayName("when bad.json is loaded, then the problems are the ones the page shows")
    void errors() throws Exception {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> TableMappings.load(DIR.resolve("bad.json")));
        String page = Files.readString(DIR.resolve("../../table-mappings.md"));
        assertThat(e.problems()).hasSize(4);
        for (String p : e.problems()) {
            assertThat(page).contains(p);
        }
    }
}
