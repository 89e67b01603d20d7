package dev.ferry.cli;

import dev.ferry.core.model.TableId;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TableStats;
import dev.ferry.core.task.TaskState;
import dev.ferry.core.task.TaskStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatsTableTest {

    private static TaskStatus status(long truncations) {
        TableStats t = new TableStats(new TableId("public", "docs"), TableState.TABLE_COMPLETED, 10, 10, 1, 2, 3, 0,
                Instant.EPOCH, Instant.EPOCH, null, truncations);
        return new TaskStatus("t", TaskState.RUNNING, "cdc", List.of(t), "", 0, 1, Instant.EPOCH, null);
    }

    @Test
    @DisplayName("when limited LOB mode cut values, then the summary shows a lob truncations column; else the usual columns")
    void lobTruncationsColumn() {
        assertThat(StatsTable.render(status(4), null, null)).isEqualTo("""
                table        state            full load rows  inserts  updates  deletes  ddls  lob truncations
                -----------  ---------------  --------------  -------  -------  -------  ----  ---------------
                public.docs  Table completed              10        1        2        3     0                4
                """);
        assertThat(StatsTable.render(status(0), null, null)).doesNotContain("lob truncations");
    }
}
