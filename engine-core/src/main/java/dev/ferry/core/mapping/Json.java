package dev.ferry.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** Reading the values of mapping JSON, with a problem for a value of the wrong JSON type. */
final class Json {

    private Json() {
    }

    /** The field as trimmed text; empty when missing or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText().trim();
    }

    /**
     * The field as text (a JSON string, or a number or boolean as written), or null when missing;
     * an object or array adds a problem at {@code subPath.field} and gives null.
     */
    static String string(JsonNode node, String field, RuleContext at, String subPath, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isContainerNode()) {
            problems.add(at.problem(subPath + "." + field, "must be a string, was " + kind(value)));
            return null;
        }
        return value.asText();
    }

    /** A whole number given as a JSON number or a string of digits; null otherwise. */
    static Long integer(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? value.longValue() : null;
        }
        if (value.isTextual() && value.asText().trim().matches("-?[0-9]{1,18}")) {
            return Long.parseLong(value.asText().trim());
        }
        return null;
    }

    /** What a JSON value is, for messages. */
    static String kind(JsonNode value) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isTextual()) {
            return "the string \"" + value.asText() + "\"";
        }
        return value.toString();
    }
}
