package dev.ferry.postgres;

import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TypeKind;

import java.util.Locale;

/**
 * The PostgreSQL types Ferry reads and writes in binary COPY format, with their binary layout
 * decided by the type (not by the column): TEXT covers every type whose binary form is its text
 * (text, varchar, bpchar, name, citext, enums, and anything read through a ::text cast).
 */
public enum PgType {
    BOOL, INT2, INT4, INT8, NUMERIC, FLOAT4, FLOAT8, TEXT, BYTEA, DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ,
    UUID, JSON, JSONB, XML, INTERVAL;

    /** The wire type of a catalog type name (pg_type.typname of the column or of a domain's base type); null if none. */
    public static PgType ofTypeName(String typname, char typtype) {
        if (typtype == 'e') {
            return TEXT;
        }
        return switch (typname) {
            case "bool" -> BOOL;
            case "int2" -> INT2;
            case "int4" -> INT4;
            case "int8" -> INT8;
            case "numeric" -> NUMERIC;
            case "float4" -> FLOAT4;
            case "float8" -> FLOAT8;
            case "text", "varchar", "bpchar", "name", "citext" -> TEXT;
            case "bytea" -> BYTEA;
            case "date" -> DATE;
            case "time" -> TIME;
            case "timetz" -> TIMETZ;
            case "timestamp" -> TIMESTAMP;
            case "timestamptz" -> TIMESTAMPTZ;
            case "uuid" -> UUID;
            case "json" -> JSON;
            case "jsonb" -> JSONB;
            case "xml" -> XML;
            case "interval" -> INTERVAL;
            default -> null;
        };
    }

    /** The target column type Ferry creates for a neutral type. */
    public static String ddlType(LogicalType t, String nativeType) {
        return switch (t.kind()) {
            case BOOLEAN -> "boolean";
            case INT16 -> "smallint";
            case INT32 -> "integer";
            case INT64 -> "bigint";
            case DECIMAL -> t.precision() > 0 ? "numeric(" + t.precision() + "," + t.scale() + ")" : "numeric";
            case FLOAT32 -> "real";
            case FLOAT64 -> "double precision";
            case CHAR -> t.length() > 0 ? "character(" + t.length() + ")" : "character";
            case VARCHAR -> t.length() > 0 ? "character varying(" + t.length() + ")" : "character varying";
            case TEXT -> "text";
            case BYTES -> "bytea";
            case DATE -> "date";
            case TIME -> precision("time", t) + " without time zone";
            case TIMETZ -> precision("time", t) + " with time zone";
            case TIMESTAMP -> precision("timestamp", t) + " without time zone";
            case TIMESTAMPTZ -> precision("timestamp", t) + " with time zone";
            case UUID -> "uuid";
            // jsonb unless the source said json: json keeps text as written (whitespace, key order, duplicates).
            case JSON -> "json".equals(nativeType.toLowerCase(Locale.ROOT)) ? "json" : "jsonb";
            case XML -> "xml";
            case INTERVAL -> "interval";
        };
    }

    private static String precision(String base, LogicalType t) {
        return t.precision() >= 0 && t.precision() < 6 ? base + "(" + t.precision() + ")" : base;
    }

    /** The neutral kind values of this wire type decode to. */
    public TypeKind kind() {
        return switch (this) {
            case BOOL -> TypeKind.BOOLEAN;
            case INT2 -> TypeKind.INT16;
            case INT4 -> TypeKind.INT32;
            case INT8 -> TypeKind.INT64;
            case NUMERIC -> TypeKind.DECIMAL;
            case FLOAT4 -> TypeKind.FLOAT32;
            case FLOAT8 -> TypeKind.FLOAT64;
            case TEXT -> TypeKind.TEXT;
            case BYTEA -> TypeKind.BYTES;
            case DATE -> TypeKind.DATE;
            case TIME -> TypeKind.TIME;
            case TIMETZ -> TypeKind.TIMETZ;
            case TIMESTAMP -> TypeKind.TIMESTAMP;
            case TIMESTAMPTZ -> TypeKind.TIMESTAMPTZ;
            case UUID -> TypeKind.UUID;
            case JSON, JSONB -> TypeKind.JSON;
            case XML -> TypeKind.XML;
            case INTERVAL -> TypeKind.INTERVAL;
        };
    }
}
