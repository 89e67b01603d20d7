package dev.ferry.core.spi;

import dev.ferry.core.spi.Assessment.Finding;
import dev.ferry.core.spi.Assessment.Status;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AssessmentTest {

    @Test
    @DisplayName("when findings fail, then the refusal lists each with its fix, in the order found, and nothing else")
    void failureMessage() {
        Assessment a = new Assessment(List.of(
                new Finding(Status.PASS, "database shop", "CDC enabled", "yes", ""),
                new Finding(Status.FAIL, "dbo.orders", "primary key", "none", "add one"),
                new Finding(Status.WARN, "dbo.orders.at", "type", "truncated", "accept it"),
                new Finding(Status.FAIL, "database shop", "SQL Server Agent", "not running", "")));
        assertThat(a.failureMessage()).isEqualTo("dbo.orders: none; fix: add one; database shop: not running");
        assertThat(new Assessment(List.of(new Finding(Status.WARN, "t", "c", "d", "f"))).failureMessage()).isNull();
    }
}
