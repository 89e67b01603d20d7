package dev.ferry.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.model.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A DMS {@code table-settings} rule: how one source table loads ({@code parallel-load}) and how
 * its LOBs move ({@code lob-settings}). As in DMS, the object-locator names one table exactly: a
 * {@code %} is refused (DMS: "Exact schema and table name required when using table settings
 * rule"); {@code _} and brackets are literal characters here. One table has at most one such rule.
 *
 * <p>What the parser cannot honour is refused, naming the JSON path and the rule: subpartitions
 * (Oracle's), LOB truncation per table ({@code mode: limited}). What depends on the source
 * (partitions) is checked when the table loads.
 *
 * @param id           rule-id
 * @param name         rule-name, empty when not given
 * @param schemaName   the source schema, exactly
 * @param tableName    the source table, exactly
 * @param parallelLoad how the table's full load is split; null when the rule does not say
 * @param lobSettings  the table's LOB handling; null when the rule does not say
 */
public record TableSettingsRule(String id, String name, String schemaName, String tableName, ParallelLoad parallelLoad,
                                LobSettings lobSettings) {

    private static final Logger LOG = LoggerFactory.getLogger(TableSettingsRule.class);
    /** DMS: "You can specify up to 10 columns". */
    static final int MAX_RANGE_COLUMNS = 10;

    /** The {@code parallel-load} types DMS documents, by their JSON names. */
    public enum Type {
        NONE("none"), RANGES("ranges"), PARTITIONS_AUTO("partitions-auto"), PARTITIONS_LIST("partitions-list"),
        SUBPARTITIONS_AUTO("subpartitions-auto");

        final String json;

        Type(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    /**
     * {@code parallel-load}. For {@link Type#RANGES}: {@code columns} and {@code boundaries}, each
     * boundary one value per column (as the JSON gives it, as text), the upper bound (exclusive, in
     * tuple order) of its segment; rows above the last boundary are one more segment. For
     * {@link Type#PARTITIONS_LIST}: {@code partitions}, by name. Lists are empty when unused.
     */
    public record ParallelLoad(Type type, List<String> columns, List<List<String>> boundaries, List<String> partitions) {
        public ParallelLoad {
            columns = List.copyOf(columns);
            boundaries = boundaries.stream().map(List::copyOf).toList();
            partitions = List.copyOf(partitions);
        }
    }

    /** {@code lob-settings}: {@code mode} ({@code limited} by default in DMS) and {@code bulk-max-size} in KB. */
    public record LobSettings(LobMode mode, long bulkMaxSizeKb) {
    }

    public enum LobMode { LIMITED, UNLIMITED, NONE }

    /** Whether this rule is about {@code table} (names compared exactly). */
    public boolean matches(TableId table) {
        return schemaName.equals(table.schema()) && tableName.equals(table.name());
    }

    /** "rule 2 ('sales')" for messages. */
    public String label() {
        return "table-settings rule " + id + (name.isEmpty() || name.equals(id) ? "" : " ('" + name + "')");
    }

    /**
     * Reads one rule whose rule-type is {@code table-settings}; adds each problem to
     * {@code problems}, prefixed with {@code where} (the rule's JSON path and id), and returns null
     * when there was one.
     */
    public static TableSettingsRule parse(JsonNode rule, String where, List<String> problems) {
        int before = problems.size();
        String id = text(rule, "rule-id");
        String name = text(rule, "rule-name");
        JsonNode locator = rule.get("object-locator");
        String schema = "";
        String table = "";
        if (locator == null || !locator.isObject()) {
            problems.add(where + ": missing object-locator");
        } else {
            schema = exactName(locator, "schema-name", where, problems);
            table = exactName(locator, "table-name", where, problems);
        }
        JsonNode parallel = rule.get("parallel-load");
        JsonNode lob = rule.get("lob-settings");
        boolean hasParallel = parallel != null && !parallel.isNull();
        boolean hasLob = lob != null && !lob.isNull();
        if (!hasParallel && !hasLob) {
            problems.add(where + ": sets neither parallel-load nor lob-settings");
        }
        for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!Set.of("rule-type", "rule-id", "rule-name", "object-locator", "parallel-load", "lob-settings",
                    "rule-action", "filters").contains(field)) {
                LOG.warn("{}: key '{}' is not a table-settings key Ferry knows; ignored", where, field);
            }
        }
        ParallelLoad load = hasParallel ? parallelLoad(parallel, where + ".parallel-load", problems) : null;
        LobSettings lobs = hasLob ? lobSettings(lob, where + ".lob-settings", problems) : null;
        if (problems.size() > before) {
            return null;
        }
        return new TableSettingsRule(id, name, schema, table, load, lobs);
    }

    /**
     * Refuses two rules for one table: DMS does not say which would win, and merging them silently
     * could split a table in a way neither rule says. Call after every rule is parsed.
     */
    public static void checkOnePerTable(List<TableSettingsRule> rules, List<String> problems) {
        Map<TableId, TableSettingsRule> seen = new HashMap<>();
        for (TableSettingsRule r : rules) {
            TableId table = new TableId(r.schemaName(), r.tableName());
            TableSettingsRule first = seen.putIfAbsent(table, r);
            if (first != null) {
                problems.add(r.label() + " and " + first.label() + " both set table " + table
                        + ": put its parallel-load and lob-settings into one rule");
            }
        }
    }

    private static String exactName(JsonNode locator, String field, String where, List<String> problems) {
        JsonNode v = locator.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            problems.add(where + ": object-locator." + field + " is missing");
            return "";
        }
        if (!v.isTextual()) {
            problems.add(where + ": object-locator." + field + " must be a string, was " + v);
            return "";
        }
        if (v.asText().contains("%")) {
            problems.add(where + ": object-locator." + field + " '" + v.asText() + "' has a wildcard; a table-settings rule "
                    + "names one table exactly, as in DMS (one rule per table)");
            return "";
        }
        return v.asText();
    }

    private static ParallelLoad parallelLoad(JsonNode node, String where, List<String> problems) {
        if (!node.isObject()) {
            problems.add(where + ": must be an object with a type, was " + node);
            return null;
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || typeNode.isNull() || typeNode.asText().isEmpty()) {
            problems.add(where + ".type is missing (one of " + known() + ")");
            return null;
        }
        String typeText = typeNode.asText().trim().toLowerCase(Locale.ROOT);
        Type type = null;
        for (Type t : Type.values()) {
            if (t.json.equals(typeText)) {
                type = t;
            }
        }
        if (type == null) {
            problems.add(where + ".type '" + typeNode.asText() + "' is unknown (known: " + known() + ")");
            return null;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!Set.of("type", "columns", "boundaries", "partitions", "subpartitions").contains(field)) {
                // MongoDB's segmentation keys (number-of-partitions, batch-size, ...) tune, they do not change what moves
                LOG.warn("{}: key '{}' applies to sources Ferry does not have; ignored", where, field);
            }
        }
        List<String> columns = new ArrayList<>();
        List<List<String>> boundaries = new ArrayList<>();
        List<String> partitions = new ArrayList<>();
        switch (type) {
            case SUBPARTITIONS_AUTO -> {
                problems.add(where + ".type 'subpartitions-auto': subpartitions are Oracle's and no Ferry source has them; use "
                        + "'partitions-auto' (a PostgreSQL source reads every leaf partition, sub-partitions included) or 'ranges'");
                return null;
            }
            case RANGES -> {
                int n = problems.size();
                strings(node.get("columns"), where + ".columns", columns, problems);
                if (problems.size() == n && columns.size() > MAX_RANGE_COLUMNS) {
                    problems.add(where + ".columns: " + columns.size() + " columns, DMS allows up to " + MAX_RANGE_COLUMNS);
                }
                if (problems.size() == n && Set.copyOf(columns).size() != columns.size()) {
                    problems.add(where + ".columns: a column is named twice " + columns);
                }
                JsonNode b = node.get("boundaries");
                if (b == null || !b.isArray() || b.isEmpty()) {
                    problems.add(where + ".boundaries must be a non-empty array of arrays of one value per column");
                } else {
                    for (int i = 0; i < b.size(); i++) {
                        JsonNode one = b.get(i);
                        String at = where + ".boundaries[" + i + "]";
                        if (!one.isArray() || (problems.size() == n && one.size() != columns.size())) {
                            problems.add(at + " must be an array of " + columns.size() + " value(s), one per column "
                                    + columns + ", was " + one);
                            continue;
                        }
                        List<String> values = new ArrayList<>();
                        for (int j = 0; j < one.size(); j++) {
                            JsonNode v = one.get(j);
                            if (!v.isValueNode() || v.isNull()) {
                                problems.add(at + "[" + j + "] must be a value (a string or a number), was " + v);
                            } else {
                                values.add(v.asText());
                            }
                        }
                        boundaries.add(values);
                    }
                }
                rejectField(node, "partitions", type, where, problems);
                rejectField(node, "subpartitions", type, where, problems);
            }
            case PARTITIONS_LIST -> {
                if (node.has("subpartitions")) {
                    problems.add(where + ".subpartitions: subpartitions are Oracle's and no Ferry source has them; list the "
                            + "partitions to load in 'partitions'");
                }
                strings(node.get("partitions"), where + ".partitions", partitions, problems);
                rejectField(node, "columns", type, where, problems);
                rejectField(node, "boundaries", type, where, problems);
            }
            case PARTITIONS_AUTO, NONE -> {
                for (String f : List.of("columns", "boundaries", "partitions", "subpartitions")) {
                    rejectField(node, f, type, where, problems);
                }
            }
            default -> throw new IllegalStateException(type.toString());
        }
        return new ParallelLoad(type, columns, boundaries, partitions);
    }

    /** A key of another type is refused: the user meant something this type does not do. */
    private static void rejectField(JsonNode node, String field, Type type, String where, List<String> problems) {
        if (node.has(field)) {
            problems.add(where + "." + field + " does not apply to type '" + type.json + "'");
        }
    }

    private static void strings(JsonNode array, String where, List<String> into, List<String> problems) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            problems.add(where + " must be a non-empty array of names");
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode v = array.get(i);
            if (!v.isTextual() || v.asText().isEmpty()) {
                problems.add(where + "[" + i + "] must be a name, was " + v);
            } else {
                into.add(v.asText());
            }
        }
    }

    private static LobSettings lobSettings(JsonNode node, String where, List<String> problems) {
        if (!node.isObject()) {
            problems.add(where + ": must be an object, was " + node);
            return null;
        }
        String modeText = text(node, "mode");
        LobMode mode;
        switch (modeText.toLowerCase(Locale.ROOT)) {
            case "", "limited" -> mode = LobMode.LIMITED;
            case "unlimited" -> mode = LobMode.UNLIMITED;
            case "none" -> mode = LobMode.NONE;
            default -> {
                problems.add(where + ".mode '" + modeText + "' is unknown (known: limited, unlimited, none)");
                return null;
            }
        }
        long size = 0;
        JsonNode sizeNode = node.get("bulk-max-size");
        if (sizeNode != null && !sizeNode.isNull()) {
            try {
                size = sizeNode.isNumber() && sizeNode.canConvertToLong() ? sizeNode.asLong() : Long.parseLong(sizeNode.asText().trim());
            } catch (NumberFormatException e) {
                problems.add(where + ".bulk-max-size must be a whole number of kilobytes, was " + sizeNode);
                return null;
            }
            if (size < 0) {
                problems.add(where + ".bulk-max-size must be 0 or more kilobytes, was " + size);
                return null;
            }
        }
        if (mode == LobMode.LIMITED) {
            if (size == 0) {
                problems.add(where + ".bulk-max-size: mode 'limited' needs a size above 0 (DMS: \"In limited mode, you must set "
                        + "a nonzero value\")");
            } else {
                problems.add(where + ": mode 'limited' (LOBs over bulk-max-size " + size + " KB truncated in this table's full "
                        + "load) is not supported per table; use mode 'unlimited' (Ferry moves every LOB whole, in the load and "
                        + "in CDC) or 'none' (the task's LOB settings apply)");
            }
            return null;
        }
        return new LobSettings(mode, size);
    }

    private static String known() {
        List<String> names = new ArrayList<>();
        for (Type t : Type.values()) {
            names.add(t.json);
        }
        return String.join(", ", names);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText().trim();
    }
}
