package dev.ferry.postgres.source;

import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.postgresql.core.Oid;
import org.postgresql.jdbc.PgArray;

import java.sql.Types;
import java.util.Properties;
import java.util.Set;

/**
 * Hands array columns (domains over arrays included) and bit strings to Ferry as the text PostgreSQL
 * sent for them, the type's own output: exactly what the full load reads through {@code format('%s')}.
 * <p>
 * Debezium's own array conversion cannot give that text back: it converts each element as it would
 * a column (booleans become {@code true}, dates day numbers, numerics structs, timestamps ISO strings
 * in UTC), drops whole columns of some element types (interval, xml, money) and loses dimensions and
 * lower bounds; bit strings become bytes or a boolean. pgoutput sends every value as text, and the
 * connector wraps an array's text unchanged in a pgjdbc {@link PgArray} (AbstractColumnValue.asArray),
 * whose {@code toString()} is that text, and passes a bit string's text as it came
 * (ReplicationMessageColumnValueResolver).
 * <p>
 * The same holds for the extension types in {@link #BY_NAME}: the connector passes their text as it
 * came (ReplicationMessageColumnValueResolver: {@code value.asString()}) and only its own converter
 * would turn it into JSON (hstore), a struct (PostGIS) or a list of numbers (pgvector). Their OIDs
 * differ from database to database, so they are known by the type's name, which a domain over one
 * hides: {@link PgAssessment} refuses such domains, and the types whose text the connector parses
 * before any converter sees it (money, the geometric types).
 * <p>
 * Debezium instantiates this class by name (the {@code converters} setting of {@link PgChangeStream}),
 * so it must be public with a public no-argument constructor. Stateless and thread safe.
 */
public final class RawTextColumns implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** Extension types whose text the connector hands over untouched, by {@code pg_type.typname}. */
    static final Set<String> BY_NAME = Set.of("hstore", "geometry", "geography", "vector", "halfvec", "sparsevec");

    @Override
    public void configure(Properties props) {
        // nothing to configure
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        // The connector gives every column the JDBC type and OID of its root type: a domain over an array is an ARRAY.
        if (column.jdbcType() == Types.ARRAY || column.nativeType() == Oid.BIT || column.nativeType() == Oid.VARBIT
                || (column.typeName() != null && BY_NAME.contains(column.typeName()))) {
            registration.register(SchemaBuilder.string().optional(), value -> text(column, value));
        }
    }

    static String text(RelationalColumn column, Object value) {
        if (value == null) {
            return null;
        }
        if (UnchangedToastedReplicationMessageColumn.isUnchangedToastedValue(value)) {
            return DebeziumRecords.UNCHANGED_PLACEHOLDER;
        }
        if (value instanceof PgArray || value instanceof String) {
            return value.toString();
        }
        throw new IllegalArgumentException("column " + column.dataCollection() + "." + column.name() + " of type "
                + column.typeName() + " arrived as " + value.getClass().getName() + ", not as the text PostgreSQL sent");
    }
}
