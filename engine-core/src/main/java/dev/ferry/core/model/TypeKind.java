package dev.ferry.core.model;

/**
 * The neutral logical types every source maps onto and every target maps from.
 * The Java class each kind travels as in a row is fixed, so that encoders need no checks:
 * <pre>
 * BOOLEAN Boolean      INT16 Short         INT32 Integer      INT64 Long
 * DECIMAL BigDecimal   FLOAT32 Float       FLOAT64 Double
 * CHAR, VARCHAR, TEXT, JSON, XML String    BYTES byte[]       UUID java.util.UUID
 * DATE LocalDate       TIME LocalTime      TIMETZ OffsetTime
 * TIMESTAMP LocalDateTime                  TIMESTAMPTZ Instant
 * INTERVAL {@link Interval}
 * </pre>
 * Infinite dates and timestamps (where the source has them) travel as the MIN/MAX constants of
 * their class: {@code LocalDate.MIN/MAX}, {@code LocalDateTime.MIN/MAX}, {@code Instant.MIN/MAX}.
 */
public enum TypeKind {
    BOOLEAN, INT16, INT32, INT64, DECIMAL, FLOAT32, FLOAT64,
    CHAR, VARCHAR, TEXT, BYTES,
    DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ,
    UUID, JSON, XML, INTERVAL
}
