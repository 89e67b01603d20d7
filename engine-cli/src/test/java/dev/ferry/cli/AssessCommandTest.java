package dev.ferry.cli;

import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.Assessment.Finding;
import dev.ferry.core.spi.Assessment.Status;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AssessCommandTest {

    @Test
    void rendersAnAlignedTableWithFixesUnderTheirFindings() {
        Assessment a = new Assessment(List.of(
                new Finding(Status.PASS, "database shop", "recovery model", "FULL", ""),
                new Finding(Status.FAIL, "dbo.orders", "CDC enabled", "the table has no capture instance",
                        "ferry prepare-source TASK.yaml --cdc")));
        assertThat(AssessCommand.render(a).lines()).containsExactly(
                "STATUS SUBJECT        CHECK           DETAIL",
                "PASS   database shop  recovery model  FULL",
                "FAIL   dbo.orders     CDC enabled     the table has no capture instance",
                "                                      fix: ferry prepare-source TASK.yaml --cdc");
        assertThat(a.worst()).isEqualTo(Status.FAIL);
        assertThat(a.count(Status.PASS)).isEqualTo(1);
    }
}
