package dev.ferry.sqlserver;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnTest {

    @Test
    void parsesDebeziumTextAndPrintsItBack() {
        Lsn lsn = Lsn.parse("0000002a:00000c38:0003");
        assertThat(lsn.bytes()).containsExactly(0, 0, 0, 0x2a, 0, 0, 0x0c, 0x38, 0, 3);
        assertThat(lsn).hasToString("0000002a:00000c38:0003");
        assertThat(lsn.sqlLiteral()).isEqualTo("0x0000002A00000C380003");
    }

    @Test
    void parsesHexWithAndWithoutPrefix() {
        assertThat(Lsn.parse("0x0000002A00000C380003")).isEqualTo(Lsn.parse("0000002a:00000c38:0003"));
        assertThat(Lsn.parse("0000002a00000c380003")).isEqualTo(Lsn.parse("0000002a:00000c38:0003"));
        assertThat(Lsn.parse("0x0000002A00000C380003").hashCode()).isEqualTo(Lsn.parse("0000002a:00000c38:0003").hashCode());
    }

    @Test
    @DisplayName("when LSNs differ in any group, then they order as unsigned big-endian numbers")
    void ordersUnsigned() {
        List<Lsn> sorted = List.of(
                Lsn.parse("00000000:00000000:0000"),
                Lsn.parse("00000000:00000000:0001"),
                Lsn.parse("00000000:00000000:ffff"),
                Lsn.parse("00000000:00000001:0000"),
                Lsn.parse("00000000:7fffffff:0000"),
                Lsn.parse("00000000:80000000:0000"),
                Lsn.parse("00000001:00000000:0000"),
                Lsn.parse("ffffffff:ffffffff:ffff"));
        List<Lsn> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new java.util.Random(7));
        Collections.sort(shuffled);
        assertThat(shuffled).containsExactlyElementsOf(sorted);
        assertThat(Lsn.parse("00000000:80000000:0000")).isGreaterThan(Lsn.parse("00000000:7fffffff:ffff"));
    }

    @Test
    void refusesMalformedText() {
        assertThatThrownBy(() -> Lsn.parse("2a:c38:3")).hasMessageContaining("'2a:c38:3' is not an LSN");
        assertThatThrownBy(() -> Lsn.parse("0x00")).hasMessageContaining("expected 20 hex digits");
        assertThatThrownBy(() -> Lsn.parse("0000002g:00000c38:0003")).hasMessageContaining("is not an LSN");
        assertThatThrownBy(() -> new Lsn(new byte[9])).hasMessageContaining("an LSN has 10 bytes, was 9");
    }

    @Test
    void isImmutable() {
        byte[] given = java.util.HexFormat.of().parseHex("00000001000000020003");
        Lsn lsn = new Lsn(given);
        given[0] = 9;
        lsn.bytes()[1] = 9;
        assertThat(lsn).isEqualTo(Lsn.parse("00000001:00000002:0003"));
        assertThat(lsn.toString()).isEqualTo("00000001:00000002:0003");
    }
}
