package dev.ferry.sqlserver;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import io.debezium.time.ZonedTimestamp;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Properties;

/**
 * Converts SQL Server {@code datetimeoffset} columns in Debezium's SQL Server connector, in place
 * of its own conversion, to the ISO-8601 text of the exact value with its offset
 * ({@code 1969-12-31T23:59:59.5Z}, the schema of {@link ZonedTimestamp}). Registered by
 * {@link SqlServerCdcStream} through the connector's {@code converters} setting; Debezium
 * instantiates it by name, hence public.
 *
 * <p>Why: the connector's conversion ({@code SqlServerValueConverters.convertTimestampWithZone})
 * divides the driver's UTC milliseconds by 1000 towards zero, which puts a value before 1970 with
 * a fractional second one second late, and takes those milliseconds, which the driver computed
 * in the Julian/Gregorian hybrid calendar, for proleptic ones, which moves values before 1583 by
 * days. {@link SqlServerValues#offsetDateTime} reads the driver's object exactly; the only values
 * it cannot tell apart (UTC dates 1582-10-05 to 1582-10-24) are read again by {@link SqlServerRecords}.
 */
public final class DateTimeOffsetConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** The connector's {@code converters} name Ferry registers this class under. */
    static final String NAME = "ferry_datetimeoffset";

    @Override
    public void configure(Properties props) {
        // nothing to configure
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (column.jdbcType() == microsoft.sql.Types.DATETIMEOFFSET || "datetimeoffset".equalsIgnoreCase(column.typeName())) {
            registration.register(ZonedTimestamp.builder(), DateTimeOffsetConverter::convert);
        }
    }

    /** The ISO-8601 text of a value as the driver returns it (or as Debezium parsed a column default); null stays null. */
    @SuppressWarnings("deprecation")
    static String convert(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof microsoft.sql.DateTimeOffset dto) {
            return SqlServerValues.offsetDateTime(dto).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        if (v instanceof OffsetDateTime odt) {
            return odt.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        if (v instanceof String s) {
            return s;
        }
        // Debezium keeps only the cause of a failed conversion: say what arrived there
        IllegalArgumentException what = new IllegalArgumentException("a datetimeoffset arrived as " + v.getClass().getName() + ": " + v);
        throw new IllegalArgumentException(what.getMessage(), what);
    }
}
