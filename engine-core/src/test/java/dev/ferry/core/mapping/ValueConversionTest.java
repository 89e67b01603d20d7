package dev.ferry.core.mapping;

import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TypeKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValueConversionTest {

    static Object convert(LogicalType from, LogicalType to, Object v) {
        ValueConversion c = ValueConversion.between(from, to);
        return c == null ? v : c.convert(v);
    }

    static final LogicalType TEXT = LogicalType.of(TypeKind.TEXT);

    @Test
    @DisplayName("when a value fits the new type exactly, then it converts; the same or a wider type needs no conversion")
    void fits() {
        assertThat(convert(LogicalType.of(TypeKind.INT64), LogicalType.of(TypeKind.INT16), 300L)).isEqualTo((short) 300);
        assertThat(convert(LogicalType.decimal(10, 2), LogicalType.decimal(6, 3), new BigDecimal("12.50")))
                .isEqualTo(new BigDecimal("12.500"));
        assertThat(convert(TEXT, LogicalType.of(TypeKind.BOOLEAN), "t")).isEqualTo(true);
        assertThat(convert(LogicalType.of(TypeKind.INT32), LogicalType.of(TypeKind.BOOLEAN), 0)).isEqualTo(false);
        assertThat(convert(TEXT, LogicalType.of(TypeKind.DATE), "2024:02:29")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(convert(TEXT, LogicalType.temporal(TypeKind.TIMESTAMP, 6), "2024-02-29 10:11:12.5"))
                .isEqualTo(LocalDateTime.of(2024, 2, 29, 10, 11, 12, 500_000_000));
        assertThat(convert(TEXT, LogicalType.temporal(TypeKind.TIME, -1), "10:11:12")).isEqualTo(LocalTime.of(10, 11, 12));
        assertThat(convert(LogicalType.of(TypeKind.TIMESTAMPTZ), LogicalType.temporal(TypeKind.TIMESTAMP, 6),
                Instant.parse("2024-01-01T05:00:00Z"))).isEqualTo(LocalDateTime.of(2024, 1, 1, 5, 0));
        assertThat(convert(LogicalType.of(TypeKind.UUID), LogicalType.varchar(36), UUID.fromString("00000000-0000-0000-0000-000000000001")))
                .isEqualTo("00000000-0000-0000-0000-000000000001");
        assertThat(convert(LogicalType.temporal(TypeKind.TIMESTAMP, 6), TEXT, LocalDateTime.of(2024, 1, 2, 3, 4, 5)))
                .isEqualTo("2024-01-02 03:04:05");
        assertThat(ValueConversion.between(LogicalType.varchar(10), LogicalType.varchar(20))).isNull();
        assertThat(ValueConversion.between(LogicalType.decimal(10, 2), LogicalType.decimal(12, 2))).isNull();
    }

    @Test
    @DisplayName("when a value does not fit, then it is refused saying why, never rounded, cut or wrapped")
    void doesNotFit() {
        assertThatThrownBy(() -> convert(LogicalType.of(TypeKind.INT64), LogicalType.of(TypeKind.INT16), 70000L))
                .hasMessage("out of the range of int2 (smallint) (-32768..32767)");
        assertThatThrownBy(() -> convert(LogicalType.decimal(10, 3), LogicalType.decimal(10, 2), new BigDecimal("1.005")))
                .hasMessage("has more than 2 digits after the point, which decimal(10,2) would round away");
        assertThatThrownBy(() -> convert(LogicalType.decimal(10, 2), LogicalType.decimal(4, 2), new BigDecimal("123.00")))
                .hasMessage("has more than 2 digits before the point, which decimal(4,2) cannot hold");
        assertThatThrownBy(() -> convert(TEXT, LogicalType.varchar(3), "abcd"))
                .hasMessage("is 4 characters long, more than the 3 of varchar(3)");
        assertThatThrownBy(() -> convert(LogicalType.of(TypeKind.TIMESTAMP), LogicalType.of(TypeKind.DATE),
                LocalDateTime.of(2024, 1, 1, 10, 0))).hasMessage("has a time of day, which a date cannot keep");
        assertThatThrownBy(() -> convert(TEXT, LogicalType.of(TypeKind.INT32), "12x")).hasMessage("not a number");
        assertThatThrownBy(() -> convert(TEXT, LogicalType.of(TypeKind.DATE), "29.02.2024"))
                .hasMessage("not a date (YYYY-MM-DD or YYYY:MM:DD)");
        assertThatThrownBy(() -> convert(LogicalType.of(TypeKind.FLOAT64), LogicalType.of(TypeKind.INT32), 1.5))
                .hasMessage("has a fraction, which int4 (integer) cannot keep");
        assertThatThrownBy(() -> convert(LogicalType.of(TypeKind.INT32), LogicalType.of(TypeKind.BOOLEAN), 2))
                .hasMessage("only 0 and 1 convert to a boolean");
    }

    @Test
    @DisplayName("when two kinds have no meaningful conversion, then it is refused at plan time")
    void unsupported() {
        assertThatThrownBy(() -> ValueConversion.between(LogicalType.of(TypeKind.BYTES), LogicalType.of(TypeKind.INT32)))
                .hasMessage("values of type bytes do not convert to int32");
        assertThat(ValueConversion.supported(TypeKind.TIMESTAMP, TypeKind.TIME)).isFalse();
        assertThat(ValueConversion.supported(TypeKind.INTERVAL, TypeKind.TEXT)).isFalse();
    }
}
