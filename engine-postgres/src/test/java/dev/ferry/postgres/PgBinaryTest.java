package dev.ferry.postgres;

import dev.ferry.core.model.Interval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgBinaryTest {

    private static Object roundTrip(PgType type, Object value) {
        ByteSink sink = new ByteSink(16);
        PgBinary.encode(type, value, sink);
        int len = PgBinary.int4(sink.array(), 0);
        assertThat(len).isEqualTo(sink.length() - 4);
        return PgBinary.decode(type, sink.array(), 4, len);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.00", "1", "-1", "10000", "9999", "0.0001", "0.00001", "1234.5678", "-1234.56789",
            "99999999999999999999999999999999999999", "9999999999999999999999999999.9999999999",
            "-0.000000000000000000001", "123456789012345678901234567890.123456789012345678901234567890",
            "100000000", "0.5", "1E+5", "5E-7"})
    void numericRoundTripsExactlyWithItsScale(String text) {
        BigDecimal value = new BigDecimal(text);
        BigDecimal back = (BigDecimal) roundTrip(PgType.NUMERIC, value);
        BigDecimal expected = value.scale() < 0 ? value.setScale(0) : value;
        assertThat(back).isEqualTo(expected);
        assertThat(back.scale()).isEqualTo(expected.scale());
    }

    @Test
    void numericHasPostgresLayout() {
        // 1234.5678 is digits [1234, 5678], weight 0, dscale 4
        ByteSink sink = new ByteSink(16);
        PgBinary.encode(PgType.NUMERIC, new BigDecimal("1234.5678"), sink);
        byte[] b = sink.array();
        assertThat(PgBinary.int2(b, 4)).isEqualTo((short) 2);
        assertThat(PgBinary.int2(b, 6)).isEqualTo((short) 0);
        assertThat(PgBinary.int2(b, 8)).isEqualTo((short) 0);
        assertThat(PgBinary.int2(b, 10)).isEqualTo((short) 4);
        assertThat(PgBinary.int2(b, 12)).isEqualTo((short) 1234);
        assertThat(PgBinary.int2(b, 14)).isEqualTo((short) 5678);
    }

    @Test
    void temporalExtremesAndInfinities() {
        assertThat(roundTrip(PgType.TIMESTAMP, LocalDateTime.MAX)).isEqualTo(LocalDateTime.MAX);
        assertThat(roundTrip(PgType.TIMESTAMP, LocalDateTime.MIN)).isEqualTo(LocalDateTime.MIN);
        assertThat(roundTrip(PgType.TIMESTAMPTZ, Instant.MAX)).isEqualTo(Instant.MAX);
        assertThat(roundTrip(PgType.DATE, LocalDate.MIN)).isEqualTo(LocalDate.MIN);
        LocalDateTime old = LocalDateTime.of(-4712, 1, 1, 0, 0, 0, 1000);
        assertThat(roundTrip(PgType.TIMESTAMP, old)).isEqualTo(old);
        LocalDateTime late = LocalDateTime.of(294276, 12, 31, 23, 59, 59, 999_999_000);
        assertThat(roundTrip(PgType.TIMESTAMP, late)).isEqualTo(late);
        Instant before1970 = Instant.parse("1969-12-31T23:59:59.999999Z");
        assertThat(roundTrip(PgType.TIMESTAMPTZ, before1970)).isEqualTo(before1970);
        assertThat(roundTrip(PgType.TIME, LocalTime.of(23, 59, 59, 999_999_000))).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
        OffsetTime t = OffsetTime.of(10, 0, 0, 0, ZoneOffset.ofHoursMinutes(-14, -59));
        assertThat(roundTrip(PgType.TIMETZ, t)).isEqualTo(t);
    }

    @Test
    void otherTypes() {
        UUID u = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(roundTrip(PgType.UUID, u)).isEqualTo(u);
        assertThat(roundTrip(PgType.INTERVAL, new Interval(14, -3, -1))).isEqualTo(new Interval(14, -3, -1));
        assertThat(roundTrip(PgType.JSONB, "{\"a\": \"😀\"}")).isEqualTo("{\"a\": \"😀\"}");
        assertThat(roundTrip(PgType.TEXT, "żółć 𝄞")).isEqualTo("żółć 𝄞");
        assertThat(roundTrip(PgType.TEXT, "")).isEqualTo("");
        assertThat((byte[]) roundTrip(PgType.BYTEA, new byte[]{0, -1, 2})).containsExactly(0, -1, 2);
        assertThat(roundTrip(PgType.FLOAT8, Double.NaN)).isEqualTo(Double.NaN);
        assertThat(roundTrip(PgType.FLOAT4, -0.0f)).isEqualTo(-0.0f);
        assertThat(roundTrip(PgType.INT8, 7)).isEqualTo(7L);
        assertThat(roundTrip(PgType.TEXT, 42)).isEqualTo("42");
    }

    @Test
    void valuesThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> roundTrip(PgType.INT2, 40_000)).hasMessage("value 40000 does not fit smallint");
        assertThatThrownBy(() -> roundTrip(PgType.INT4, new BigDecimal("1.5"))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> roundTrip(PgType.NUMERIC, Double.NaN)).hasMessage("cannot write NaN as numeric");
    }

    @Test
    void textFormsParseBackInPostgres() {
        assertThat(PgText.format(LocalDate.of(-4712, 1, 1))).isEqualTo("4713-01-01 BC");
        assertThat(PgText.format(LocalDateTime.MAX)).isEqualTo("infinity");
        assertThat(PgText.format(Instant.parse("2024-01-01T00:00:00.000001Z"))).isEqualTo("2024-01-01 00:00:00.000001+00");
        assertThat(PgText.format(new byte[]{0x0f, (byte) 0xa0})).isEqualTo("\\x0fa0");
        assertThat(PgText.format(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(PgText.format(new Interval(1, 2, 3))).isEqualTo("1 mons 2 days 3 microseconds");
    }
}
