package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.mapping.TransformationRule.Action;
import dev.ferry.core.mapping.TransformationRule.Target;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transformation rules of a mapping, applied to each selected source table: its target
 * schema and table name, its columns (kept, renamed, retyped, removed, added) and its key, and the
 * {@link RowTransform} that turns its rows and changes into the target's.
 *
 * <p>Precedence, as the DMS guide documents it: "If you specify multiple transformation rules for
 * the same object (schema, table, column ...), AWS DMS applies the transformation rule with the
 * lower rule-id." Ferry reads "the same object" per aspect: of the rules that would change one
 * object's <em>name</em> (rename, convert-lowercase/-uppercase, add/remove/replace-prefix/-suffix),
 * only the one with the lowest rule-id applies; likewise of the rules that decide whether a column
 * stays (remove-column, include-column) and of those that change its type (change-data-type). A
 * rename and a type change of one column both apply. A rule overruled this way is logged once as a
 * warning naming both rules. Locators name source objects, so a rule never sees the result of
 * another (a table renamed by one rule is still located by its source name by the next).
 */
final class Transformations {

    private static final Logger LOG = LoggerFactory.getLogger(Transformations.class);

    /** What an {@code add-column} rule's expression becomes; pluggable so that the expression engine stays its own part. */
    interface ExpressionCompiler {
        /**
         * Compiles {@code rule}'s expression for {@code source}.
         *
         * @throws ConfigurationException naming the rule when the expression is bad
         */
        ExpressionColumns.Compiled compile(TransformationRule rule, TableSchema source);
    }

    private final List<TransformationRule> rules;
    private final ExpressionCompiler expressions;
    private final Set<String> warned = new LinkedHashSet<>();

    Transformations(List<TransformationRule> rules, ExpressionCompiler expressions) {
        List<TransformationRule> sorted = new ArrayList<>(rules);
        sorted.sort(TransformationRule.BY_ID);
        this.rules = List.copyOf(sorted);
        this.expressions = expressions;
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    List<TransformationRule> rules() {
        return rules;
    }

    /**
     * The transform of every selected table; refuses (one error listing every problem) a mapping
     * that would send two source tables into one target table, or any table's problem.
     */
    List<RowTransform> plan(List<TableSchema> tables, String targetSchema) {
        List<String> problems = new ArrayList<>();
        List<RowTransform> result = new ArrayList<>();
        Map<TableId, TableId> targets = new HashMap<>();
        for (TableSchema table : tables) {
            RowTransform t;
            try {
                t = transform(table, targetSchema);
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
                continue;
            }
            TableId previous = targets.put(t.target().id(), table.id());
            if (previous != null) {
                problems.add("source tables " + previous + " and " + table.id() + " would both land in target table "
                        + t.target().id() + " (DMS does not replicate two source tables into one target table either); fix: "
                        + "rename one of them with a transformation rule, or exclude one");
            }
            result.add(t);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("table mappings", problems);
        }
        return result;
    }

    /** The transform of one source table. */
    RowTransform transform(TableSchema source, String targetSchema) {
        List<String> problems = new ArrayList<>();
        TableId sid = source.id();
        String schema = targetSchema == null || targetSchema.isEmpty() ? sid.schema() : targetSchema;
        TransformationRule schemaRule = first(sid, Target.SCHEMA, null, Kind.NAME);
        if (schemaRule != null) {
            schema = schemaRule.rename(schema);
        }
        String tableName = sid.name();
        TransformationRule tableRule = first(sid, Target.TABLE, null, Kind.NAME);
        if (tableRule != null) {
            tableName = tableRule.rename(tableName);
        }
        if (schema.isEmpty() || tableName.isEmpty()) {
            problems.add((schema.isEmpty() ? schemaRule : tableRule).label() + ": leaves source table " + sid
                    + " without a target " + (schema.isEmpty() ? "schema" : "table") + " name");
            throw new ConfigurationException("table mappings", problems);
        }
        TableId tid = new TableId(schema, tableName);
        boolean includeMode = false;
        for (TransformationRule r : rules) {
            includeMode |= r.action() == Action.INCLUDE_COLUMN && r.locatesTable(sid);
        }

        List<Column> columns = new ArrayList<>();
        List<Integer> from = new ArrayList<>();
        List<ValueConversion> conversions = new ArrayList<>();
        List<TableTransform.Added> added = new ArrayList<>();
        List<Integer> beforeOf = new ArrayList<>();
        List<String> madeBy = new ArrayList<>();
        Map<String, String> nameOwner = new HashMap<>(); // target column name -> what made it, for collisions
        String[] targetNameOf = new String[source.columns().size()];
        List<String> removedKey = new ArrayList<>();
        TransformationRule removedKeyRule = null;
        boolean changed = !tid.equals(sid);

        for (int i = 0; i < source.columns().size(); i++) {
            Column c = source.columns().get(i);
            TransformationRule presence = first(sid, Target.COLUMN, c, Kind.PRESENCE);
            boolean keep = presence == null ? !includeMode : presence.action() == Action.INCLUDE_COLUMN;
            if (!keep) {
                changed = true;
                if (source.primaryKey().contains(c.name())) {
                    removedKey.add(c.name());
                    removedKeyRule = presence;
                }
                continue;
            }
            String name = c.name();
            TransformationRule naming = first(sid, Target.COLUMN, c, Kind.NAME);
            if (naming != null) {
                name = naming.rename(name);
                if (name.isEmpty()) {
                    problems.add(naming.label() + ": leaves column " + c.name() + " of " + sid + " without a name");
                    continue;
                }
            }
            TransformationRule typing = first(sid, Target.COLUMN, c, Kind.TYPE);
            LogicalType type = c.type();
            ValueConversion conversion = null;
            Column column = new Column(name, type, c.nullable(), c.nativeType(), c.generatedAs());
            if (typing != null) {
                type = typing.dataType().type();
                if (c.generated()) {
                    problems.add(typing.label() + ": column " + c.name() + " of " + sid + " is generated by the source ("
                            + c.generatedAs() + "), and the target computes it the same way; its type cannot change");
                    continue;
                }
                try {
                    conversion = ValueConversion.between(c.type(), type);
                } catch (IllegalArgumentException e) {
                    problems.add(typing.label() + ": column " + c.name() + " of " + sid + ": " + e.getMessage()
                            + "; choose another data-type");
                    continue;
                }
                column = new Column(name, type, c.nullable(), "", "");
            }
            if (!name.equals(c.name()) || typing != null) {
                changed = true;
            }
            String why = naming != null ? naming.label() : typing != null ? typing.label() : "source column " + c.name();
            claim(nameOwner, name, why, sid, problems);
            targetNameOf[i] = name;
            columns.add(column);
            from.add(i);
            conversions.add(conversion);
            added.add(null);
            beforeOf.add(-1);
            madeBy.add(why);
        }

        // added columns, in rule-id order, after the source's
        for (TransformationRule r : rules) {
            if (r.action() != Action.ADD_COLUMN || !r.locatesTable(sid)) {
                continue;
            }
            changed = true;
            claim(nameOwner, r.value(), r.label(), sid, problems);
            ExpressionColumns.Compiled value = r.expression() == null ? null : compile(r, source, problems);
            LogicalType type = r.dataType() != null ? r.dataType().type() : value != null ? value.type() : null;
            if (type == null) {
                if (value != null) {
                    problems.add(r.label() + ": the type of expression " + r.expression() + " is not known before it runs; "
                            + "give the rule a data-type");
                }
                continue;
            }
            columns.add(new Column(r.value(), type, true));
            from.add(-1);
            conversions.add(ValueConversion.to(type));
            added.add(value == null ? TableTransform.Added.NULL : value);
            beforeOf.add(-1);
            madeBy.add(r.label());
        }

        // before-image columns, in rule-id order, last
        for (TransformationRule r : rules) {
            if (r.action() != Action.ADD_BEFORE_IMAGE_COLUMNS || !r.locatesTable(sid)) {
                continue;
            }
            for (int i = 0; i < source.columns().size(); i++) {
                Column c = source.columns().get(i);
                if (targetNameOf[i] == null || !r.locatesColumn(c.name()) || !passes(r.beforeImage().filter(), source, c)) {
                    continue;
                }
                changed = true;
                String name = r.beforeImage().prefix() + targetNameOf[i] + r.beforeImage().suffix();
                claim(nameOwner, name, r.label(), sid, problems);
                int at = from.indexOf(i);
                columns.add(new Column(name, columns.get(at).type(), true, columns.get(at).nativeType()));
                from.add(-1);
                conversions.add(conversions.get(at));
                added.add(null);
                beforeOf.add(i);
                madeBy.add(r.label());
            }
        }

        // the key: the source's under its target names, or the one a define-primary-key rule gives
        List<String> key = new ArrayList<>();
        TransformationRule keyRule = first(sid, Target.TABLE, null, Kind.KEY);
        List<Integer> outside = new ArrayList<>();
        if (keyRule != null) {
            changed = true;
            for (String k : keyRule.keyColumns()) {
                int at = indexOfTarget(columns, k);
                if (at < 0) {
                    int s = source.columnIndex(k);
                    at = s >= 0 && targetNameOf[s] != null ? from.indexOf(s) : -1;
                }
                if (at < 0 || from.get(at) < 0) {
                    problems.add(keyRule.label() + ": primary-key-def column " + k + " is not a column of target table " + tid
                            + " that comes from source table " + sid + " (columns: " + String.join(", ", names(columns)) + ")");
                    continue;
                }
                key.add(columns.get(at).name());
                if (!source.primaryKey().contains(source.columns().get(from.get(at)).name())) {
                    outside.add(at);
                }
            }
        } else if (!removedKey.isEmpty()) {
            problems.add(removedKeyRule == null ? "include-column rules of " + sid + " leave out primary-key column(s) "
                    + String.join(", ", removedKey) : removedKeyRule.label() + ": removes primary-key column(s) "
                    + String.join(", ", removedKey) + " of " + sid + ", which changes are applied by; fix: keep the column(s), "
                    + "or give the target a key of other columns with a define-primary-key rule");
        } else {
            for (String k : source.primaryKey()) {
                key.add(targetNameOf[source.columnIndex(k)]);
            }
        }
        boolean flags = false;
        String flagRule = null;
        for (int i = 0; i < added.size(); i++) {
            if (added.get(i) != null && added.get(i).flagsDeletes()) {
                flags = true;
                flagRule = madeBy.get(i);
            }
        }
        if (flags && key.isEmpty()) {
            problems.add(flagRule + ": operation_indicator needs a primary key on the target (DMS: it works only on tables "
                    + "that have one), and " + tid + " has none; fix: give it one with a define-primary-key rule");
        }
        if (columns.isEmpty() && problems.isEmpty()) {
            problems.add("transformation rules remove every column of " + sid);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException("table mappings", problems);
        }
        if (!changed) {
            return RowTransform.identity(source);
        }
        TableSchema target;
        try {
            target = new TableSchema(tid, columns, key, source.estimatedRows());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("table mappings: target table " + tid + " of " + sid + ": " + e.getMessage());
        }
        return new TableTransform(source, target, ints(from), conversions.toArray(new ValueConversion[0]),
                added.toArray(new TableTransform.Added[0]), ints(beforeOf), madeBy.toArray(new String[0]), ints(outside),
                keyRule == null ? "" : keyRule.label());
    }

    private ExpressionColumns.Compiled compile(TransformationRule r, TableSchema source, List<String> problems) {
        if (expressions == null) {
            problems.add(r.label() + ": add-column expressions are not available in this build");
            return null;
        }
        try {
            return expressions.compile(r, source);
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    private enum Kind { NAME, PRESENCE, TYPE, KEY }

    private static boolean is(Action a, Kind kind) {
        return switch (kind) {
            case NAME -> a.renames();
            case PRESENCE -> a == Action.REMOVE_COLUMN || a == Action.INCLUDE_COLUMN;
            case TYPE -> a == Action.CHANGE_DATA_TYPE;
            case KEY -> a == Action.DEFINE_PRIMARY_KEY;
        };
    }

    /**
     * The rule with the lowest rule-id of {@code kind} locating the object (a schema or table of
     * {@code table}, or its column {@code column}); every other one is overruled (logged once).
     */
    private TransformationRule first(TableId table, Target target, Column column, Kind kind) {
        TransformationRule winner = null;
        for (TransformationRule r : rules) {
            if (r.target() != target || !is(r.action(), kind) || !r.locatesTable(table)) {
                continue;
            }
            if (column != null && (!r.locatesColumn(column.name()) || !ofType(r, column))) {
                continue;
            }
            if (winner == null) {
                winner = r;
            } else {
                String object = target == Target.SCHEMA ? "schema " + table.schema()
                        : target == Target.TABLE ? "table " + table : "column " + column.name() + " of " + table;
                if (warned.add(r.label() + object)) {
                    LOG.warn("table mappings: {} and {} both act on {}; {} applies, as DMS applies the rule with the lower "
                            + "rule-id", winner.label(), r.label(), object, winner.label());
                }
            }
        }
        return winner;
    }

    /** object-locator.data-type: the column's type, in DMS's names. */
    private static boolean ofType(TransformationRule r, Column c) {
        if (r.ofDataType() == null || r.ofDataType().isEmpty()) {
            return true;
        }
        return dmsTypes(c.type()).contains(r.ofDataType());
    }

    /** The DMS type names a neutral type answers to in an object-locator's data-type. */
    static Set<String> dmsTypes(LogicalType t) {
        return switch (t.kind()) {
            case BOOLEAN -> Set.of("boolean");
            case INT16 -> Set.of("int2");
            case INT32 -> Set.of("int4");
            case INT64 -> Set.of("int8");
            case DECIMAL -> Set.of("numeric");
            case FLOAT32 -> Set.of("real4");
            case FLOAT64 -> Set.of("real8");
            case CHAR, VARCHAR -> Set.of("string", "wstring");
            case TEXT, JSON, XML -> Set.of("clob", "nclob");
            case BYTES -> Set.of("bytes", "blob");
            case DATE -> Set.of("date");
            case TIME, TIMETZ -> Set.of("time");
            case TIMESTAMP, TIMESTAMPTZ -> Set.of("datetime");
            case UUID, INTERVAL -> Set.of("string");
        };
    }

    /** before-image-def.column-filter: pk-only, non-lob or all. */
    private static boolean passes(String filter, TableSchema source, Column c) {
        return switch (filter) {
            case "pk-only" -> source.primaryKey().contains(c.name());
            case "non-lob" -> {
                TypeKind k = c.type().kind();
                yield k != TypeKind.TEXT && k != TypeKind.BYTES && k != TypeKind.JSON && k != TypeKind.XML;
            }
            default -> true;
        };
    }

    private static void claim(Map<String, String> owners, String name, String why, TableId table, List<String> problems) {
        String previous = owners.putIfAbsent(name, why);
        if (previous != null) {
            problems.add(why + ": target column " + name + " of " + table + " already comes from " + previous
                    + "; fix: give one of them another name");
        }
    }

    private static int indexOfTarget(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> names(List<Column> columns) {
        return columns.stream().map(Column::name).toList();
    }

    private static int[] ints(List<Integer> list) {
        int[] result = new int[list.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = list.get(i);
        }
        return result;
    }
}
