package dev.ferry.postgres.source;

import dev.ferry.core.mapping.FilterDialect;
import dev.ferry.core.model.Column;
import dev.ferry.postgres.PgIdentifiers;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.UUID;

/**
 * Source filters in PostgreSQL's SQL: every value is a quoted literal cast to the column's type
 * ({@code '1.5'::real}), so that the server compares in that type exactly as the in-memory filter
 * compares the Java values (a plain {@code 1.1} against a {@code real} column would compare as
 * double precision and differ). Text compares with {@code =}, which is exact under PostgreSQL's
 * deterministic collations (the default; nondeterministic ICU collations are not supported for
 * filtered columns) and ignores trailing spaces for {@code char(n)}, as the in-memory filter does.
 */
final class PgFilterSql implements FilterDialect {

    static final PgFilterSql INSTANCE = new PgFilterSql();

    private PgFilterSql() {
    }

    @Override
    public String identifier(String name) {
        return PgIdentifiers.quote(name);
    }

    @Override
    public String literal(Object value, Column column) {
        String text = PgIdentifiers.literal(value.toString());
        return switch (column.type().kind()) {
            case BOOLEAN -> ((Boolean) value) ? "true" : "false";
            case INT16 -> text + "::smallint";
            case INT32 -> text + "::integer";
            case INT64 -> text + "::bigint";
            case DECIMAL -> PgIdentifiers.literal(((BigDecimal) value).toPlainString()) + "::numeric";
            case FLOAT32 -> text + "::real";
            case FLOAT64 -> text + "::double precision";
            case DATE -> PgIdentifiers.literal(((LocalDate) value).toString()) + "::date";
            case TIME -> PgIdentifiers.literal(((LocalTime) value).toString()) + "::time";
            case TIMESTAMP -> PgIdentifiers.literal(((LocalDateTime) value).toString()) + "::timestamp";
            case TIMESTAMPTZ -> PgIdentifiers.literal(((Instant) value).toString()) + "::timestamptz";
            case UUID -> PgIdentifiers.literal(((UUID) value).toString()) + "::uuid";
            default -> text; // text: an untyped literal takes the column's own type (text, varchar, bpchar)
        };
    }
}
