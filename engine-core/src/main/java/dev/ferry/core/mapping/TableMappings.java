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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * DMS table mappings: which source tables a task moves, which of their rows, and in which order.
 * Parsing dispatches on {@code rule-type}; each type parses its own rules ({@link SelectionRule}).
 * A table is selected when an include or explicit rule matches it and no exclude rule does
 * (exclusion beats inclusion, as in DMS). Rule types this version cannot honour are refused with
 * the rule named, never ignored. See docs/table-mappings.md.
 */
public final class TableMappings {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<SelectionRule> rules;
    /** The table-settings rules, one per table at most; set once, by {@link #parse}. */
    private List<TableSettingsRule> tableSettings = List.of();
    private final Transformations transformations;

    private TableMappings(List<SelectionRule> rules) {
        this(rules, List.of());
    }

    private TableMappings(List<SelectionRule> rules, List<TransformationRule> transformations) {
        this.rules = List.copyOf(rules);
        this.transformations = new Transformations(transformations, ExpressionColumns::compile);
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

    /**
     * Parses DMS table-mapping JSON; {@code origin} names the input in messages. Every problem of
     * every rule is gathered and thrown at once, one line each, naming the JSON path, the rule-id
     * and the rule-name.
     */
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
        List<SelectionRule> selections = new ArrayList<>();
        List<TransformationRule> transformations = new ArrayList<>();
        List<TableSettingsRule> settings = new ArrayList<>();
        JsonNode array = root == null ? null : root.get("rules");
        if (array == null || !array.isArray()) {
            throw new ConfigurationException("table mappings " + origin, List.of("$.rules: missing or not an array"));
        }
        Map<String, String> pathOfId = new HashMap<>();
        for (int index = 0; index < array.size(); index++) {
            JsonNode rule = array.get(index);
            String path = "$.rules[" + index + "]";
            if (!rule.isObject()) {
                problems.add(path + ": must be an object (a rule), was " + Json.kind(rule));
                continue;
            }
            String id = Json.text(rule, "rule-id");
            RuleContext at = new RuleContext(path, id, Json.text(rule, "rule-name"));
            if (id.isEmpty()) {
                at = new RuleContext(path, String.valueOf(index + 1), at.name());
            } else {
                String first = pathOfId.putIfAbsent(id, path);
                if (first != null) {
                    problems.add(at.problem(".rule-id", "rule-id " + id + " is also the rule-id of " + first
                            + "; every rule needs its own rule-id"));
                }
            }
            String type = Json.text(rule, "rule-type");
            switch (type.toLowerCase(Locale.ROOT)) {
                case "selection" -> {
                    SelectionRule r = SelectionRule.parse(rule, at, problems);
                    if (r != null) {
                        selections.add(r);
                    }
                }
                case "" -> problems.add(at.problem("missing rule-type"));
                case "transformation" -> {
                    TransformationRule t = TransformationRule.parse(rule, at.id(), at.name(), at.path() + " (rule " + at.id()
                            + (at.name().isEmpty() ? "" : " '" + at.name() + "'") + ")", problems);
                    if (t != null) {
                        transformations.add(t);
                    }
                }
                case "table-settings" -> {
                    TableSettingsRule r = TableSettingsRule.parse(rule, at.path() + " (rule " + at.id()
                            + (at.name().isEmpty() ? "" : " '" + at.name() + "'") + ")", problems);
                    if (r != null) {
                        settings.add(r);
                    }
                }
                default -> problems.add(at.problem(".rule-type", "unknown rule-type '" + type
                        + "' (known: selection, transformation, table-settings)"));
            }
        }
        if (problems.isEmpty() && selections.stream().noneMatch(SelectionRule::include)) {
            problems.add("$.rules: no selection rule with rule-action 'include' or 'explicit'");
        }
        TableSettingsRule.checkOnePerTable(settings, problems);
        if (!problems.isEmpty()) {
            throw new ConfigurationException("table mappings " + origin, problems);
        }
        TableMappings mappings = new TableMappings(selections, transformations);
        mappings.tableSettings = List.copyOf(settings);
        return mappings;
    }

    /**
     * The catalog's tables this mapping selects, sorted by name (possibly none: {@link #plan} fails
     * then). Fails when an include rule without {@code %} (or an explicit rule) names no table the source has:
     * that is a typo far more often than an intent.
     */
    public List<TableSchema> select(List<TableSchema> catalog) {
        List<String> problems = new ArrayList<>();
        for (SelectionRule rule : rules) {
            if (rule.include() && rule.closed() && catalog.stream().noneMatch(t -> rule.matches(t.id()))) {
                StringBuilder p = new StringBuilder(rule.label()).append(" selects ").append(rule.schemaPattern()).append('.')
                        .append(rule.tablePattern()).append(", which the source does not have");
                for (TableSchema t : catalog) {
                    if (t.id().schema().equalsIgnoreCase(rule.schemaPattern()) && t.id().name().equalsIgnoreCase(rule.tablePattern())) {
                        p.append(" (names are case-sensitive: the source has ").append(t.id()).append(')');
                        break;
                    }
                }
                if (rule.action() == SelectionRule.Action.EXPLICIT) {
                    p.append("; an explicit rule names one table exactly, without wildcards");
                }
                problems.add(p.toString());
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
     * How each table this mapping selects moves (its filter, its target table and rows, its load
     * order), in the order of {@link #select}. Every problem (a filter on a column the table lacks,
     * a value that does not convert to the column's type) is thrown at once.
     */
    public List<MappedTable> plan(List<TableSchema> catalog) {
        return plan(catalog, "");
    }

    /**
     * Like {@link #plan(List)}, with task setting {@code TargetMetadata.TargetSchema}: when not
     * empty, the target schema of every table before the transformation rules rename it.
     */
    public List<MappedTable> plan(List<TableSchema> catalog, String targetSchema) {
        List<String> problems = new ArrayList<>();
        List<MappedTable> result = new ArrayList<>();
        List<TableSchema> selected = select(catalog);
        if (selected.isEmpty()) {
            StringJoiner include = new StringJoiner(", ");
            StringJoiner exclude = new StringJoiner(", ");
            for (SelectionRule r : rules) {
                (r.include() ? include : exclude).add(r.label() + " " + r.schemaPattern() + "." + r.tablePattern());
            }
            throw new ConfigurationException("table mappings", List.of("the rules select none of the source's "
                    + catalog.size() + " tables (including: " + include + (exclude.length() == 0 ? "" : "; excluding: " + exclude)
                    + "); check the schema-name and table-name patterns"));
        }
        List<RowTransform> transforms = transformations.plan(selected, targetSchema);
        for (int i = 0; i < selected.size(); i++) {
            TableSchema table = selected.get(i);
            List<SelectionRule> including = new ArrayList<>();
            int loadOrder = 0;
            for (SelectionRule rule : rules) {
                if (rule.include() && rule.matches(table.id())) {
                    including.add(rule);
                    loadOrder = Math.max(loadOrder, rule.loadOrder());
                }
            }
            SourceFilter filter = RowFilter.compile(table, including, problems);
            result.add(new MappedTable(table, filter, transforms.get(i), loadOrder));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("table mappings", problems);
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

    /** The table-settings rule for {@code sourceTable}, named by its source schema and name; at most one matches. */
    public Optional<TableSettingsRule> tableSettings(TableId sourceTable) {
        return tableSettings.stream().filter(r -> r.matches(sourceTable)).findFirst();
    }

    public List<SelectionRule> rules() {
        return rules;
    }
}
