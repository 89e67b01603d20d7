package dev.ferry.sqlserver;

import dev.ferry.core.SourceException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.ferry.sqlserver.ChangeTrackingStream.Action.BOUND;
import static dev.ferry.sqlserver.ChangeTrackingStream.Action.CHANGES;
import static dev.ferry.sqlserver.ChangeTrackingStream.Action.VALIDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeTrackingStreamTest {

    static final TableId NODES = new TableId("dbo", "nodes");

    static ChangeTrackingStream.Step step(ChangeTrackingStream.Action action, int table) {
        return new ChangeTrackingStream.Step(action, table);
    }

    @Test
    @DisplayName("when a cycle runs, then each table's minimum valid version is checked after its changes are read, never before")
    void validatesEachTableAfterReadingIt() {
        assertThat(ChangeTrackingStream.cycle(0)).containsExactly(step(BOUND, -1));
        assertThat(ChangeTrackingStream.cycle(2)).containsExactly(step(BOUND, -1),
                step(CHANGES, 0), step(VALIDATE, 0), step(CHANGES, 1), step(VALIDATE, 1));
        List<ChangeTrackingStream.Step> steps = ChangeTrackingStream.cycle(5);
        for (int t = 0; t < 5; t++) {
            assertThat(steps.indexOf(step(VALIDATE, t))).as("table %s", t).isEqualTo(steps.indexOf(step(CHANGES, t)) + 1);
        }
    }

    @Test
    @DisplayName("when cleanup passed the applied version, then the stream stops asking for a reload; at the version it goes on")
    void expiredPosition() {
        assertThat(ChangeTrackingStream.invalidPosition("orders", NODES, 100, 100L)).isNull();
        assertThat(ChangeTrackingStream.invalidPosition("orders", NODES, 100, 0L)).isNull();
        SourceException expired = ChangeTrackingStream.invalidPosition("orders", NODES, 100, 101L);
        assertThat(expired).hasMessage("the Change Tracking position of task orders (version 100) has expired for table dbo.nodes: "
                + "SQL Server cleaned up changes up to version 101 before they were applied. Nothing was skipped; reload the task "
                + "(ferry run --reload), and keep CHANGE_RETENTION longer than the longest time the task may be stopped");
        assertThat(ChangeTrackingStream.invalidPosition("orders", NODES, 100, null)).hasMessage("Change Tracking is not enabled on "
                + "table dbo.nodes; enable it (ferry prepare-source TASK.yaml --change-tracking) and reload the task (ferry run --reload)");
    }

    /** dbo.nodes: a key of a hierarchyid and an int in second and fourth place, a shape, a name. */
    static SqlServerCatalog.Table nodes() {
        return SqlServerCatalog.assemble(
                List.of(new SqlServerCatalog.ObjectRow("dbo", "nodes", false, false, true, 0, false, false, 0)),
                List.of(new SqlServerCatalog.ColumnRow("dbo", "nodes", new NativeColumn("shape", "geometry", "geometry", -1, 0, 0,
                                true, false, false, false, false, 0)),
                        new SqlServerCatalog.ColumnRow("dbo", "nodes", new NativeColumn("path", "hierarchyid", "hierarchyid", 892, 0, 0,
                                false, false, false, false, false, 0)),
                        SqlServerCatalogTest.column("nodes", "name", "nvarchar", true),
                        SqlServerCatalogTest.column("nodes", "tenant", "int", false)),
                List.of(new SqlServerCatalog.KeyRow("dbo", "nodes", "PK_nodes", true, "tenant"),
                        new SqlServerCatalog.KeyRow("dbo", "nodes", "PK_nodes", true, "path"))).get(0);
    }

    @Test
    @DisplayName("when a Change Tracking reader is built, then each value is read where the query selected its expression")
    void readsWhereTheQuerySelects() {
        SqlServerCatalog.Table source = nodes();
        // the task's column order differs from the table's
        List<Column> columns = new ArrayList<>(source.schema().columns());
        java.util.Collections.reverse(columns);
        TableSchema task = new TableSchema(NODES, columns, source.schema().primaryKey());
        assertThat(task.primaryKey()).containsExactly("tenant", "path");

        ChangeTrackingStream.Reader reader = SqlServerSource.changeTrackingReader(source, task);
        SqlServerSql.ChangeQuery q = reader.query();
        assertThat(q.sql()).startsWith("SELECT " + String.join(", ", q.selected()) + " FROM CHANGETABLE(CHANGES [dbo].[nodes], ?) AS ct ");
        assertThat(q.selected().get(q.present() - 1)).isEqualTo("CAST(CASE WHEN t.[tenant] IS NULL THEN 0 ELSE 1 END AS bit)");
        for (int i = 0; i < task.columns().size(); i++) {
            SqlServerTypes.Mapping m = source.mappings().get(source.schema().columnIndex(task.columns().get(i).name()));
            assertThat(q.selected().get(q.values()[i] - 1)).as(task.columns().get(i).name()).isEqualTo(SqlServerSql.qualify("t", m.expression()));
            assertThat(reader.reads()[i]).as(task.columns().get(i).name()).isEqualTo(m.read());
        }
        for (int k = 0; k < task.primaryKey().size(); k++) {
            SqlServerTypes.Mapping m = source.mappings().get(source.schema().columnIndex(task.primaryKey().get(k)));
            assertThat(q.selected().get(q.keys()[k] - 1)).as(task.primaryKey().get(k)).isEqualTo(SqlServerSql.qualify("ct", m.expression()));
        }
        assertThat(q.selected().get(q.keys()[0] - 1)).isEqualTo("ct.[tenant]");
        assertThat(q.selected().get(q.keys()[1] - 1)).isEqualTo("CAST(ct.[path] AS nvarchar(4000))");
    }

    @Test
    @DisplayName("when a query and its readers disagree in count, then the reader is refused before any row is read")
    void refusesMismatchedReads() {
        SqlServerCatalog.Table source = nodes();
        SqlServerSql.ChangeQuery q = SqlServerSource.changeTrackingReader(source, source.schema()).query();
        assertThatThrownBy(() -> new ChangeTrackingStream.Reader(source.schema(), q, new SqlServerTypes.Read[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table dbo.nodes: the change query selects 4 column(s) and 2 key column(s) for 3 reader(s), 4 column(s) "
                        + "and 2 key column(s)");
    }

    @Test
    @DisplayName("when the row joined back to a changed key has that key only by SQL Server's collation, then it is not the same key")
    void keysCompareExactly() {
        int[] keys = {0, 2};
        assertThat(ChangeTrackingStream.sameKey(keys, new Object[]{"abc", "x", new byte[]{1, 2}}, new Object[]{"abc", "y", new byte[]{1, 2}}))
                .isTrue();
        assertThat(ChangeTrackingStream.sameKey(keys, new Object[]{"abc", "x", new byte[]{1, 2}}, new Object[]{"ABC", "x", new byte[]{1, 2}}))
                .isFalse();
        assertThat(ChangeTrackingStream.sameKey(keys, new Object[]{"abc", "x", new byte[]{1, 2}}, new Object[]{"abc", "x", new byte[]{1, 3}}))
                .isFalse();
        assertThat(ChangeTrackingStream.sameKey(keys, new Object[]{"abc ", null, null}, new Object[]{"abc", null, null})).isFalse();
    }
}
