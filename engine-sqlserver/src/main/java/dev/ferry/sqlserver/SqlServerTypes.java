package dev.ferry.sqlserver;

import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TypeKind;

/**
 * How each SQL Server type maps onto the neutral types, how the full load reads it, and how
 * faithfully it can be carried. Pure: no connection, unit-tested type by type.
 *
 * <p>PostgreSQL keeps microseconds; SQL Server's 7th fractional digit (100 ns) of time(7),
 * datetime2(7) and datetimeoffset(7) is truncated (never rounded: rounding 23:59:59.9999999 would
 * change the day). datetimeoffset keeps its instant; its offset is not kept; it is read in its UTC
 * form ({@link #utc}), a datetime2, because the driver's own datetimeoffset objects go through
 * {@code java.util.GregorianCalendar} and are wrong for some dates before 1583 (see {@link
 * SqlServerValues#offsetDateTime}). These, and the types carried as text, are reported by the
 * assessment before anything moves. A key column that would lose its 7th digit is refused
 * ({@link #lossyKey}): two keys that differ only in it would become one row.
 */
final class SqlServerTypes {

    private SqlServerTypes() {
    }

    /** How a value is read from a result set by the bulk reader and the Change Tracking poller. */
    public enum Read {
        BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, DECIMAL, MONEY, REAL, FLOAT, STRING, BYTES, UUID,
        DATE, TIME, DATETIME, DATETIMEOFFSET
    }

    /** How faithfully a type is carried. */
    public enum Fidelity { EXACT, LOSSY, UNSUPPORTED }

    /**
     * The mapping of one column.
     *
     * @param type       the neutral type
     * @param read       how to read it
     * @param expression the SELECT expression for the column ({@code [c]} or a conversion to text)
     * @param fidelity   how faithfully it is carried
     * @param note       what is lost or why it cannot be carried; empty when exact
     * @param cdcCapable whether Debezium's SQL Server connector delivers it in a form Ferry converts
     */
    public record Mapping(LogicalType type, Read read, String expression, Fidelity fidelity, String note, boolean cdcCapable) {
    }

    /** Maps one catalog column. Never null: a type Ferry cannot carry maps with {@link Fidelity#UNSUPPORTED}. */
    public static Mapping map(NativeColumn c) {
        String q = SqlServerIdentifiers.quote(c.name());
        String t = c.typeName();
        int fraction = Math.min(c.scale(), 6);
        String subMicros = c.scale() == 7 ? "the 7th fractional second digit (100 ns) is truncated: PostgreSQL keeps microseconds" : "";
        Fidelity timeFidelity = c.scale() == 7 ? Fidelity.LOSSY : Fidelity.EXACT;
        return switch (t) {
            case "bit" -> exact(LogicalType.of(TypeKind.BOOLEAN), Read.BOOLEAN, q);
            case "tinyint" -> exact(LogicalType.of(TypeKind.INT16), Read.TINYINT, q);
            case "smallint" -> exact(LogicalType.of(TypeKind.INT16), Read.SMALLINT, q);
            case "int" -> exact(LogicalType.of(TypeKind.INT32), Read.INT, q);
            case "bigint" -> exact(LogicalType.of(TypeKind.INT64), Read.BIGINT, q);
            case "decimal", "numeric" -> exact(LogicalType.decimal(c.precision(), c.scale()), Read.DECIMAL, q);
            case "money" -> exact(LogicalType.decimal(19, 4), Read.MONEY, q);
            case "smallmoney" -> exact(LogicalType.decimal(10, 4), Read.MONEY, q);
            case "real" -> exact(LogicalType.of(TypeKind.FLOAT32), Read.REAL, q);
            case "float" -> exact(LogicalType.of(TypeKind.FLOAT64), Read.FLOAT, q);
            case "date" -> exact(LogicalType.of(TypeKind.DATE), Read.DATE, q);
            case "time" -> new Mapping(LogicalType.temporal(TypeKind.TIME, fraction), Read.TIME, q, timeFidelity, subMicros, true);
            case "datetime" -> exact(LogicalType.temporal(TypeKind.TIMESTAMP, 3), Read.DATETIME, q);
            case "smalldatetime" -> exact(LogicalType.temporal(TypeKind.TIMESTAMP, 0), Read.DATETIME, q);
            case "datetime2" -> new Mapping(LogicalType.temporal(TypeKind.TIMESTAMP, fraction), Read.DATETIME, q, timeFidelity, subMicros, true);
            case "datetimeoffset" -> new Mapping(LogicalType.temporal(TypeKind.TIMESTAMPTZ, fraction), Read.DATETIMEOFFSET, utc(q),
                    Fidelity.LOSSY, "the instant is kept, its UTC offset is not (timestamptz stores UTC)"
                            + (subMicros.isEmpty() ? "" : "; " + subMicros), true);
            case "char", "nchar" -> exact(LogicalType.chars(chars(c)), Read.STRING, q);
            case "varchar", "nvarchar" -> exact(c.maxLength() < 0 ? LogicalType.of(TypeKind.TEXT) : LogicalType.varchar(chars(c)),
                    Read.STRING, q);
            case "text", "ntext" -> exact(LogicalType.of(TypeKind.TEXT), Read.STRING, q);
            case "binary", "varbinary", "timestamp", "rowversion" -> exact(LogicalType.of(TypeKind.BYTES), Read.BYTES, q);
            case "image" -> exact(LogicalType.of(TypeKind.BYTES), Read.BYTES, q);
            case "uniqueidentifier" -> exact(LogicalType.of(TypeKind.UUID), Read.UUID, q);
            case "xml" -> exact(LogicalType.of(TypeKind.XML), Read.STRING, q);
            case "json" -> new Mapping(LogicalType.of(TypeKind.JSON), Read.STRING, q, Fidelity.EXACT,
                    "the json type of SQL Server 2025: Debezium 3.5 does not carry it through MS-CDC", false);
            case "hierarchyid" -> new Mapping(LogicalType.of(TypeKind.TEXT), Read.STRING, "CAST(" + q + " AS nvarchar(4000))",
                    Fidelity.LOSSY, "carried as its text form (/1/3/); hierarchyid::Parse turns it back", false);
            case "geometry", "geography" -> new Mapping(LogicalType.of(TypeKind.TEXT), Read.STRING,
                    "CASE WHEN " + q + " IS NULL THEN NULL ELSE 'SRID=' + CAST(" + q + ".STSrid AS varchar(11)) + ';' + "
                            + q + ".AsTextZM() END",
                    Fidelity.LOSSY, "carried as EWKT text (SRID=4326;POINT (...)), which PostGIS reads with ::geometry", false);
            case "sql_variant" -> new Mapping(LogicalType.of(TypeKind.TEXT), Read.STRING, sqlVariantText(q), Fidelity.LOSSY,
                    "carried as text: each value whole, in a form fixed by its base type (datetime as 2024-02-29 13:45:30.997, "
                            + "float to 17 digits, money to 4 places, binary as 0x hex); the base type itself is not kept", false);
            default -> new Mapping(LogicalType.of(TypeKind.TEXT), Read.STRING, q, Fidelity.UNSUPPORTED,
                    "type " + c.userType() + " (" + t + ") has no mapping; exclude the column's table or convert the column", false);
        };
    }

    /**
     * How each base type a {@code sql_variant} can hold becomes text, with {@code {v}} for the column.
     * A value is first converted to its base type (widened to 7 fractional digits for time, datetime2
     * and datetimeoffset, money for smallmoney), then to text with a style that keeps all of it:
     * <table>
     * <caption>the text form of a sql_variant value by base type</caption>
     * <tr><th>base type</th><th>style</th><th>text</th></tr>
     * <tr><td>bigint, int, smallint, tinyint, bit</td><td>-</td><td>{@code -42}; bit {@code 0} or {@code 1}</td></tr>
     * <tr><td>decimal(p,s), numeric(p,s)</td><td>-</td><td>{@code 12.3400}: all s decimals, never an exponent</td></tr>
     * <tr><td>money, smallmoney</td><td>2</td><td>{@code -0.0001}: four decimals, no thousands separators</td></tr>
     * <tr><td>float, real</td><td>3</td><td>17 significant digits: SQL Server guarantees a distinct string for each distinct
     * value (style 3 is SQL Server 2016+ and Azure SQL; earlier versions silently treat it as style 0, 6 digits, which
     * the assessment fails)</td></tr>
     * <tr><td>date</td><td>23</td><td>{@code 2024-02-29}</td></tr>
     * <tr><td>time</td><td>121</td><td>{@code 13:45:30.1234567}</td></tr>
     * <tr><td>datetime, smalldatetime</td><td>121</td><td>{@code 2024-02-29 13:45:30.997} (smalldatetime: {@code :00.000})</td></tr>
     * <tr><td>datetime2</td><td>121</td><td>{@code 2024-02-29 13:45:30.1234567}</td></tr>
     * <tr><td>datetimeoffset</td><td>121</td><td>{@code 2024-02-29 13:45:30.1234567 +05:30}: the offset is kept</td></tr>
     * <tr><td>char, varchar, nchar, nvarchar</td><td>-</td><td>the string itself (char and nchar with their trailing blanks;
     * up to 8000 characters, hence nvarchar(max))</td></tr>
     * <tr><td>binary, varbinary</td><td>1</td><td>{@code 0x0AFF}: upper-case hex of every byte</td></tr>
     * <tr><td>uniqueidentifier</td><td>-</td><td>{@code 6F9619FF-8B86-D011-B42D-00C04FC964FF}</td></tr>
     * </table>
     * The plain {@code CAST(v AS nvarchar(4000))} used before uses style 0, which prints datetime without seconds, float to 6
     * digits and money to 2 places, turns binary into UTF-16 characters, and cuts strings after 4000 characters.
     */
    private static final String[][] SQL_VARIANT_FORMS = {
            {"bigint", "CONVERT(nvarchar(max), {v})"},
            {"int", "CONVERT(nvarchar(max), {v})"},
            {"smallint", "CONVERT(nvarchar(max), {v})"},
            {"tinyint", "CONVERT(nvarchar(max), {v})"},
            {"bit", "CONVERT(nvarchar(max), {v})"},
            {"decimal", "CONVERT(nvarchar(max), {v})"},
            {"numeric", "CONVERT(nvarchar(max), {v})"},
            {"money", "CONVERT(nvarchar(max), CONVERT(money, {v}), 2)"},
            {"smallmoney", "CONVERT(nvarchar(max), CONVERT(money, {v}), 2)"},
            {"float", "CONVERT(nvarchar(max), CONVERT(float, {v}), 3)"},
            {"real", "CONVERT(nvarchar(max), CONVERT(real, {v}), 3)"},
            {"date", "CONVERT(nvarchar(max), CONVERT(date, {v}), 23)"},
            {"time", "CONVERT(nvarchar(max), CONVERT(time(7), {v}), 121)"},
            {"datetime", "CONVERT(nvarchar(max), CONVERT(datetime, {v}), 121)"},
            {"smalldatetime", "CONVERT(nvarchar(max), CONVERT(smalldatetime, {v}), 121)"},
            {"datetime2", "CONVERT(nvarchar(max), CONVERT(datetime2(7), {v}), 121)"},
            {"datetimeoffset", "CONVERT(nvarchar(max), CONVERT(datetimeoffset(7), {v}), 121)"},
            {"char", "CONVERT(nvarchar(max), {v})"},
            {"varchar", "CONVERT(nvarchar(max), {v})"},
            {"nchar", "CONVERT(nvarchar(max), {v})"},
            {"nvarchar", "CONVERT(nvarchar(max), {v})"},
            {"binary", "CONVERT(nvarchar(max), CONVERT(varchar(max), CONVERT(varbinary(8000), {v}), 1))"},
            {"varbinary", "CONVERT(nvarchar(max), CONVERT(varchar(max), CONVERT(varbinary(8000), {v}), 1))"},
            {"uniqueidentifier", "CONVERT(nvarchar(max), {v})"},
    };

    /**
     * The select expression reading sql_variant column {@code q} as text, one branch per base type
     * ({@link #SQL_VARIANT_FORMS}). A base type without a branch fails the read with a conversion
     * error naming it ("Conversion failed when converting the nvarchar value 'sql_variant base type
     * ... has no lossless text form in Ferry' to data type int"), rather than carrying a form nobody
     * checked; a NULL value has no base type and stays NULL.
     */
    static String sqlVariantText(String q) {
        String baseType = "SQL_VARIANT_PROPERTY(" + q + ", 'BaseType')";
        StringBuilder sb = new StringBuilder("CASE CAST(").append(baseType).append(" AS sysname)");
        for (String[] form : SQL_VARIANT_FORMS) {
            sb.append(" WHEN N'").append(form[0]).append("' THEN ").append(form[1].replace("{v}", q));
        }
        return sb.append(" ELSE CASE WHEN ").append(q).append(" IS NULL THEN NULL ELSE CONVERT(nvarchar(max), CONVERT(int, ")
                .append("N'sql_variant base type ' + CAST(").append(baseType)
                .append(" AS nvarchar(128)) + N' has no lossless text form in Ferry')) END END").toString();
    }

    /**
     * The UTC form of a datetimeoffset: the datetime2(7) of its UTC date and time, exact for every
     * value (SQL Server stores datetimeoffset as UTC, within 0001-01-01 to 9999-12-31, plus the offset;
     * a wider scale only appends zeros). {@link Read#DATETIMEOFFSET} reads this form.
     *
     * @param column a quoted column reference
     */
    static String utc(String column) {
        return "CAST(SWITCHOFFSET(" + column + ", '+00:00') AS datetime2(7))";
    }

    /**
     * Why a column cannot be part of a key, or null when it can: time(7), datetime2(7) and
     * datetimeoffset(7) are truncated to microseconds, so two source keys that differ only in the
     * 7th fractional digit would become one target row (a duplicate-key failure in the full load,
     * two rows merged into one by change capture).
     */
    static String lossyKey(NativeColumn c) {
        if (c.scale() != 7 || !(c.typeName().equals("time") || c.typeName().equals("datetime2")
                || c.typeName().equals("datetimeoffset"))) {
            return null;
        }
        return c.declaration() + " is part of the key, and PostgreSQL keeps microseconds: keys that differ only in the 7th "
                + "fractional digit would become one row";
    }

    /** What the user can do about {@link #lossyKey}. */
    static String lossyKeyFix(NativeColumn c) {
        return "change the column to " + c.typeName() + "(6) (SQL Server rounds the values, and refuses when that makes two keys "
                + "equal; drop and re-create the key around the change), or leave the table out";
    }

    private static Mapping exact(LogicalType type, Read read, String expression) {
        return new Mapping(type, read, expression, Fidelity.EXACT, "", true);
    }

    /** Characters of a char/varchar/nchar/nvarchar column (max_length is in bytes; 2 per nchar). */
    private static int chars(NativeColumn c) {
        return c.typeName().startsWith("n") ? c.maxLength() / 2 : c.maxLength();
    }
}
