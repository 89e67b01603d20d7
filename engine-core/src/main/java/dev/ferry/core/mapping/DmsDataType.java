package dev.ferry.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TypeKind;

import java.util.List;
import java.util.Locale;

/**
 * A transformation rule's {@code data-type} block ({@code type}, {@code length}, {@code precision},
 * {@code scale}) in DMS's own type names, and the neutral type it becomes on a PostgreSQL target.
 * DMS documents its types (STRING, WSTRING, BOOLEAN, BYTES, DATE, TIME, DATETIME, INT1..INT8,
 * UINT1..UINT8, NUMERIC, REAL4, REAL8, BLOB, CLOB, NCLOB) and what a PostgreSQL target makes of
 * them; the unsigned types take the next wider signed type so that every value fits, and UINT8
 * (up to 2^64-1, more than a bigint holds) becomes numeric(20,0). DMS's set, list, map and tuple
 * exist for document targets only and are refused.
 */
record DmsDataType(String name, LogicalType type) {

    /** The type names this version knows, in the guide's order, for messages. */
    static final List<String> KNOWN = List.of("bytes", "date", "time", "datetime", "int1", "int2", "int4", "int8", "numeric",
            "real4", "real8", "string", "uint1", "uint2", "uint4", "uint8", "wstring", "blob", "nclob", "clob", "boolean");

    /**
     * Parses {@code node} (the {@code data-type} object); adds a line per problem to {@code problems}
     * with {@code where} (JSON path and rule) in front and returns null when it cannot.
     */
    static DmsDataType parse(JsonNode node, String where, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add(where + ": data-type must be an object with a type, for example {\"type\": \"string\", \"length\": 50}");
            return null;
        }
        JsonNode typeNode = node.get("type");
        String name = typeNode == null || typeNode.isNull() ? "" : typeNode.asText().trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            problems.add(where + ": data-type.type: missing (known: " + String.join(", ", KNOWN) + ")");
            return null;
        }
        int before = problems.size();
        int length = number(node, "length", where, problems);
        int precision = number(node, "precision", where, problems);
        int scale = number(node, "scale", where, problems);
        if (problems.size() > before) {
            return null;
        }
        LogicalType type;
        switch (name) {
            case "int1", "int2", "uint1" -> type = LogicalType.of(TypeKind.INT16);
            case "int4", "uint2" -> type = LogicalType.of(TypeKind.INT32);
            case "int8", "uint4" -> type = LogicalType.of(TypeKind.INT64);
            case "uint8" -> type = LogicalType.decimal(20, 0);
            case "real4" -> type = LogicalType.of(TypeKind.FLOAT32);
            case "real8" -> type = LogicalType.of(TypeKind.FLOAT64);
            case "boolean" -> type = LogicalType.of(TypeKind.BOOLEAN);
            case "bytes", "blob" -> type = LogicalType.of(TypeKind.BYTES);
            case "clob", "nclob" -> type = LogicalType.of(TypeKind.TEXT);
            case "date" -> type = LogicalType.of(TypeKind.DATE);
            case "string", "wstring" -> type = length > 0 ? LogicalType.varchar(length) : LogicalType.of(TypeKind.TEXT);
            case "numeric" -> {
                if (precision < 0) {
                    type = LogicalType.decimal(0, 0);
                } else if (precision < 1 || precision > 1000 || Math.max(scale, 0) > precision) {
                    problems.add(where + ": data-type: numeric precision must be 1..1000 and scale 0..precision, was precision "
                            + precision + ", scale " + scale);
                    return null;
                } else {
                    type = LogicalType.decimal(precision, Math.max(scale, 0));
                }
            }
            case "time", "datetime" -> {
                // DMS takes the fractional digits from precision (its add-column example) or scale
                int digits = precision >= 0 ? precision : scale;
                if (digits > 6) {
                    problems.add(where + ": data-type: " + name + " with " + digits + " fractional second digits: PostgreSQL keeps at "
                            + "most 6; use a precision of 0..6");
                    return null;
                }
                type = LogicalType.temporal(name.equals("time") ? TypeKind.TIME : TypeKind.TIMESTAMP, digits);
            }
            case "set", "list", "map", "tuple" -> {
                problems.add(where + ": data-type.type: '" + name + "' is a DMS type for document targets; a PostgreSQL target has "
                        + "no such column type (known: " + String.join(", ", KNOWN) + ")");
                return null;
            }
            default -> {
                problems.add(where + ": data-type.type: unknown data type '" + name + "' (known: " + String.join(", ", KNOWN) + ")");
                return null;
            }
        }
        return new DmsDataType(name, type);
    }

    /** An optional non-negative integer field; DMS's own examples write some as strings ("4092") or empty (""). */
    private static int number(JsonNode node, String field, String where, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            return -1;
        }
        if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0) {
            return v.asInt();
        }
        if (v.isTextual()) {
            try {
                int n = Integer.parseInt(v.asText().trim());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problems.add(where + ": data-type." + field + ": must be a whole number >= 0, was " + v);
        return -1;
    }
}
