package dev.ferry.core.task;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HeldChangesTest {

    private static final TableId LOADING = new TableId("s", "added");
    private static final TableId OTHER = new TableId("s", "old");

    @Test
    @DisplayName("when changes of loading and other tables arrive, then only the loading table's are held, in commit order")
    void holdsOnlyLoadingTables() {
        HeldChanges held = new HeldChanges(Set.of(LOADING), 100, 1 << 20);
        ChangeEvent first = new ChangeEvent.Insert(LOADING, new Object[]{1L, "a"});
        ChangeEvent other = new ChangeEvent.Insert(OTHER, new Object[]{1L, "b"});
        ChangeEvent second = new ChangeEvent.Delete(LOADING, new Object[]{1L, "a"});
        assertThat(held.hold(first)).isTrue();
        assertThat(held.hold(other)).isFalse();
        assertThat(held.hold(second)).isTrue();
        assertThat(held.changes()).containsExactly(first, second);
        assertThat(held.size()).isEqualTo(2);
        assertThat(held.tables()).containsExactly(LOADING);
    }

    @Test
    @DisplayName("when the held changes reach the most changes, then the holder is full")
    void fullByCount() {
        HeldChanges held = new HeldChanges(Set.of(LOADING), 2, 1 << 20);
        held.hold(new ChangeEvent.Insert(LOADING, new Object[]{1L, "a"}));
        assertThat(held.full()).isFalse();
        held.hold(new ChangeEvent.Truncate(LOADING));
        assertThat(held.full()).isTrue();
    }

    @Test
    @DisplayName("when the held changes reach the most bytes, then the holder is full before the most changes")
    void fullByBytes() {
        HeldChanges held = new HeldChanges(Set.of(LOADING), 1000, 10_000);
        String wide = "x".repeat(4_000);
        held.hold(new ChangeEvent.Update(LOADING, new Object[]{1L, wide}, new Object[]{1L, wide}));
        assertThat(held.full()).isFalse();
        held.hold(new ChangeEvent.Insert(LOADING, new Object[]{2L, wide}));
        assertThat(held.full()).isTrue();
        assertThat(held.size()).isEqualTo(2);
    }
}
