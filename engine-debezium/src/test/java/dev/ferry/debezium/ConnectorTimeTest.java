package dev.ferry.debezium;

import io.debezium.time.MicroTime;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.NanoTime;
import io.debezium.time.NanoTimestamp;
import io.debezium.time.Time;
import io.debezium.time.Timestamp;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.LocalTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Values made by Debezium's own time classes, read back exactly. */
class ConnectorTimeTest {

    @Test
    @DisplayName("when a timestamp is before 1970 with a fraction, then every unit reads back the same instant")
    void timestampsInEveryUnit() {
        LocalDateTime t = LocalDateTime.parse("1969-12-31T23:59:59.123456789");
        assertThat(ConnectorTime.timestamp(Timestamp.SCHEMA_NAME, Timestamp.toEpochMillis(t, null)))
                .isEqualTo(LocalDateTime.parse("1969-12-31T23:59:59.123"));
        assertThat(ConnectorTime.timestamp(MicroTimestamp.SCHEMA_NAME, MicroTimestamp.toEpochMicros(t, null)))
                .isEqualTo(LocalDateTime.parse("1969-12-31T23:59:59.123456"));
        assertThat(ConnectorTime.timestamp(NanoTimestamp.SCHEMA_NAME, NanoTimestamp.toEpochNanos(t, null))).isEqualTo(t);
        LocalDateTime old = LocalDateTime.parse("0001-01-01T00:00:00.000001");
        assertThat(ConnectorTime.timestamp(MicroTimestamp.SCHEMA_NAME, MicroTimestamp.toEpochMicros(old, null))).isEqualTo(old);
    }

    @Test
    void timesInEveryUnit() {
        LocalTime t = LocalTime.parse("23:59:59.999999999");
        assertThat(ConnectorTime.time(Time.SCHEMA_NAME, Time.toMilliOfDay(t, false))).isEqualTo(LocalTime.parse("23:59:59.999"));
        assertThat(ConnectorTime.time(MicroTime.SCHEMA_NAME, MicroTime.toMicroOfDay(t, false))).isEqualTo(LocalTime.parse("23:59:59.999999"));
        assertThat(ConnectorTime.time(NanoTime.SCHEMA_NAME, NanoTime.toNanoOfDay(t, false))).isEqualTo(t);
    }

    @Test
    @DisplayName("when a number's schema is no time representation, then it is refused, not guessed")
    void unknownSchemaIsRefused() {
        assertThatThrownBy(() -> ConnectorTime.timestamp(null, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one of Debezium's time representations");
    }
}
