package dev.ferry.postgres.target;

import dev.ferry.core.Endpoints;
import dev.ferry.core.TargetException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import dev.ferry.core.spi.BulkWriter;
import dev.ferry.core.spi.ChangeApplier;
import dev.ferry.core.spi.Checkpoint;
import dev.ferry.core.spi.Target;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.core.task.NetChangeReducer;
import dev.ferry.postgres.PgTestServer;
import dev.ferry.postgres.Tables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The target's apply path on real PostgreSQL, fed directly (no source involved). */
class PgChangeApplierIT {
    static PgTestServer server;
    static final TableId KEYED = new TableId("app", "docs");
    static final TableId KEYLESS = new TableId("app", "log");
    static final TableSchema KEYED_SCHEMA = new TableSchema(KEYED, List.of(
            new Column("id", LogicalType.of(TypeKind.INT64), false),
            new Column("title", LogicalType.varchar(20), true),
            new Column("body", LogicalType.of(TypeKind.TEXT), true)), List.of("id"));
    static final TableSchema KEYLESS_SCHEMA = new TableSchema(KEYLESS, List.of(
            new Column("n", LogicalType.of(TypeKind.INT32), true),
            new Column("s", LogicalType.of(TypeKind.TEXT), true)), List.of());

    @BeforeAll
    static void start() throws Exception {
        server = new PgTestServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static void apply(ChangeApplier applier, String position, ChangeEvent... events) {
        NetChangeReducer reducer = new NetChangeReducer(Map.of(KEYED, KEYED_SCHEMA, KEYLESS, KEYLESS_SCHEMA));
        for (ChangeEvent e : events) {
            reducer.add(e);
        }
        applier.apply(reducer.toBatch(), new Checkpoint(Checkpoint.Phase.CDC, position));
    }

    @Test
    @DisplayName("when changes are applied, then upserts, deletes, unchanged values, keyless rows and the checkpoint all land in one commit")
    void appliesNetChanges() throws Exception {
        String db = server.newDatabase("apply");
        String big = "x".repeat(1_000_000);
        try (Target target = Endpoints.target(server.endpoint(db))) {
            target.prepareControlTables("t", "ctl");
            target.prepareTable(KEYED_SCHEMA, TargetTablePrepMode.DROP_AND_CREATE);
            target.prepareTable(KEYLESS_SCHEMA, TargetTablePrepMode.DROP_AND_CREATE);
            try (BulkWriter w = target.openBulkWriter(KEYED_SCHEMA)) {
                w.write(new Object[]{1L, "one", big});
                w.write(new Object[]{2L, "two", "b2"});
                assertThat(w.finish()).isEqualTo(2);
            }
            try (ChangeApplier applier = target.openChangeApplier("t", List.of(KEYED_SCHEMA, KEYLESS_SCHEMA))) {
                apply(applier, "p1",
                        new ChangeEvent.Update(KEYED, null, new Object[]{1L, "uno", Unchanged.VALUE}),
                        new ChangeEvent.Delete(KEYED, new Object[]{2L, null, null}),
                        new ChangeEvent.Insert(KEYED, new Object[]{3L, "three", "b3"}),
                        new ChangeEvent.Insert(KEYED, new Object[]{3L, "three", "b3"}), // replayed insert: an upsert
                        new ChangeEvent.Delete(KEYED, new Object[]{99L, null, null}),    // missing row: a no-op
                        new ChangeEvent.Insert(KEYLESS, new Object[]{7, "same"}),
                        new ChangeEvent.Insert(KEYLESS, new Object[]{7, "same"}),
                        new ChangeEvent.Insert(KEYLESS, new Object[]{null, null}),
                        new ChangeEvent.Delete(KEYLESS, new Object[]{7, "same"}),
                        new ChangeEvent.Update(KEYLESS, new Object[]{null, null}, new Object[]{8, "was null"}));
                assertThat(target.readCheckpoint("t")).contains(new Checkpoint(Checkpoint.Phase.CDC, "p1"));
            }
        }
        try (Connection c = server.connect(db)) {
            assertThat(Tables.rows(c, "(SELECT id, title, length(body), body = repeat('x', 1000000) FROM app.docs)"))
                    .containsExactly("(1,uno,1000000,t)", "(3,three,2,f)");
            assertThat(Tables.rows(c, "app.log")).containsExactly("(7,same)", "(8,\"was null\")");
        }
    }

    @Test
    @DisplayName("when one table of a batch fails, then nothing of the batch and not its checkpoint is committed")
    void batchIsAtomic() throws Exception {
        String db = server.newDatabase("atomic");
        try (Target target = Endpoints.target(server.endpoint(db))) {
            target.prepareControlTables("t", "ctl");
            target.prepareTable(KEYED_SCHEMA, TargetTablePrepMode.DROP_AND_CREATE);
            target.prepareTable(KEYLESS_SCHEMA, TargetTablePrepMode.DROP_AND_CREATE);
            try (ChangeApplier applier = target.openChangeApplier("t", List.of(KEYED_SCHEMA, KEYLESS_SCHEMA))) {
                apply(applier, "p1", new ChangeEvent.Insert(KEYLESS, new Object[]{1, "kept"}));
                assertThatThrownBy(() -> apply(applier, "p2",
                        new ChangeEvent.Insert(KEYLESS, new Object[]{2, "rolled back"}),
                        new ChangeEvent.Insert(KEYED, new Object[]{5L, "a title far longer than twenty", "b"})))
                        .isInstanceOf(TargetException.class)
                        .hasMessageContaining("applying changes to app.docs failed")
                        .hasMessageContaining("value too long for type character varying(20)")
                        .hasMessageContaining("column title");
                // the applier is usable again after a failed batch
                apply(applier, "p3", new ChangeEvent.Insert(KEYED, new Object[]{6L, "fits", "b"}));
            }
            assertThat(target.readCheckpoint("t")).contains(new Checkpoint(Checkpoint.Phase.CDC, "p3"));
        }
        try (Connection c = server.connect(db)) {
            assertThat(Tables.rows(c, "app.log")).containsExactly("(1,kept)");
            assertThat(Tables.rows(c, "(SELECT id FROM app.docs)")).containsExactly("(6)");
        }
    }

    @Test
    @DisplayName("when the target has a unique index beside the key, then changes apply in source order and stay idempotent: "
            + "a swap through a temporary value, a replayed insert, an update or delete of a missing row, a key change, "
            + "an unchanged large value")
    void appliesInSourceOrderUnderAUniqueIndex() throws Exception {
        String db = server.newDatabase("ordered");
        String big = "y".repeat(500_000);
        try (Target target = Endpoints.target(server.endpoint(db))) {
            target.prepareControlTables("t", "ctl");
            target.prepareTable(KEYED_SCHEMA, TargetTablePrepMode.DROP_AND_CREATE);
            try (BulkWriter w = target.openBulkWriter(KEYED_SCHEMA)) {
                w.write(new Object[]{1L, "one", big});
                w.write(new Object[]{2L, "two", "b2"});
                assertThat(w.finish()).isEqualTo(2);
            }
            try (Connection c = server.connect(db)) {
                Tables.exec(c, "CREATE UNIQUE INDEX docs_title ON app.docs (title)");
            }
            try (ChangeApplier applier = target.openChangeApplier("t", List.of(KEYED_SCHEMA))) {
                apply(applier, "p1",
                        new ChangeEvent.Update(KEYED, null, new Object[]{1L, "tmp", Unchanged.VALUE}),
                        new ChangeEvent.Update(KEYED, null, new Object[]{2L, "one", Unchanged.VALUE}),
                        new ChangeEvent.Update(KEYED, null, new Object[]{1L, "two", Unchanged.VALUE}),
                        new ChangeEvent.Insert(KEYED, new Object[]{3L, "three", "b3"}),
                        new ChangeEvent.Insert(KEYED, new Object[]{3L, "three", "b3"}),  // replayed insert: an upsert
                        new ChangeEvent.Update(KEYED, null, new Object[]{4L, "four", "b4"}), // missing row: an upsert
                        new ChangeEvent.Delete(KEYED, new Object[]{99L, null, null}),     // missing row: a no-op
                        // the key changes and the title goes with the row: the old key leaves first
                        new ChangeEvent.Update(KEYED, new Object[]{3L, "three", "b3"}, new Object[]{5L, "three", "b3"}),
                        // a large value kept from a row the target lacks: not written, as on the net path
                        new ChangeEvent.Update(KEYED, null, new Object[]{98L, "ghost", Unchanged.VALUE}));
                assertThat(target.readCheckpoint("t")).contains(new Checkpoint(Checkpoint.Phase.CDC, "p1"));
            }
        }
        try (Connection c = server.connect(db)) {
            assertThat(Tables.rows(c, "(SELECT id, title, length(body), body = repeat('y', 500000) FROM app.docs)"))
                    .containsExactly("(1,two,500000,t)", "(2,one,2,f)", "(4,four,2,f)", "(5,three,2,f)");
        }
    }
}
