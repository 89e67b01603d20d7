package dev.ferry.postgres;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.settings.TypeMappingProfile;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The column type a PostgreSQL target creates for a source column, per type-mapping profile
 * (docs/type-mapping.md has the whole table, which tests read):
 * <ul>
 * <li>{@link TypeMappingProfile#NATIVE}: {@link PgType#ddlType}, from the neutral type, which keeps
 * every value's type (uniqueidentifier → uuid, datetimeoffset → timestamptz).</li>
 * <li>{@link TypeMappingProfile#DMS}: what AWS DMS creates. From SQL Server, the user guide's two
 * tables composed: "Source data types for SQL Server" (SQL Server type → DMS type), then "Target data
 * types for PostgreSQL" (DMS type → PostgreSQL type). From PostgreSQL, the note of the target page:
 * "AWS DMS creates the target table with the same data types for all columns, apart from columns
 * with user-defined data types. In such cases, the data type is created as character varying".</li>
 * </ul>
 * Where DMS's type cannot be written by Ferry or DMS has none, the DMS profile keeps the native type;
 * each such case is listed in docs/type-mapping.md.
 */
public final class PgColumnTypes {

    public static final String SQLSERVER = "sqlserver";
    public static final String POSTGRES = "postgres";

    private PgColumnTypes() {
    }

    /** Refuses a profile this target cannot build for a source of {@code engine}. */
    public static void check(TypeMappingProfile profile, String engine) {
        if (profile == TypeMappingProfile.DMS && !SQLSERVER.equals(engine) && !POSTGRES.equals(engine)) {
            throw new ConfigurationException("FerrySettings.TypeMappingProfile dms: Ferry knows the types DMS creates for sources "
                    + "of type " + POSTGRES + " and " + SQLSERVER + ", not for '" + engine + "'; use native");
        }
    }

    /** The target type of {@code column} of a source of {@code engine} ({@code sqlserver}, {@code postgres}). */
    public static String ddl(Column column, TypeMappingProfile profile, String engine) {
        String nativeDdl = PgType.ddlType(column.type(), column.nativeType());
        if (profile != TypeMappingProfile.DMS) {
            return nativeDdl;
        }
        String dms = switch (engine) {
            case SQLSERVER -> fromSqlServer(column.nativeType(), column.type());
            case POSTGRES -> fromPostgres(column.nativeType(), column.type());
            default -> null;
        };
        return dms != null ? dms : nativeDdl;
    }

    // ------------------------------------------------------------------------------- SQL Server

    private static final Pattern ALIAS = Pattern.compile(".*\\((\\w+)\\)$");

    /**
     * SQL Server type → DMS type → PostgreSQL type; null where DMS has no type (sql_variant and the
     * types DMS does not list), so the native one is used.
     */
    static String fromSqlServer(String declaration, LogicalType t) {
        String d = declaration.toLowerCase(Locale.ROOT).strip();
        Matcher alias = ALIAS.matcher(d);
        if (d.contains(" (") && alias.matches()) {
            d = alias.group(1); // "User-defined data types are supported according to their base type"
        }
        int paren = d.indexOf('(');
        String base = paren < 0 ? d : d.substring(0, paren);
        boolean max = d.endsWith("(max)");
        return switch (base) {
            case "bigint" -> "bigint";                                   // INT8
            case "bit" -> "boolean";                                     // BOOLEAN
            case "decimal", "numeric", "money", "smallmoney" ->          // NUMERIC → DECIMAL (P,S)
                    "numeric(" + t.precision() + "," + t.scale() + ")";
            case "int" -> "integer";                                     // INT4
            case "smallint" -> "smallint";                               // INT2
            case "tinyint" -> "smallint";                                // UINT1
            case "real" -> "real";                                       // REAL4 → FLOAT4
            case "float" -> "double precision";                          // REAL8 → FLOAT8
            case "datetime", "smalldatetime", "datetime2" ->             // DATETIME
                    datetimeScale(d) <= 6 ? "timestamp without time zone" : "character varying(37)";
            case "date" -> "date";                                       // DATE
            case "time" -> "time without time zone";                     // TIME
            case "datetimeoffset" -> "character varying(" + datetimeoffsetLength(d) + ")"; // WSTRING
            case "char", "varchar", "nchar", "nvarchar" ->               // STRING, WSTRING; (max): CLOB, NCLOB
                    max ? "text" : string(t.length());
            case "text", "ntext", "xml", "geometry", "geography" -> "text"; // CLOB, NCLOB
            case "binary", "varbinary", "image", "timestamp", "rowversion" -> "bytea"; // BYTES, BLOB
            case "uniqueidentifier" -> "character varying(36)";          // STRING
            case "hierarchyid" -> "character varying(250)";              // WSTRING (250)
            default -> null;
        };
    }

    /** STRING / WSTRING (n): VARCHAR (n) up to 21,845, VARCHAR (65535) above. */
    public static String string(int length) {
        if (length <= 0) {
            return "text";
        }
        return "character varying(" + (length <= 21_845 ? length : 65_535) + ")";
    }

    /** The fractional digits of a SQL Server date-time type: datetime 3, smalldatetime 0, datetime2(n) n (default 7). */
    private static int datetimeScale(String d) {
        if (d.startsWith("datetime2")) {
            return d.contains("(") ? Integer.parseInt(d.substring(d.indexOf('(') + 1, d.indexOf(')')).strip()) : 7;
        }
        return d.startsWith("smalldatetime") ? 0 : 3;
    }

    /**
     * DMS gives datetimeoffset the type WSTRING without a length; Ferry takes the longest text of the
     * type, {@code 2018-02-09 12:12:12.1234567 +01:00}: 26 characters and the fraction with its point.
     */
    private static int datetimeoffsetLength(String d) {
        int scale = d.contains("(") ? Integer.parseInt(d.substring(d.indexOf('(') + 1, d.indexOf(')')).strip()) : 7;
        return 26 + (scale > 0 ? scale + 1 : 0);
    }

    // ------------------------------------------------------------------------------- PostgreSQL

    /** Built-in types Ferry writes in their own type: the same type on the target, as DMS creates it. */
    private static final Set<String> SAME_TYPE = Set.of("boolean", "smallint", "integer", "bigint", "numeric", "real",
            "double precision", "text", "character varying", "character", "bytea", "date", "time without time zone",
            "time with time zone", "timestamp without time zone", "timestamp with time zone", "uuid", "json", "jsonb", "xml",
            "interval", "name", "\"char\"");

    /** Built-in types Ferry carries as text (no binary codec): they stay text, as under native. */
    private static final Set<String> CARRIED_AS_TEXT = Set.of("inet", "cidr", "macaddr", "macaddr8", "money", "bit",
            "bit varying", "point", "line", "lseg", "box", "path", "polygon", "circle", "tsvector", "tsquery", "int4range",
            "int8range", "numrange", "tsrange", "tstzrange", "daterange", "int4multirange", "int8multirange", "nummultirange",
            "tsmultirange", "tstzmultirange", "datemultirange", "pg_lsn", "pg_snapshot", "txid_snapshot", "oid", "xid", "xid8",
            "cid", "tid", "regclass", "regtype", "regproc", "regprocedure", "regoper", "regoperator", "regconfig",
            "regdictionary", "regnamespace", "regrole", "regcollation", "jsonpath", "aclitem");

    /**
     * The source's own type (its {@code format_type} text, modifiers included) for built-in types;
     * {@code character varying} for user-defined ones (enums, domains, composite and extension types);
     * null (the native type) for built-in types Ferry carries as text, and arrays.
     */
    static String fromPostgres(String formatted, LogicalType t) {
        String f = formatted.strip();
        if (f.isEmpty() || f.endsWith("]")) {
            return null;
        }
        String base = f.replaceAll("\\(.*?\\)", "").replaceAll("\\s+", " ").strip();
        if (base.startsWith("interval")) {
            base = "interval";
        }
        if (SAME_TYPE.contains(base)) {
            return f;
        }
        if (CARRIED_AS_TEXT.contains(base)) {
            return null;
        }
        return "character varying";
    }
}
