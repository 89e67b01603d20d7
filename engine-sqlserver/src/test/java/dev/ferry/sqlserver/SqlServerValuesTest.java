package dev.ferry.sqlserver;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlServerValuesTest {

    @Test
    @DisplayName("when a uniqueidentifier is read as bytes, then its first three groups are byte-swapped")
    void uniqueidentifierByteOrder() {
        // SELECT CAST(CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) AS binary(16))
        byte[] stored = HexFormat.of().parseHex("FF19966F868B11D0B42D00C04FC964FF");
        UUID u = SqlServerValues.uuid(stored);
        assertThat(u).isEqualTo(UUID.fromString("6F9619FF-8B86-D011-B42D-00C04FC964FF"));
        assertThat(SqlServerValues.bytes(u)).isEqualTo(stored);
        UUID random = UUID.randomUUID();
        assertThat(SqlServerValues.uuid(SqlServerValues.bytes(random))).isEqualTo(random);
        assertThatThrownBy(() -> SqlServerValues.uuid(new byte[15])).hasMessage("a uniqueidentifier has 16 bytes, was 15");
    }

    @Test
    @DisplayName("when datetime2(7) holds its largest value, then the 100 ns digit is truncated, never rounded into the next day")
    void datetime2Max() {
        LocalDateTime max = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_900);
        assertThat(SqlServerValues.micros(max)).isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(SqlServerValues.micros(LocalDateTime.of(1, 1, 1, 0, 0))).isEqualTo(LocalDateTime.of(1, 1, 1, 0, 0));
        assertThat(SqlServerValues.micros(LocalTime.of(23, 59, 59, 999_999_900))).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
        assertThat(SqlServerValues.micros(LocalDateTime.of(2024, 2, 29, 12, 0, 0, 123_456_700)).getNano()).isEqualTo(123_456_000);
    }

    @Test
    @DisplayName("when datetimeoffset is at the extreme offsets, then the instant is exact")
    void datetimeoffsetExtremes() {
        assertThat(SqlServerValues.instant(OffsetDateTime.parse("2024-01-01T00:00:00.1234567+14:00")))
                .isEqualTo(Instant.parse("2023-12-31T10:00:00.123456Z"));
        assertThat(SqlServerValues.instant(OffsetDateTime.parse("2024-01-01T00:00:00-14:00")))
                .isEqualTo(Instant.parse("2024-01-01T14:00:00Z"));
        assertThat(SqlServerValues.instant(OffsetDateTime.parse("0001-01-01T00:00:00+14:00")))
                .isEqualTo(Instant.parse("0000-12-31T10:00:00Z"));
        assertThat(SqlServerValues.instant(OffsetDateTime.parse("9999-12-31T23:59:59.9999999-14:00")))
                .isEqualTo(Instant.parse("+10000-01-01T13:59:59.999999Z"));
    }

    @Test
    @DisplayName("when the full load reads a datetimeoffset, then its UTC form read by the driver gives the exact instant")
    void datetimeoffsetThroughItsUtcForm() {
        assertThat(SqlServerValues.driverClass(SqlServerTypes.Read.DATETIMEOFFSET)).isEqualTo(LocalDateTime.class);
        for (String v : new String[]{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00.1234567Z", "1500-03-01T00:30:00Z",
                "1582-10-10T12:00:00Z", "1969-12-31T23:59:59.5Z", "9999-12-31T23:59:59.9999999Z"}) {
            Instant stored = Instant.parse(v);
            LocalDateTime utc = DriverValues.localDateTime(LocalDateTime.ofInstant(stored, ZoneOffset.UTC));
            assertThat(SqlServerValues.temporal(SqlServerTypes.Read.DATETIMEOFFSET, utc)).as(v)
                    .isEqualTo(stored.truncatedTo(ChronoUnit.MICROS));
        }
    }

    @Test
    @DisplayName("when the driver's datetimeoffset object is read, then it is exact where the driver's own getOffsetDateTime is not")
    void datetimeoffsetObjectOfTheDriver() {
        for (String v : new String[]{"1969-12-31T23:59:59.5Z", "1969-12-31T20:59:59.1234567-03:00", "0001-01-01T00:00:00.1234567Z",
                "0001-01-01T14:00:00+14:00", "1500-02-28T23:30:00-01:00", "1500-03-01T00:30:00+01:00", "1582-10-04T21:00:00-02:00",
                "1582-10-15T00:00:00Z", "1583-01-01T00:00:00Z", "2024-03-10T02:30:00-05:00",
                "9999-12-31T23:59:59.9999999+14:00", "9999-12-31T09:59:59.9999999-14:00"}) {
            OffsetDateTime stored = OffsetDateTime.parse(v);
            OffsetDateTime read = SqlServerValues.offsetDateTime(DriverValues.datetimeoffset(stored));
            assertThat(read).as(v).isEqualTo(stored);
            assertThat(SqlServerValues.mayBeShiftedByTheDriver(read.toInstant())).as(v)
                    .isEqualTo(v.startsWith("1582-10-15"));
        }
        // what the driver itself makes of a local date next to a Julian-only leap day (1500-02-29)
        assertThatThrownBy(() -> DriverValues.datetimeoffset(OffsetDateTime.parse("1500-02-28T23:30:00-01:00")).getOffsetDateTime())
                .hasMessageContaining("'February 29' as '1500' is not a leap year");
        // the days java.util's calendar does not have come back 10 days later, like the days they are made into
        OffsetDateTime skipped = SqlServerValues.offsetDateTime(DriverValues.datetimeoffset(OffsetDateTime.parse("1582-10-10T12:00:00Z")));
        assertThat(skipped).isEqualTo(OffsetDateTime.parse("1582-10-20T12:00:00Z"));
        assertThat(SqlServerValues.mayBeShiftedByTheDriver(skipped.toInstant())).isTrue();
        assertThat(SqlServerValues.mayBeShiftedByTheDriver(Instant.parse("1582-10-25T00:00:00Z"))).isFalse();
        assertThat(SqlServerValues.mayBeShiftedByTheDriver(Instant.parse("1582-10-14T23:59:59Z"))).isFalse();
    }

    @Test
    void moneyKeepsFourPlacesAndItsSign() {
        assertThat(SqlServerValues.money(new BigDecimal("-922337203685477.5808"))).isEqualTo(new BigDecimal("-922337203685477.5808"));
        assertThat(SqlServerValues.money(new BigDecimal("-214748.3648"))).hasToString("-214748.3648");
        assertThat(SqlServerValues.money(new BigDecimal("-1.5"))).hasToString("-1.5000");
        assertThat(SqlServerValues.money(new BigDecimal("922337203685477.5807")).scale()).isEqualTo(4);
        assertThatThrownBy(() -> SqlServerValues.money(new BigDecimal("1.00001"))).isInstanceOf(ArithmeticException.class);
    }
}
