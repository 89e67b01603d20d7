package dev.ferry.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.model.TableId;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One DMS transformation rule ({@code rule-type: transformation}) as parsed: what it locates
 * (source schema, table and column names, with the selection rules' wildcards) and what it does
 * there. {@link Transformations} applies the rules of a mapping to each selected table.
 *
 * @param id         the rule-id
 * @param name       the rule-name, or empty
 * @param label      the JSON path and rule, for messages: {@code $.rules[3] (rule 4 'rename-orders')}
 * @param target     the rule-target
 * @param action     the rule-action
 * @param schema     object-locator.schema-name (a pattern)
 * @param table      object-locator.table-name (a pattern), null for a schema rule
 * @param column     object-locator.column-name (a pattern), null where the rule has none
 * @param ofDataType object-locator.data-type: only columns whose source type is this DMS type, or null
 * @param value      {@code value}: the new name, prefix or suffix, the added column's name; or null
 * @param oldValue   {@code old-value} of replace-prefix / replace-suffix, or null
 * @param dataType   {@code data-type} of change-data-type and add-column, or null
 * @param expression {@code expression} of add-column, or null
 * @param keyName    primary-key-def.name of define-primary-key, or null
 * @param keyColumns primary-key-def.columns of define-primary-key (empty otherwise)
 * @param beforeImage before-image-def of add-before-image-columns, or null
 */
record TransformationRule(String id, String name, String label, Target target, Action action, String schema, String table,
                          String column, String ofDataType, String value, String oldValue, DmsDataType dataType,
                          String expression, String keyName, List<String> keyColumns, BeforeImage beforeImage) {

    /** The objects a transformation rule can act on. Tablespaces exist on Oracle only. */
    enum Target {
        SCHEMA, TABLE, COLUMN;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The rule-actions, with the rule-targets each one takes (DMS: rule actions are case-sensitive). */
    enum Action {
        RENAME("rename", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        CONVERT_LOWERCASE("convert-lowercase", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        CONVERT_UPPERCASE("convert-uppercase", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        ADD_PREFIX("add-prefix", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        REMOVE_PREFIX("remove-prefix", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        REPLACE_PREFIX("replace-prefix", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        ADD_SUFFIX("add-suffix", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        REMOVE_SUFFIX("remove-suffix", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        REPLACE_SUFFIX("replace-suffix", Target.SCHEMA, Target.TABLE, Target.COLUMN),
        REMOVE_COLUMN("remove-column", Target.COLUMN),
        INCLUDE_COLUMN("include-column", Target.COLUMN),
        CHANGE_DATA_TYPE("change-data-type", Target.COLUMN),
        ADD_COLUMN("add-column", Target.COLUMN),
        DEFINE_PRIMARY_KEY("define-primary-key", Target.TABLE),
        ADD_BEFORE_IMAGE_COLUMNS("add-before-image-columns", Target.COLUMN);

        final String json;
        final List<Target> targets;

        Action(String json, Target... targets) {
            this.json = json;
            this.targets = List.of(targets);
        }

        /** Whether the action changes the name of the object it locates. */
        boolean renames() {
            return ordinal() <= REPLACE_SUFFIX.ordinal();
        }

        static Action of(String json) {
            for (Action a : values()) {
                if (a.json.equals(json)) {
                    return a;
                }
            }
            return null;
        }

        static String known() {
            return String.join(", ", Arrays.stream(values()).map(a -> a.json).toList());
        }
    }

    /** before-image-def: names {@code prefix + column + suffix}, for the columns {@code filter} lets through. */
    record BeforeImage(String prefix, String suffix, String filter) {
    }

    /** Rules of one object apply in rule-id order: DMS applies the rule with the lower rule-id. */
    static final Comparator<TransformationRule> BY_ID = (a, b) -> compareIds(a.id, b.id);

    static int compareIds(String a, String b) {
        boolean na = a.matches("\\d+");
        boolean nb = b.matches("\\d+");
        if (na && nb) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        return na ? -1 : nb ? 1 : a.compareTo(b);
    }

    /** Whether this rule's locator matches schema (and table) of {@code t}. */
    boolean locatesTable(TableId t) {
        return matches(schema, t.schema()) && (table == null || matches(table, t.name()));
    }

    boolean locatesColumn(String columnName) {
        return column == null || matches(column, columnName);
    }

    /** A locator pattern matches a name as a selection rule's does (the one place that says how). */
    private static boolean matches(String pattern, String name) {
        return NamePattern.of(pattern).matches(name);
    }

    /** Whether a locator pattern has the wildcard {@code %} (the one DMS names for define-primary-key) rather than one name. */
    static boolean hasWildcard(String pattern) {
        return pattern != null && pattern.contains("%");
    }

    /**
     * Parses one rule of {@code rule-type: transformation}; adds a line per problem to {@code problems}
     * (each starting with {@code label}) and returns null when the rule cannot be used.
     */
    static TransformationRule parse(JsonNode rule, String id, String name, String label, List<String> problems) {
        int before = problems.size();
        String actionText = text(rule, "rule-action");
        Action action = Action.of(actionText);
        if (actionText.isEmpty()) {
            problems.add(label + ": missing rule-action (known for transformation rules: " + Action.known() + ")");
        } else if (action == null) {
            String hint = actionText.startsWith("data-masking-") ? " (data masking is not supported by Ferry)"
                    : Action.of(actionText.toLowerCase(Locale.ROOT)) != null ? " (rule actions are case-sensitive)" : "";
            problems.add(label + ": unknown rule-action '" + actionText + "'" + hint + " (known for transformation rules: "
                    + Action.known() + ")");
        }
        String targetText = text(rule, "rule-target");
        Target target = null;
        for (Target t : Target.values()) {
            if (t.json().equals(targetText)) {
                target = t;
            }
        }
        if (targetText.isEmpty()) {
            problems.add(label + ": missing rule-target (schema, table or column)");
        } else if (target == null) {
            problems.add(label + ": rule-target '" + targetText + "' is not supported (known: schema, table, column; "
                    + "table-tablespace and index-tablespace exist for Oracle only)");
        } else if (action != null && !action.targets.contains(target)) {
            problems.add(label + ": rule-action '" + action.json + "' takes rule-target "
                    + String.join(" or ", action.targets.stream().map(Target::json).toList()) + ", not '" + targetText + "'");
        }
        JsonNode locator = rule.get("object-locator");
        String schema = null;
        String table = null;
        String column = null;
        String ofDataType = null;
        if (locator == null || !locator.isObject()) {
            problems.add(label + ": missing object-locator");
        } else {
            schema = text(locator, "schema-name");
            table = locator.has("table-name") ? text(locator, "table-name") : null;
            column = locator.has("column-name") ? text(locator, "column-name") : null;
            ofDataType = locator.has("data-type") ? text(locator, "data-type").toLowerCase(Locale.ROOT) : null;
            if (schema.isEmpty()) {
                problems.add(label + ": object-locator.schema-name is missing");
            }
            if (target != null && target != Target.SCHEMA && (table == null || table.isEmpty())) {
                problems.add(label + ": object-locator.table-name is missing (rule-target " + target.json() + ")");
            }
            if (target == Target.SCHEMA) {
                table = null; // a schema rule acts on the schema of every table
            }
            if (target == Target.COLUMN && action != Action.ADD_COLUMN && action != Action.ADD_BEFORE_IMAGE_COLUMNS
                    && (column == null || column.isEmpty())) {
                problems.add(label + ": object-locator.column-name is missing (rule-action " + actionText + " acts on columns)");
            }
            for (String field : List.of("schema-name", "table-name", "column-name")) {
                if (locator.has(field)) {
                    try {
                        NamePattern.of(text(locator, field));
                    } catch (IllegalArgumentException e) {
                        problems.add(label + ": object-locator." + field + ": " + e.getMessage());
                    }
                }
            }
            if (locator.has("table-tablespace-name") || locator.has("index-tablespace-name")) {
                problems.add(label + ": object-locator: tablespaces exist for Oracle endpoints only");
            }
        }
        String value = rule.has("value") && !rule.get("value").isNull() ? rule.get("value").asText() : null;
        String oldValue = rule.has("old-value") && !rule.get("old-value").isNull() ? rule.get("old-value").asText() : null;
        String expression = rule.has("expression") && !rule.get("expression").isNull() ? rule.get("expression").asText() : null;
        if (rule.has("value") && !rule.get("value").isNull() && !rule.get("value").isTextual()) {
            problems.add(label + ": value must be a string, was " + rule.get("value"));
        }
        DmsDataType dataType = null;
        String keyName = null;
        List<String> keyColumns = List.of();
        BeforeImage beforeImage = null;
        if (action != null) {
            switch (action) {
                case RENAME, ADD_PREFIX, ADD_SUFFIX, REMOVE_PREFIX, REMOVE_SUFFIX -> {
                    if (value == null || value.isEmpty()) {
                        problems.add(label + ": rule-action " + action.json + " needs a value (the "
                                + (action == Action.RENAME ? "new name" : action.json.endsWith("prefix") ? "prefix" : "suffix") + ")");
                    }
                }
                case REPLACE_PREFIX, REPLACE_SUFFIX -> {
                    if (value == null) {
                        problems.add(label + ": rule-action " + action.json + " needs a value (the new "
                                + (action == Action.REPLACE_PREFIX ? "prefix" : "suffix") + ")");
                    }
                    if (oldValue == null || oldValue.isEmpty()) {
                        problems.add(label + ": rule-action " + action.json + " needs an old-value (the "
                                + (action == Action.REPLACE_PREFIX ? "prefix" : "suffix") + " to replace)");
                    }
                }
                case CHANGE_DATA_TYPE -> dataType = DmsDataType.parse(rule.get("data-type"), label, problems);
                case ADD_COLUMN -> {
                    if (value == null || value.isEmpty()) {
                        problems.add(label + ": rule-action add-column needs a value (the new column's name)");
                    }
                    if (rule.get("data-type") != null) {
                        dataType = DmsDataType.parse(rule.get("data-type"), label, problems);
                    } else if (expression == null) {
                        problems.add(label + ": rule-action add-column needs a data-type, for example {\"type\": \"string\", "
                                + "\"length\": 50}");
                    }
                    if (expression != null && expression.isBlank()) {
                        problems.add(label + ": expression is empty");
                    }
                }
                case DEFINE_PRIMARY_KEY -> {
                    JsonNode def = rule.get("primary-key-def");
                    if (def == null || !def.isObject()) {
                        problems.add(label + ": rule-action define-primary-key needs a primary-key-def with a name and columns");
                    } else {
                        keyName = text(def, "name");
                        String origin = def.has("origin") ? text(def, "origin") : "primary-key";
                        if (!origin.equals("primary-key")) {
                            problems.add(label + ": primary-key-def.origin '" + origin + "' is not supported: Ferry applies changes "
                                    + "by the target's primary key and creates no unique indexes; use origin primary-key");
                        }
                        JsonNode cols = def.get("columns");
                        if (cols == null || !cols.isArray() || cols.isEmpty()) {
                            problems.add(label + ": primary-key-def.columns must be a non-empty array of column names");
                        } else {
                            List<String> names = new ArrayList<>();
                            for (JsonNode c : cols) {
                                names.add(c.asText());
                            }
                            keyColumns = List.copyOf(names);
                        }
                    }
                    if (hasWildcard(schema) || hasWildcard(table)) {
                        problems.add(label + ": define-primary-key cannot use a wildcard in schema-name or table-name (DMS: "
                                + "name one table)");
                    }
                }
                case ADD_BEFORE_IMAGE_COLUMNS -> {
                    JsonNode def = rule.get("before-image-def");
                    String prefix = "BI_";
                    String suffix = "";
                    String filter = "pk-only";
                    if (def != null && def.isObject()) {
                        prefix = def.has("column-prefix") ? text(def, "column-prefix") : prefix;
                        suffix = def.has("column-suffix") ? text(def, "column-suffix") : suffix;
                        filter = def.has("column-filter") ? text(def, "column-filter") : filter;
                    } else if (def != null) {
                        problems.add(label + ": before-image-def must be an object");
                    }
                    if (prefix.isEmpty() && suffix.isEmpty()) {
                        problems.add(label + ": before-image-def: column-prefix and column-suffix are both empty, so a "
                                + "before-image column would have the name of its column");
                    }
                    if (!List.of("pk-only", "non-lob", "all").contains(filter)) {
                        problems.add(label + ": before-image-def.column-filter '" + filter + "' is unknown (known: pk-only, "
                                + "non-lob, all)");
                    }
                    beforeImage = new BeforeImage(prefix, suffix, filter);
                }
                default -> {
                    // convert-lowercase, convert-uppercase, remove-column, include-column take no value
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new TransformationRule(id, name, label, target, action, schema, table, column, ofDataType, value, oldValue,
                dataType, expression, keyName, keyColumns, beforeImage);
    }

    /** The new name of {@code current} under a naming action (rename, case, prefix, suffix). */
    String rename(String current) {
        return switch (action) {
            case RENAME -> value;
            case CONVERT_LOWERCASE -> current.toLowerCase(Locale.ROOT);
            case CONVERT_UPPERCASE -> current.toUpperCase(Locale.ROOT);
            case ADD_PREFIX -> value + current;
            case REMOVE_PREFIX -> current.startsWith(value) ? current.substring(value.length()) : current;
            case REPLACE_PREFIX -> current.startsWith(oldValue) ? value + current.substring(oldValue.length()) : current;
            case ADD_SUFFIX -> current + value;
            case REMOVE_SUFFIX -> current.endsWith(value) ? current.substring(0, current.length() - value.length()) : current;
            case REPLACE_SUFFIX -> current.endsWith(oldValue)
                    ? current.substring(0, current.length() - oldValue.length()) + value : current;
            default -> throw new IllegalStateException(action + " does not rename");
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText().trim();
    }
}
