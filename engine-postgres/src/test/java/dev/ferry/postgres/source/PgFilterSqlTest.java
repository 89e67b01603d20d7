package dev.ferry.postgres.source;

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

/** The WHERE a filtered PostgreSQL full load reads; SourceFiltersIT runs it on a real server. */
class PgFilterSqlTest {

    static final TableSchema T = new TableSchema(new TableId("public", "t"), List.of(
            new Column("id", LogicalType.of(TypeKind.INT64), false),
            new Column("Region", LogicalType.of(TypeKind.TEXT), true),
            new Column("price", LogicalType.of(TypeKind.FLOAT32), true),
            new Column("at", LogicalType.of(TypeKind.TIMESTAMPTZ), true)), List.of("id"));

    static SourceFilter filter(String filters) {
        String json = "{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-name\": \"t\", \"rule-action\": \"include\","
                + " \"object-locator\": {\"schema-name\": \"public\", \"table-name\": \"t\"}, \"filters\": [" + filters + "]}]}";
        return TableMappings.parse(json, "m.json").plan(List.of(T)).get(0).filter();
    }

    @Test
    @DisplayName("when a filter is pushed down, then names are quoted and values are literals cast to the column's type")
    void where() {
        SourceFilter f = filter("{\"filter-type\": \"source\", \"column-name\": \"Region\", \"filter-conditions\": ["
                + "{\"filter-operator\": \"eq\", \"value\": \"it's\"}, {\"filter-operator\": \"null\"}]},"
                + "{\"filter-type\": \"source\", \"column-name\": \"price\", \"filter-conditions\": ["
                + "{\"filter-operator\": \"between\", \"start-value\": \"1.1\", \"end-value\": \"2\"}]},"
                + "{\"filter-type\": \"source\", \"column-name\": \"at\", \"filter-conditions\": ["
                + "{\"filter-operator\": \"gte\", \"value\": \"2020-01-01\"}]}");
        assertThat(PostgresSource.where(null, f)).isEqualTo(" WHERE ((\"Region\" = 'it''s' OR \"Region\" IS NULL)"
                + " AND (\"price\" BETWEEN '1.1'::real AND '2.0'::real) AND (\"at\" >= '2020-01-01T00:00:00Z'::timestamptz))");
        assertThat(PostgresSource.where(new KeyRange("id", 1L, 100L), filter("{\"filter-type\": \"source\", \"column-name\": \"id\","
                + " \"filter-conditions\": [{\"filter-operator\": \"noteq\", \"value\": \"7\"}]}")))
                .isEqualTo(" WHERE \"id\" >= 1 AND \"id\" < 100 AND (((\"id\" <> '7'::bigint)))");
        assertThat(PostgresSource.where(null, SourceFilter.NONE)).isEmpty();
    }
}
