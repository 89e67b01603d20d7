package dev.ferry.core.task;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.spi.KeyBounds;
import dev.ferry.core.spi.KeyRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableSplitTest {

    static final TableId SALES = new TableId("HR", "SALES");

    static TableSchema sales(boolean regionNullable) {
        return new TableSchema(SALES, List.of(new Column("SALES_NO", LogicalType.of(TypeKind.INT32), false),
                new Column("REGION", LogicalType.varchar(10), regionNullable), new Column("AMOUNT", LogicalType.of(TypeKind.FLOAT64), false)),
                List.of("SALES_NO", "REGION"), 10_000_000);
    }

    static TableMappings guideRanges() {
        return TableMappings.load(Path.of("..").toAbsolutePath().normalize().resolve("docs/examples/table-settings/dms-ranges.json"));
    }

    @Test
    @DisplayName("when the guide's ranges example plans HR.SALES, then two boundaries make three segments, open below and above")
    void guideRangesMakeThreeSegments() {
        TableSplit split = TableSplit.plan(sales(false), guideRanges().tableSettings(SALES), null, 8, 1000);
        List<String> cols = List.of("SALES_NO", "REGION");
        assertThat(split.ranges()).containsExactly(
                new KeyRange(cols, null, List.of(1000L, "NORTH"), null),
                new KeyRange(cols, List.of(1000L, "NORTH"), List.of(3000L, "WEST"), null),
                new KeyRange(cols, List.of(3000L, "WEST"), null, null));
        // the guide's segment 1: ((SALES_NO < 1000) OR ((SALES_NO = 1000) AND (REGION < 'NORTH')))
        assertThat(split.ranges().get(0).condition(c -> c, t -> "'" + t + "'", "true"))
                .isEqualTo("SALES_NO <= 1000 AND ((SALES_NO < 1000) OR ((SALES_NO = 1000) AND (REGION < 'NORTH')))");
        assertThat(split.ranges().get(2).condition(c -> c, t -> "'" + t + "'", "true"))
                .isEqualTo("SALES_NO >= 3000 AND NOT ((SALES_NO < 3000) OR ((SALES_NO = 3000) AND (REGION < 'WEST')))");
    }

    @Test
    @DisplayName("when a range column allows NULL, then the plan is refused: such rows would be in no range")
    void nullableColumnRefused() {
        assertThatThrownBy(() -> TableSplit.plan(sales(true), guideRanges().tableSettings(SALES), null, 8, 1000))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("table mappings: table-settings rule 2, parallel-load ranges of table HR.SALES: column REGION of HR.SALES allows NULL, "
                        + "and a row with NULL there is in no range (DMS does not replicate such rows); use NOT NULL columns, such "
                        + "as the primary key [SALES_NO, REGION]");
    }

    @Test
    @DisplayName("when boundaries are not numbers for an integer column, or do not increase, or name a missing or float column, then each is said")
    void badBoundaries() {
        String json = "{\"rules\": [{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-action\": \"include\", \"object-locator\": "
                + "{\"schema-name\": \"%\", \"table-name\": \"%\"}}, {\"rule-type\": \"table-settings\", \"rule-id\": \"2\", "
                + "\"object-locator\": {\"schema-name\": \"HR\", \"table-name\": \"SALES\"}, \"parallel-load\": {\"type\": \"ranges\", "
                + "\"columns\": [\"sales_no\"], \"boundaries\": [[\"500\"], [\"x\"], [\"600\"], [\"100\"]]}}, "
                + "{\"rule-type\": \"table-settings\", \"rule-id\": \"3\", \"object-locator\": {\"schema-name\": \"HR\", \"table-name\": "
                + "\"OTHER\"}, \"parallel-load\": {\"type\": \"ranges\", \"columns\": [\"AMOUNT\", \"NOPE\"], \"boundaries\": [[1, 2]]}}]}";
        TableMappings m = TableMappings.parse(json, "m.json");
        ConfigurationException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> TableSplit.plan(sales(false), m.tableSettings(SALES), null, 8, 1000), ConfigurationException.class);
        // the column matched in another case: DMS JSON written for Oracle names columns in upper case
        String rule2 = "table-settings rule 2, parallel-load ranges of table HR.SALES: ";
        assertThat(e.problems()).containsExactly(
                rule2 + "boundaries[1][0] 'x' is not a number, as column SALES_NO is INT32",
                rule2 + "boundaries[3] [100] is not above boundaries[2] [600]: each boundary is the upper bound of one more segment");
        TableSchema other = sales(false).withId(new TableId("HR", "OTHER"));
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> TableSplit.plan(other, m.tableSettings(other.id()), null, 8, 1000), ConfigurationException.class).problems())
                .containsExactly("table-settings rule 3, parallel-load ranges of table HR.OTHER: column AMOUNT of HR.OTHER is FLOAT64, which cannot bound ranges (DMS refuses DOUBLE, FLOAT and LOB "
                                + "columns too)",
                        "table-settings rule 3, parallel-load ranges of table HR.OTHER: table HR.OTHER has no column NOPE (its columns: [SALES_NO, REGION, AMOUNT])");
    }

    @Test
    @DisplayName("when a table has no rule and is small, has a composite key, or automatic splits are off, then it loads whole without asking the source")
    void automaticNotApplicable() {
        TableSchema small = new TableSchema(new TableId("s", "t"), List.of(new Column("id", LogicalType.of(TypeKind.INT64), false)),
                List.of("id"), 1999);
        assertThat(TableSplit.plan(small, Optional.empty(), null, 8, 1000).ranges()).isEmpty();
        assertThat(TableSplit.plan(sales(false), Optional.empty(), null, 8, 1000).ranges()).isEmpty();
        assertThat(TableSplit.plan(small, Optional.empty(), null, 8, 0).ranges()).isEmpty();
        assertThat(TableSplit.plan(small, Optional.empty(), null, 1, 10).ranges()).isEmpty();
    }

    @Test
    @DisplayName("when the key's bounds are cut, then the spans are equal, fewer when there are fewer values, and extremes do not overflow")
    void cuts() {
        assertThat(TableSplit.cuts(new KeyBounds(1, 100), 4)).containsExactly(26L, 51L, 76L);
        assertThat(TableSplit.cuts(new KeyBounds(0, 2), 8)).containsExactly(1L, 2L);
        assertThat(TableSplit.cuts(new KeyBounds(5, 5), 8)).isEmpty();
        assertThat(TableSplit.cuts(new KeyBounds(Long.MIN_VALUE, Long.MAX_VALUE), 2)).containsExactly(0L);
        assertThat(TableSplit.cuts(new KeyBounds(-10, 9), 2)).isEqualTo(Arrays.asList(0L));
    }
}
