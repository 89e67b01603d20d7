package dev.ferry.core.task;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import dev.ferry.core.spi.ChangeBatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetChangeReducerTest {
    static final TableId KEYED = new TableId("s", "keyed");
    static final TableId KEYLESS = new TableId("s", "keyless");
    static final TableSchema KEYED_SCHEMA = new TableSchema(KEYED, List.of(
            new Column("id", LogicalType.of(TypeKind.INT64), false),
            new Column("v", LogicalType.of(TypeKind.TEXT), true),
            new Column("big", LogicalType.of(TypeKind.TEXT), true)), List.of("id"));
    static final TableSchema KEYLESS_SCHEMA = new TableSchema(KEYLESS, List.of(
            new Column("a", LogicalType.of(TypeKind.INT32), true)), List.of());

    private final NetChangeReducer reducer = new NetChangeReducer(Map.of(KEYED, KEYED_SCHEMA, KEYLESS, KEYLESS_SCHEMA));

    private ChangeBatch.TableChanges only() {
        ChangeBatch batch = reducer.toBatch();
        assertThat(batch.tables()).hasSize(1);
        return batch.tables().get(0);
    }

    @Test
    @DisplayName("when a key is inserted then updated twice, then one upsert of the last image remains")
    void lastImageWins() {
        reducer.add(new ChangeEvent.Insert(KEYED, new Object[]{1L, "a", "x"}));
        reducer.add(new ChangeEvent.Update(KEYED, null, new Object[]{1L, "b", "x"}));
        reducer.add(new ChangeEvent.Update(KEYED, null, new Object[]{1L, "c", "y"}));
        ChangeBatch.TableChanges t = only();
        assertThat(t.upserts()).hasSize(1);
        assertThat(t.upserts().get(0)).containsExactly(1L, "c", "y");
        assertThat(t.deletes()).isEmpty();
        assertThat(reducer.counts().get(KEYED).inserts).isEqualTo(1);
        assertThat(reducer.counts().get(KEYED).updates).isEqualTo(2);
    }

    @Test
    @DisplayName("when a key is inserted then deleted, then only the delete remains (a no-op on the target)")
    void deleteRemovesPendingUpsert() {
        reducer.add(new ChangeEvent.Insert(KEYED, new Object[]{1L, "a", "x"}));
        reducer.add(new ChangeEvent.Delete(KEYED, new Object[]{1L, null, null}));
        ChangeBatch.TableChanges t = only();
        assertThat(t.upserts()).isEmpty();
        assertThat(t.deletes()).hasSize(1);
    }

    @Test
    @DisplayName("when a key is deleted then inserted again, then the upsert wins and no delete is left")
    void reinsertAfterDelete() {
        reducer.add(new ChangeEvent.Delete(KEYED, new Object[]{1L, null, null}));
        reducer.add(new ChangeEvent.Insert(KEYED, new Object[]{1L, "again", null}));
        ChangeBatch.TableChanges t = only();
        assertThat(t.deletes()).isEmpty();
        assertThat(t.upserts()).hasSize(1);
    }

    @Test
    @DisplayName("when an update changes the key, then the old key is deleted and the new one upserted")
    void keyChange() {
        reducer.add(new ChangeEvent.Insert(KEYED, new Object[]{1L, "a", "x"}));
        reducer.add(new ChangeEvent.Update(KEYED, new Object[]{1L, null, null}, new Object[]{2L, "a", "x"}));
        ChangeBatch.TableChanges t = only();
        assertThat(t.deletes()).extracting(r -> r[0]).containsExactly(1L);
        assertThat(t.upserts()).extracting(r -> r[0]).containsExactly(2L);
    }

    @Test
    @DisplayName("when an update leaves a value unchanged after a pending upsert, then the pending value fills it in")
    void unchangedValuesMerge() {
        reducer.add(new ChangeEvent.Insert(KEYED, new Object[]{1L, "a", "huge"}));
        reducer.add(new ChangeEvent.Update(KEYED, null, new Object[]{1L, "b", Unchanged.VALUE}));
        assertThat(only().upserts().get(0)).containsExactly(1L, "b", "huge");
    }

    @Test
    @DisplayName("when an update leaves a value unchanged with nothing pending, then the marker reaches the target")
    void unchangedValuesPassThrough() {
        reducer.add(new ChangeEvent.Update(KEYED, null, new Object[]{1L, "b", Unchanged.VALUE}));
        assertThat(only().upserts().get(0)[2]).isSameAs(Unchanged.VALUE);
    }

    @Test
    @DisplayName("when byte[] keys are equal by content, then they are the same key")
    void arrayKeysCompareByContent() {
        TableId id = new TableId("s", "bin");
        TableSchema schema = new TableSchema(id, List.of(new Column("k", LogicalType.of(TypeKind.BYTES), false)), List.of("k"));
        NetChangeReducer r = new NetChangeReducer(Map.of(id, schema));
        r.add(new ChangeEvent.Insert(id, new Object[]{new byte[]{1, 2}}));
        r.add(new ChangeEvent.Delete(id, new Object[]{new byte[]{1, 2}}));
        assertThat(r.toBatch().tables().get(0).upserts()).isEmpty();
    }

    @Test
    @DisplayName("when a table is truncated, then earlier changes are dropped and the truncate comes first")
    void truncate() {
        reducer.add(new ChangeEvent.Insert(KEYED, new Object[]{1L, "a", "x"}));
        reducer.add(new ChangeEvent.Truncate(KEYED));
        reducer.add(new ChangeEvent.Insert(KEYED, new Object[]{2L, "b", "y"}));
        ChangeBatch.TableChanges t = only();
        assertThat(t.truncateFirst()).isTrue();
        assertThat(t.upserts()).extracting(r -> r[0]).containsExactly(2L);
    }

    @Test
    @DisplayName("when a table has no key, then every event is kept in order")
    void keylessKeepsOrder() {
        reducer.add(new ChangeEvent.Insert(KEYLESS, new Object[]{1}));
        reducer.add(new ChangeEvent.Insert(KEYLESS, new Object[]{1}));
        reducer.add(new ChangeEvent.Delete(KEYLESS, new Object[]{1}));
        ChangeBatch.TableChanges t = only();
        assertThat(t.ordered()).hasSize(3);
        assertThat(t.ordered().get(2)).isInstanceOf(ChangeEvent.Delete.class);
        assertThat(t.upserts()).isEmpty();
    }

    @Test
    @DisplayName("when a keyed table's emails are swapped through a temporary value, then the net change keeps the last "
            + "images and the ordered changes keep every step, since the last truncate")
    void keyedTableKeepsItsOrderToo() {
        ChangeEvent before = new ChangeEvent.Insert(KEYED, new Object[]{9L, "gone", null});
        ChangeEvent toTmp = new ChangeEvent.Update(KEYED, null, new Object[]{1L, "tmp", Unchanged.VALUE});
        ChangeEvent twoToA = new ChangeEvent.Update(KEYED, null, new Object[]{2L, "a", Unchanged.VALUE});
        ChangeEvent oneToB = new ChangeEvent.Update(KEYED, null, new Object[]{1L, "b", Unchanged.VALUE});
        ChangeEvent move = new ChangeEvent.Update(KEYED, new Object[]{2L, "a", "x"}, new Object[]{3L, "a", "x"});
        ChangeEvent delete = new ChangeEvent.Delete(KEYED, new Object[]{3L, null, null});
        reducer.add(before);
        reducer.add(new ChangeEvent.Truncate(KEYED));
        for (ChangeEvent e : List.of(toTmp, twoToA, oneToB, move, delete)) {
            reducer.add(e);
        }
        ChangeBatch.TableChanges t = only();
        assertThat(t.truncateFirst()).isTrue();
        assertThat(t.ordered()).containsExactly(toTmp, twoToA, oneToB, move, delete);
        assertThat(t.upserts()).extracting(r -> r[1]).containsExactly("b");
        assertThat(t.deletes()).extracting(r -> r[0]).containsExactlyInAnyOrder(2L, 3L);
        assertThat(t.size()).as("the rows the net change touches").isEqualTo(3);
    }

    @Test
    void changeOfAnUnknownTableIsAnError() {
        assertThatThrownBy(() -> reducer.add(new ChangeEvent.Insert(new TableId("x", "y"), new Object[]{1})))
                .hasMessageContaining("x.y");
    }
}
