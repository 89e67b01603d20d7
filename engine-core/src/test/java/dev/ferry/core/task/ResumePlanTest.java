package dev.ferry.core.task;

import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.ferry.core.task.FerryTaskTest.table;
import static org.assertj.core.api.Assertions.assertThat;

class ResumePlanTest {

    private static final TableSchema A = table("a");
    private static final TableSchema B = table("b");
    private static final TableSchema C = table("c");

    private static Set<TableId> ids(TableSchema... tables) {
        return FerryTaskTest.ids(tables);
    }

    @Test
    @DisplayName("when the selection is what was loaded, then every table keeps its CDC and none loads")
    void sameSelection() {
        ResumePlan plan = ResumePlan.of(List.of(A, B), ids(A, B));
        assertThat(plan.keep()).containsExactly(A, B);
        assertThat(plan.load()).isEmpty();
        assertThat(plan.dropped()).isEmpty();
        assertThat(plan.loadedKnown()).isTrue();
    }

    @Test
    @DisplayName("when a table is selected that was never loaded, then it alone loads and the others keep their CDC")
    void grownSelection() {
        ResumePlan plan = ResumePlan.of(List.of(A, B, C), ids(A, C));
        assertThat(plan.load()).containsExactly(B);
        assertThat(plan.keep()).containsExactly(A, C);
        assertThat(plan.keptIds()).containsExactly(A.id(), C.id());
        assertThat(plan.dropped()).isEmpty();
    }

    @Test
    @DisplayName("when a loaded table is no longer selected, then it is dropped and the kept set no longer holds it")
    void shrunkSelection() {
        ResumePlan plan = ResumePlan.of(List.of(A), ids(A, B));
        assertThat(plan.keep()).containsExactly(A);
        assertThat(plan.load()).isEmpty();
        assertThat(plan.dropped()).containsExactly(B.id());
        assertThat(plan.keptIds()).containsExactly(A.id());
    }

    @Test
    @DisplayName("when a dropped table is selected again, then the next resume loads it again")
    void droppedThenSelectedAgain() {
        // the first resume without b: the checkpoints it commits list only what it keeps
        Set<TableId> afterShrink = ResumePlan.of(List.of(A), ids(A, B)).keptIds();
        ResumePlan plan = ResumePlan.of(List.of(A, B), afterShrink);
        assertThat(plan.load()).containsExactly(B);
        assertThat(plan.keep()).containsExactly(A);
    }

    @Test
    @DisplayName("when tables are swapped, then the new one loads and the old one is dropped")
    void swappedSelection() {
        ResumePlan plan = ResumePlan.of(List.of(A, C), ids(A, B));
        assertThat(plan.load()).containsExactly(C);
        assertThat(plan.keep()).containsExactly(A);
        assertThat(plan.dropped()).containsExactly(B.id());
    }

    @Test
    @DisplayName("when the checkpoint does not list its loaded tables, then every selected table is taken as loaded, "
            + "as the versions that wrote such checkpoints did")
    void checkpointWithoutLoadedTables() {
        ResumePlan plan = ResumePlan.of(List.of(A, B), null);
        assertThat(plan.keep()).containsExactly(A, B);
        assertThat(plan.load()).isEmpty();
        assertThat(plan.dropped()).isEmpty();
        assertThat(plan.loadedKnown()).isFalse();
    }

    @Test
    void nothingSelectedWasLoaded() {
        ResumePlan plan = ResumePlan.of(List.of(A, B), Set.of());
        assertThat(plan.load()).containsExactly(A, B);
        assertThat(plan.keep()).isEmpty();
    }
}
