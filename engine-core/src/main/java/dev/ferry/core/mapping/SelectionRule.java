package dev.ferry.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.model.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A DMS selection rule: which tables a task moves ({@code rule-action} include, exclude or
 * explicit, {@code object-locator}, {@code table-type}), in which order ({@code load-order}) and
 * which of their rows ({@code filters}).
 *
 * @param id        the rule-id
 * @param name      the rule-name (may be empty)
 * @param path      the rule's JSON path, for messages ({@code $.rules[0]})
 * @param action    include, exclude or explicit
 * @param schema    the schema-name pattern ({@link NamePattern}; literal for explicit)
 * @param table     the table-name pattern
 * @param loadOrder higher loads first; 0 when not given
 * @param filters   AND'd; empty: every row
 */
public record SelectionRule(String id, String name, String path, Action action, NamePattern schema, NamePattern table,
                            int loadOrder, List<Filter> filters) {

    public enum Action { INCLUDE, EXCLUDE, EXPLICIT }

    /**
     * One {@code filters} entry (its {@code path} relative to the rule's): a row passes when its {@code column} meets at least one of the
     * conditions (they are OR'd).
     */
    public record Filter(String column, String path, List<Condition> conditions) {
        public Filter {
            conditions = List.copyOf(conditions);
        }
    }

    /**
     * One {@code filter-conditions} entry as written: the values are the JSON's strings, converted
     * to the column's type when the rule meets a table ({@link RowFilter}).
     */
    public record Condition(FilterOperator operator, String value, String endValue, String path) {
    }

    public SelectionRule {
        filters = List.copyOf(filters);
    }

    /** An include or exclude rule without filters, {@code %}, {@code _} and brackets as wildcards. */
    public SelectionRule(String id, String name, boolean include, String schemaPattern, String tablePattern) {
        this(id, name, "", include ? Action.INCLUDE : Action.EXCLUDE, NamePattern.of(schemaPattern),
                NamePattern.of(tablePattern), 0, List.of());
    }

    public boolean include() {
        return action != Action.EXCLUDE;
    }

    public String schemaPattern() {
        return schema.text();
    }

    public String tablePattern() {
        return table.text();
    }

    boolean matches(TableId id) {
        return schema.matches(id.schema()) && table.matches(id.name());
    }

    /** Whether the rule can match names of one length only (no {@code %}): a rule that matches no table is then a typo. */
    boolean closed() {
        return action == Action.EXPLICIT || (!schema.open() && !table.open());
    }

    String label() {
        return "rule " + id + (name.isEmpty() || name.equals(id) ? "" : " (" + name + ")");
    }

    RuleContext context() {
        return new RuleContext(path, id, name);
    }

    /** Parses one {@code rule-type: selection} rule; null, with the problems added, when it is wrong. */
    static SelectionRule parse(JsonNode rule, RuleContext at, List<String> problems) {
        int before = problems.size();
        String actionText = Json.text(rule, "rule-action");
        Action action = switch (actionText.toLowerCase(Locale.ROOT)) {
            case "include" -> Action.INCLUDE;
            case "exclude" -> Action.EXCLUDE;
            case "explicit" -> Action.EXPLICIT;
            default -> null;
        };
        if (actionText.isEmpty()) {
            problems.add(at.problem("missing rule-action (include, exclude or explicit)"));
        } else if (action == null) {
            problems.add(at.problem("unknown rule-action '" + actionText + "' (known: include, exclude, explicit)"));
        }
        JsonNode locator = rule.get("object-locator");
        NamePattern schema = null;
        NamePattern table = null;
        if (locator == null || locator.isNull()) {
            problems.add(at.problem("missing object-locator"));
        } else if (!locator.isObject()) {
            problems.add(at.problem(".object-locator", "must be an object with schema-name and table-name, was " + Json.kind(locator)));
        } else {
            schema = pattern(locator, "schema-name", action, at, problems);
            table = pattern(locator, "table-name", action, at, problems);
            String type = Json.string(locator, "table-type", at, ".object-locator", problems);
            if (type != null) {
                switch (type.toLowerCase(Locale.ROOT)) {
                    case "table" -> {
                        // what Ferry reads
                    }
                    case "view", "all" -> problems.add(at.problem(".object-locator.table-type", "'" + type
                            + "' selects views, and Ferry reads tables only (its catalog lists no views); use \"table\" "
                            + "and select the view's base tables instead"));
                    default -> problems.add(at.problem(".object-locator.table-type", "unknown table-type '" + type
                            + "' (known: table, view, all)"));
                }
            }
        }
        int loadOrder = 0;
        JsonNode order = rule.get("load-order");
        if (order != null && !order.isNull()) {
            Long n = Json.integer(order);
            if (n == null || n < 0 || n > Integer.MAX_VALUE) {
                problems.add(at.problem(".load-order", "must be a whole number from 0 to 2147483647, was " + order));
            } else {
                loadOrder = n.intValue();
            }
        }
        List<Filter> filters = filters(rule.get("filters"), action, at, problems);
        if (problems.size() > before) {
            return null;
        }
        return new SelectionRule(at.id(), at.name(), at.path(), action, schema, table, loadOrder, filters);
    }

    private static NamePattern pattern(JsonNode locator, String field, Action action, RuleContext at, List<String> problems) {
        String sub = ".object-locator." + field;
        String text = Json.string(locator, field, at, ".object-locator", problems);
        if (text == null) {
            if (!locator.hasNonNull(field)) {
                problems.add(at.problem(".object-locator", field + " is missing"));
            }
            return null;
        }
        if (text.isEmpty()) {
            problems.add(at.problem(sub, "is empty"));
            return null;
        }
        if (action == Action.EXPLICIT) {
            return NamePattern.literal(text);
        }
        try {
            return NamePattern.of(text);
        } catch (IllegalArgumentException e) {
            problems.add(at.problem(sub, "'" + text + "': " + e.getMessage()));
            return null;
        }
    }

    private static List<Filter> filters(JsonNode node, Action action, RuleContext at, List<String> problems) {
        List<Filter> result = new ArrayList<>();
        if (node == null || node.isNull()) {
            return result;
        }
        if (!node.isArray()) {
            problems.add(at.problem(".filters", "must be an array of filters, was " + Json.kind(node)));
            return result;
        }
        if (action == Action.EXCLUDE && !node.isEmpty()) {
            problems.add(at.problem(".filters", "filters apply to include and explicit rules only (DMS ignores them on an "
                    + "exclude rule, which then excludes the whole table): remove the filters, or make the rule include "
                    + "the rows to move"));
            return result;
        }
        for (int f = 0; f < node.size(); f++) {
            String path = ".filters[" + f + "]";
            JsonNode filter = node.get(f);
            if (!filter.isObject()) {
                problems.add(at.problem(path, "must be an object, was " + Json.kind(filter)));
                continue;
            }
            String type = Json.string(filter, "filter-type", at, path, problems);
            if (type == null) {
                problems.add(at.problem(path, "missing filter-type (source)"));
            } else if (!type.equalsIgnoreCase("source")) {
                problems.add(at.problem(path + ".filter-type", "unknown filter-type '" + type + "' (known: source)"));
            }
            String column = Json.string(filter, "column-name", at, path, problems);
            if (column == null || column.isEmpty()) {
                problems.add(at.problem(path, "missing column-name"));
            }
            JsonNode conditions = filter.get("filter-conditions");
            List<Condition> parsed = new ArrayList<>();
            if (conditions == null || conditions.isNull()) {
                problems.add(at.problem(path, "missing filter-conditions"));
            } else if (!conditions.isArray() || conditions.isEmpty()) {
                problems.add(at.problem(path + ".filter-conditions", "must be a non-empty array of conditions, was "
                        + (conditions.isArray() ? "empty" : Json.kind(conditions))));
            } else {
                for (int c = 0; c < conditions.size(); c++) {
                    Condition condition = condition(conditions.get(c), path + ".filter-conditions[" + c + "]", at, problems);
                    if (condition != null) {
                        parsed.add(condition);
                    }
                }
            }
            if (column != null && !column.isEmpty()) {
                result.add(new Filter(column, path, parsed));
            }
        }
        return result;
    }

    private static Condition condition(JsonNode node, String path, RuleContext at, List<String> problems) {
        if (!node.isObject()) {
            problems.add(at.problem(path, "must be an object, was " + Json.kind(node)));
            return null;
        }
        int before = problems.size();
        String name = Json.string(node, "filter-operator", at, path, problems);
        FilterOperator op = null;
        if (name == null) {
            problems.add(at.problem(path, "missing filter-operator (known: " + FilterOperator.KNOWN + ")"));
        } else {
            op = FilterOperator.of(name);
            if (op == null) {
                problems.add(at.problem(path + ".filter-operator", "unknown filter-operator '" + name + "' (known: "
                        + FilterOperator.KNOWN + ")"));
            }
        }
        String value = Json.string(node, "value", at, path, problems);
        String start = Json.string(node, "start-value", at, path, problems);
        String end = Json.string(node, "end-value", at, path, problems);
        if (op != null) {
            switch (op.values) {
                case 0 -> {
                    if (value != null || start != null || end != null) {
                        problems.add(at.problem(path, "filter-operator '" + name + "' takes no value"));
                    }
                }
                case 1 -> {
                    if (value == null) {
                        problems.add(at.problem(path, "filter-operator '" + name + "' needs a value"));
                    }
                    if (start != null || end != null) {
                        problems.add(at.problem(path, "filter-operator '" + name + "' takes a value, not start-value/end-value"));
                    }
                }
                default -> {
                    if (start == null || end == null) {
                        problems.add(at.problem(path, "filter-operator '" + name + "' needs start-value and end-value"));
                    }
                    if (value != null) {
                        problems.add(at.problem(path, "filter-operator '" + name + "' takes start-value and end-value, not value"));
                    }
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new Condition(op, op.values == 2 ? start : value, end, path);
    }
}
