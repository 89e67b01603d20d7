package dev.ferry.sqlserver;

import dev.ferry.core.mapping.FilterDialect;
import dev.ferry.core.model.Column;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * Source filters in T-SQL, written so that SQL Server decides exactly as the in-memory filter does
 * in CDC:
 * <ul>
 * <li>values are Unicode literals cast to the column's own type ({@code CAST(N'2002-01-01' AS date)});
 *     a {@code datetime}/{@code smalldatetime} column's value is cast to that type, not to
 *     {@code datetime2}, whose comparison with {@code datetime} converts the column's 1/300 s
 *     ticks into other values since SQL Server 2016;</li>
 * <li>text compares under a binary collation ({@code Latin1_General_100_BIN2}), whatever the
 *     column's collation: a case- or accent-insensitive collation would let {@code 'ABC' = 'abc'}
 *     pass the full load while CDC, comparing Java strings, would not. Plain {@code =} also ignores
 *     trailing spaces; for variable-length text a {@code '|'} appended to both sides makes them
 *     count, as in Java; fixed-length {@code char}/{@code nchar} values are padded on both paths and
 *     compare without them.</li>
 * </ul>
 */
final class SqlServerFilterSql implements FilterDialect {

    static final SqlServerFilterSql INSTANCE = new SqlServerFilterSql();

    private static final String BINARY = " COLLATE Latin1_General_100_BIN2";
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSS", Locale.ROOT);
    private static final java.util.Set<String> TEXT_TYPES = java.util.Set.of("char", "varchar", "nchar", "nvarchar", "text",
            "ntext", "sysname");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSS xxx", Locale.ROOT);

    private SqlServerFilterSql() {
    }

    @Override
    public String identifier(String name) {
        return SqlServerIdentifiers.quote(name);
    }

    @Override
    public String literal(Object value, Column column) {
        dev.ferry.core.model.TypeKind kind = column.type().kind();
        if ((kind == dev.ferry.core.model.TypeKind.TIME || kind == dev.ferry.core.model.TypeKind.TIMESTAMP
                || kind == dev.ferry.core.model.TypeKind.TIMESTAMPTZ) && column.type().precision() > 6
                && !isDatetime(baseType(column))) {
            // CDC carries these values to the microsecond, SQL Server compares them to 100 ns: the two would disagree
            throw new dev.ferry.core.ConfigurationException("a source filter on column " + column.name() + " ("
                    + column.nativeType() + ") is refused: its values have 7 fractional digits, which SQL Server compares and "
                    + "Ferry's CDC carries to the microsecond, so the full load and CDC could decide a row differently; filter "
                    + "on a column of scale 6 or less (e.g. datetime2(6)) or on another column");
        }
        return switch (kind) {
            case BOOLEAN -> ((Boolean) value) ? "1" : "0";
            case INT16, INT32, INT64 -> value.toString();
            case DECIMAL -> ((BigDecimal) value).toPlainString();
            case FLOAT32 -> cast(value.toString(), "real");
            case FLOAT64 -> cast(value.toString(), "float");
            case DATE -> cast(((LocalDate) value).toString(), "date");
            case TIME -> cast(TIME.format((LocalTime) value), "time(7)");
            case TIMESTAMP -> {
                String type = baseType(column);
                LocalDateTime t = (LocalDateTime) value;
                String text = DATE_TIME.format(t);
                if (isDatetime(type) && (t.getNano() != 0 || (type.equals("smalldatetime") && t.getSecond() != 0))) {
                    // SQL Server rounds such a value to its grid (1/300 s, a minute), the CDC side would not
                    throw new dev.ferry.core.ConfigurationException("source filter value " + t + " on " + type + " column "
                            + column.name() + " is refused: SQL Server rounds it to " + (type.equals("datetime")
                            ? "1/300 of a second" : "the minute") + ", so the full load and CDC would decide rows at the "
                            + "boundary differently; use a value in whole " + (type.equals("datetime") ? "seconds" : "minutes"));
                }
                if (isDatetime(type)) {
                    // these take at most three fractional digits
                    yield cast(text.substring(0, text.length() - 4), type);
                }
                yield cast(text, "datetime2(7)");
            }
            case TIMESTAMPTZ -> cast(OFFSET.format(((Instant) value).atOffset(ZoneOffset.UTC)), "datetimeoffset(7)");
            case UUID -> cast(((UUID) value).toString(), "uniqueidentifier");
            default -> SqlServerIdentifiers.literal(value.toString());
        };
    }

    private static String cast(String text, String type) {
        return "CAST(" + SqlServerIdentifiers.literal(text) + " AS " + type + ")";
    }

    @Override
    public String textEquals(String column, String value, Column c, boolean negated) {
        String op = negated ? " <> " : " = ";
        if (c.type().kind() == dev.ferry.core.model.TypeKind.CHAR) {
            return column + BINARY + op + SqlServerIdentifiers.literal(value);
        }
        String type = baseType(c);
        if (!TEXT_TYPES.contains(type)) {
            throw new dev.ferry.core.ConfigurationException("a source filter comparing column " + c.name() + " ("
                    + c.nativeType() + ") as text is refused: Ferry moves this type as a computed text form that SQL Server "
                    + "cannot compare in the full load's query; filter on a column of a character type");
        }
        // the legacy text/ntext types take no '+': read them as nvarchar(max)
        String col = type.equals("text") || type.equals("ntext") ? "CAST(" + column + " AS nvarchar(max))" : column;
        return "(" + col + " + N'|')" + BINARY + op + SqlServerIdentifiers.literal(value + "|");
    }

    /** The column's base type name, lower case: {@code datetime} for {@code datetime}, an alias {@code MyDate (datetime)}. */
    static String baseType(Column column) {
        String type = column.nativeType().toLowerCase(Locale.ROOT).trim();
        java.util.regex.Matcher alias = java.util.regex.Pattern.compile(".* \\(([a-z0-9_]+)\\)$").matcher(type);
        if (alias.matches()) {
            return alias.group(1);
        }
        int paren = type.indexOf('(');
        return paren < 0 ? type : type.substring(0, paren);
    }

    private static boolean isDatetime(String baseType) {
        return baseType.equals("datetime") || baseType.equals("smalldatetime");
    }
}
