package dev.ferry.core.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * DMS table mappings: which source tables a task moves. This version honours selection rules
 * ({@code rule-type: selection}, {@code rule-action: include | exclude}, {@code object-locator}
 * with {@code schema-name} and {@code table-name}, {@code %} as a wildcard). A table is selected
 * when at least one include rule matches it and no exclude rule does, as in DMS.
 * Rule types this version cannot honour are refused with the rule named, never ignored.
 */
public final class TableMappings {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<SelectionRule> rules;
    private final Transformations transformations;

    private TableMappings(List<SelectionRule> rules) {
        this(rules, List.of());
    }

    private TableMappings(List<SelectionRule> rules, List<TransformationRule> transformations) {
        this.rules = List.copyOf(rules);
        this.transformations = new Transformations(transformations, ExpressionColumns::compile);
    }

    /** One selection rule; patterns use {@code %} for any run of characters. */
    public record SelectionRule(String id, String name, boolean include, String schemaPattern, String tablePattern) {
        boolean matches(TableId table) {
            return like(schemaPattern).matcher(table.schema()).matches()
                    && like(tablePattern).matcher(table.name()).matches();
        }

        boolean isExact() {
            return !schemaPattern.contains("%") && !tablePattern.contains("%");
        }

        String label() {
            return "rule " + id + (name.isEmpty() || name.equals(id) ? "" : " (" + name + ")");
        }
    }

    /** Every table of every schema: what a task without a mapping file moves. */
    public static TableMappings includeAll() {
        return new TableMappings(List.of(new SelectionRule("1", "all", true, "%", "%")));
    }

    public static TableMappings of(List<SelectionRule> rules) {
        if (rules.stream().noneMatch(SelectionRule::include)) {
            throw new ConfigurationException("table mappings: no selection rule includes anything");
        }
        return new TableMappings(rules);
    }

    /** Reads a DMS table-mapping JSON file; every problem is reported with the file and the rule. */
    public static TableMappings load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("table mappings file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigurationException("cannot read table mappings file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses DMS table-mapping JSON; {@code origin} names the input in messages. */
    public static TableMappings parse(String json, String origin) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException("table mappings " + origin + " is not valid JSON: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        }
        List<String> problems = new ArrayList<>();
        List<SelectionRule> rules = new ArrayList<>();
        List<TransformationRule> transformations = new ArrayList<>();
        JsonNode array = root == null ? null : root.get("rules");
        if (array == null || !array.isArray()) {
            throw new ConfigurationException("table mappings " + origin, List.of("$.rules: missing or not an array"));
        }
        int index = 0;
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); index++) {
            JsonNode rule = it.next();
            String path = "$.rules[" + index + "]";
            String id = text(rule, "rule-id");
            String name = text(rule, "rule-name");
            String label = path + " (rule " + (id.isEmpty() ? "?" : id) + (name.isEmpty() ? "" : " '" + name + "'") + ")";
            String type = text(rule, "rule-type");
            if (type.isEmpty()) {
                problems.add(label + ": missing rule-type");
                continue;
            }
            if (type.equals("transformation")) {
                TransformationRule t = TransformationRule.parse(rule, id.isEmpty() ? String.valueOf(index + 1) : id, name, label,
                        problems);
                if (t != null) {
                    transformations.add(t);
                }
                continue;
            }
            if (!type.equals("selection")) {
                problems.add(label + ": rule-type '" + type + "' is not supported yet; only 'selection' rules are");
                continue;
            }
            String action = text(rule, "rule-action");
            boolean include;
            switch (action.toLowerCase(Locale.ROOT)) {
                case "include" -> include = true;
                case "exclude" -> include = false;
                case "" -> {
                    problems.add(label + ": missing rule-action (include or exclude)");
                    continue;
                }
                default -> {
                    problems.add(label + ": unknown rule-action '" + action + "' (known: include, exclude)");
                    continue;
                }
            }
            JsonNode locator = rule.get("object-locator");
            if (locator == null || !locator.isObject()) {
                problems.add(label + ": missing object-locator");
                continue;
            }
            String schema = text(locator, "schema-name");
            String table = text(locator, "table-name");
            if (schema.isEmpty()) {
                problems.add(label + ": object-locator.schema-name is missing");
            }
            if (table.isEmpty()) {
                problems.add(label + ": object-locator.table-name is missing");
            }
            if (!schema.isEmpty() && !table.isEmpty()) {
                rules.add(new SelectionRule(id.isEmpty() ? String.valueOf(index + 1) : id, name, include, schema, table));
            }
        }
        if (problems.isEmpty() && rules.stream().noneMatch(SelectionRule::include)) {
            problems.add("$.rules: no selection rule with rule-action 'include'");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("table mappings " + origin, problems);
        }
        return new TableMappings(rules, transformations);
    }

    /**
     * The catalog's tables this mapping selects, sorted by name. An include rule without
     * wildcards that names a table the source does not have is an error: it is a typo far more
     * often than an intent.
     */
    public List<TableSchema> select(List<TableSchema> catalog) {
        List<String> problems = new ArrayList<>();
        for (SelectionRule rule : rules) {
            if (rule.include() && rule.isExact() && catalog.stream().noneMatch(t -> rule.matches(t.id()))) {
                problems.add(rule.label() + " selects " + rule.schemaPattern() + "." + rule.tablePattern()
                        + ", which the source does not have");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("table mappings", problems);
        }
        List<TableSchema> selected = new ArrayList<>();
        for (TableSchema table : catalog) {
            if (selects(table.id())) {
                selected.add(table);
            }
        }
        selected.sort(Comparator.comparing(TableSchema::id));
        return selected;
    }

    /**
     * How each table this mapping selects moves (its filter, its target table and rows), in the
     * order of {@link #select}. Refuses two source tables that would land in one target table.
     */
    public List<MappedTable> plan(List<TableSchema> catalog) {
        return plan(catalog, "");
    }

    /**
     * Like {@link #plan(List)}, with task setting {@code TargetMetadata.TargetSchema}: when not
     * empty, the target schema of every table before the transformation rules rename it.
     */
    public List<MappedTable> plan(List<TableSchema> catalog, String targetSchema) {
        List<TableSchema> selected = select(catalog);
        List<RowTransform> transforms = transformations.plan(selected, targetSchema);
        List<MappedTable> result = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            result.add(new MappedTable(selected.get(i), SourceFilter.NONE, transforms.get(i), 0));
        }
        return result;
    }

    public boolean selects(TableId table) {
        boolean included = false;
        for (SelectionRule rule : rules) {
            if (rule.matches(table)) {
                if (!rule.include()) {
                    return false;
                }
                included = true;
            }
        }
        return included;
    }

    public List<SelectionRule> rules() {
        return rules;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText().trim();
    }

    /** DMS patterns: {@code %} matches any run of characters; everything else is literal. */
    static Pattern like(String pattern) {
        String[] parts = pattern.split("%", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            if (!parts[i].isEmpty()) {
                regex.append(Pattern.quote(parts[i]));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
