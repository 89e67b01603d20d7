package dev.ferry.postgres.fuzz;

import dev.ferry.postgres.PgIdentifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/**
 * One generated source table: its columns, key, replica identity and shape, the DDL that creates it
 * and the rows it starts with. The column list changes when the workload drops and adds a column.
 */
final class FuzzTable {

    enum Role { KEY, PART, UNIQUE, SELECTOR, VALUE, GENERATED }

    enum Identity { DEFAULT, FULL, NOTHING, INDEX }

    /** What Ferry must do with the table: replicate it, refuse it at start, or either (the issue leaves the choice). */
    enum Expect { CONVERGE, REFUSE, CONVERGE_OR_REFUSE }

    static final class Column {
        final String name;
        final FuzzType type;
        final boolean nullable;
        final Role role;
        /** A DEFAULT added with the column after rows existed (PostgreSQL's "missing" value), or null. */
        final String addedDefault;

        Column(String name, FuzzType type, boolean nullable, Role role, String addedDefault) {
            this.name = name;
            this.type = type;
            this.nullable = nullable;
            this.role = role;
            this.addedDefault = addedDefault;
        }

        String q() {
            return PgIdentifiers.quote(name);
        }
    }

    final String schema;
    final String name;
    final List<Column> columns = new ArrayList<>();
    final boolean keyless;
    final Identity identity;
    final boolean deferrable;
    final boolean initiallyDeferred;
    final boolean partitioned;
    final boolean partitionWithOtherOrder;
    final boolean droppedColumnAtSetup;
    final boolean unlogged;
    /** A unique index like the source's unique constraint is created on the target after the full load. */
    final boolean targetUnique;
    final int initialRows;
    int bulkRows;
    final Expect expect;
    /** The issue 8 case a failure of this table most likely belongs to, or "" (for reports). */
    final String suspect;
    /** Next fresh key / unique value number; the writer that owns the table advances it. */
    long counter;
    /** Set once the workload dropped and added a column: the task must stop naming the table (or converge). */
    volatile boolean ddlDone;

    FuzzTable(Random r, java.util.Set<Feature> f, FuzzTypes types, String schema, String name, boolean first) {
        this.schema = schema;
        this.name = name;
        // the switches of the keyless cases make keyless tables common: the first one of each scenario, half of the others
        boolean keylessCase = f.contains(Feature.KEYLESS_CHAR) || f.contains(Feature.KEYLESS_TIMETZ);
        this.keyless = r.nextInt(keylessCase ? 2 : 4) == 0 || keylessCase && first;
        this.partitioned = f.contains(Feature.PARTITIONS) && r.nextInt(4) == 0;
        this.unlogged = f.contains(Feature.UNLOGGED) && !partitioned && r.nextInt(8) == 0;
        boolean deferrableWanted = !keyless && f.contains(Feature.DEFERRABLE_KEYS) && r.nextBoolean();
        Identity id;
        if (keyless) {
            id = r.nextInt(10) == 0 ? Identity.DEFAULT : Identity.FULL;
        } else {
            int d = r.nextInt(100);
            if (!partitioned && f.contains(Feature.IDENTITY_INDEX) && d < 30) {
                id = Identity.INDEX;
            } else if (f.contains(Feature.DEFERRABLE_KEYS) && d >= 94) {
                id = Identity.NOTHING;
            } else if (d < 55) {
                id = Identity.FULL;
            } else {
                id = Identity.DEFAULT;
            }
        }
        this.identity = id;
        this.deferrable = deferrableWanted && id != Identity.INDEX;
        this.initiallyDeferred = deferrable && r.nextBoolean();

        // columns: key first or mixed in; a dropped column at setup shifts attribute numbers
        List<Column> key = new ArrayList<>();
        if (!keyless) {
            int keys = r.nextInt(10) < 7 ? 1 : r.nextInt(10) < 7 ? 2 : 3;
            for (int i = 0; i < keys; i++) {
                FuzzType t = i == 0 && (deferrable || r.nextInt(3) == 0) ? types.int4Key() : types.key(r);
                key.add(new Column("k" + i + "_" + t.name(), t, false, Role.KEY, null));
            }
        }
        List<Column> values = new ArrayList<>();
        if (partitioned) {
            FuzzType p = FuzzType.of("p", "integer", x -> String.valueOf(x.nextInt(4))).withKey(
                    new FuzzType.Key(n -> "((" + n + ") % 4)", null));
            values.add(new Column("p", p, false, keyless ? Role.SELECTOR : Role.PART, null));
        }
        if (keyless) {
            values.add(new Column("sel", FuzzType.of("sel", "integer", x -> String.valueOf(x.nextInt(20))), true, Role.SELECTOR, null));
        }
        boolean unique = !keyless && !partitioned && (id == Identity.INDEX || r.nextInt(10) < 3 || (f.contains(Feature.TARGET_UNIQUE)
                && r.nextInt(2) == 0));
        if (unique) {
            values.add(new Column("u", FuzzTypes.uniqueText(), id != Identity.INDEX && r.nextBoolean(), Role.UNIQUE, null));
        }
        this.targetUnique = unique && f.contains(Feature.TARGET_UNIQUE);
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            FuzzType t = types.value(r, keyless);
            values.add(new Column(odd(r, "c" + i + "_" + t.name()), t, r.nextInt(5) != 0, Role.VALUE, null));
        }
        // the switches of the keyless cases make their shape common, not a rare draw
        if (keyless && f.contains(Feature.KEYLESS_CHAR)) {
            FuzzType t = types.charType(r);
            values.add(new Column("c" + n + "_" + t.name(), t, r.nextBoolean(), Role.VALUE, null));
        }
        if (keyless && f.contains(Feature.KEYLESS_TIMETZ)) {
            FuzzType t = types.timetzType(r);
            values.add(new Column("c" + (n + 1) + "_" + t.name(), t, r.nextBoolean(), Role.VALUE, null));
        }
        List<Column> all = new ArrayList<>(values);
        for (Column k : key) {
            all.add(r.nextInt(3) == 0 ? r.nextInt(all.size() + 1) : 0, k);
        }
        columns.addAll(all);
        if (f.contains(Feature.GENERATED_COLUMNS) && !partitioned && r.nextInt(6) == 0) {
            Column base = keyless ? values.stream().filter(c -> c.role == Role.SELECTOR).findFirst().orElseThrow() : key.get(0);
            FuzzType g = FuzzType.of("gen", "integer GENERATED ALWAYS AS (num_nulls(" + base.q() + ") + 7) STORED", x -> "DEFAULT");
            columns.add(r.nextInt(columns.size() + 1), new Column("gen", g, true, Role.GENERATED, null));
        }
        this.droppedColumnAtSetup = r.nextInt(6) == 0;
        if (r.nextInt(6) == 0) {
            FuzzType t = types.value(r, keyless);
            String dflt = t.values().apply(r);
            columns.add(new Column("added_" + t.name(), t, true, Role.VALUE, f.contains(Feature.COLUMN_DEFAULTS) ? dflt : "NULL"));
        }
        this.partitionWithOtherOrder = partitioned && r.nextBoolean();
        this.initialRows = r.nextInt(10) == 0 ? 0 : r.nextInt(150);
        this.bulkRows = r.nextInt(8) == 0 ? 2000 + r.nextInt(18000) : 0;
        this.counter = 1;

        Expect e;
        String why;
        if (keyless && id != Identity.FULL) {
            e = Expect.REFUSE;
            why = "";
        } else if (unlogged) {
            e = Expect.CONVERGE_OR_REFUSE;
            why = "new: an UNLOGGED table writes no WAL, so CDC never sees its changes";
        } else if (keyless) {
            e = Expect.CONVERGE;
            why = "";
        } else if (id == Identity.NOTHING || (deferrable && id == Identity.DEFAULT)) {
            e = Expect.REFUSE;
            why = "case 2 (deferrable key / REPLICA IDENTITY NOTHING)";
        } else if (deferrable) {
            e = Expect.CONVERGE_OR_REFUSE;
            why = "case 2 (deferrable key)";
        } else if (id == Identity.INDEX) {
            e = Expect.CONVERGE_OR_REFUSE;
            why = "case 1 (REPLICA IDENTITY USING INDEX)";
        } else if (partitioned) {
            e = Expect.CONVERGE;
            why = "case 9 (partitioned table)";
        } else if (targetUnique) {
            e = Expect.CONVERGE;
            why = "case 10 (unique index on the target)";
        } else {
            e = Expect.CONVERGE;
            why = "";
        }
        String refusable = refusableBecause(f);
        if (e == Expect.CONVERGE && refusable != null) {
            // the issue (or the fix of a new defect) may refuse these at start instead of replicating them
            e = Expect.CONVERGE_OR_REFUSE;
            why = refusable;
        }
        this.expect = e;
        this.suspect = why;
    }

    /** Why Ferry may refuse this table at start rather than replicate it (a shape the issue lets it refuse), or null. */
    private String refusableBecause(java.util.Set<Feature> f) {
        for (Column c : columns) {
            if (c.type.feature() == Feature.ARRAYS) {
                return "case 3 (arrays on the CDC path): converted or refused at start";
            }
            if (keyless && c.type.ddl().startsWith("timetz")) {
                return "case 5 (timetz in a keyless table): compared by instant or refused at start";
            }
            if (c.type.feature() == Feature.TIMETZ_KEYS) {
                return "new, keyed form of case 5 (timetz key)";
            }
            if (c.type.feature() == Feature.TEXT_TYPES_CDC) {
                return "new: " + c.type.ddl() + " arrives in Debezium's form on the CDC path";
            }
            if (c.role == Role.GENERATED) {
                return "new: a stored generated column, which pgoutput does not send";
            }
        }
        if (f.contains(Feature.QUOTES_IN_NAMES) && (schema.contains("\"") || name.contains("\""))) {
            return "new: a double quote in the schema or table name stops Debezium";
        }
        return null;
    }

    void forceBulk(int rows) {
        bulkRows = rows;
    }

    /** Now and then an identifier that needs quoting everywhere. */
    private static String odd(Random r, String base) {
        return switch (r.nextInt(25)) {
            case 0 -> "Mixed " + base;
            case 1 -> base + "\"q";
            case 2 -> "order" + base.substring(1);
            default -> base;
        };
    }

    String q() {
        return PgIdentifiers.quote(schema) + "." + PgIdentifiers.quote(name);
    }

    String qPart(String suffix) {
        return PgIdentifiers.quote(schema) + "." + PgIdentifiers.quote(name + suffix);
    }

    List<Column> key() {
        return columns.stream().filter(c -> c.role == Role.KEY || c.role == Role.PART && !keyless).toList();
    }

    Column unique() {
        return columns.stream().filter(c -> c.role == Role.UNIQUE).findFirst().orElse(null);
    }

    Column selector() {
        return columns.stream().filter(c -> c.role == Role.SELECTOR && !c.name.equals("p")).findFirst().orElse(null);
    }

    Column partition() {
        return columns.stream().filter(c -> c.name.equals("p") && partitioned).findFirst().orElse(null);
    }

    List<Column> valueColumns() {
        return columns.stream().filter(c -> c.role == Role.VALUE).toList();
    }

    boolean hasToastable() {
        return columns.stream().anyMatch(c -> c.role == Role.VALUE && c.type.toastable());
    }

    /** A description for reports. */
    String shape() {
        StringJoiner j = new StringJoiner(", ");
        j.add(keyless ? "keyless" : key().size() > 1 ? "composite key" : "keyed");
        j.add("identity " + identity);
        if (unlogged) {
            j.add("UNLOGGED");
        }
        if (columns.stream().anyMatch(c -> c.role == Role.GENERATED)) {
            j.add("a generated column");
        }
        if (deferrable) {
            j.add(initiallyDeferred ? "deferrable key (initially deferred)" : "deferrable key");
        }
        if (partitioned) {
            j.add(partitionWithOtherOrder ? "partitioned (a partition with another column order)" : "partitioned");
        }
        if (targetUnique) {
            j.add("unique index on the target");
        }
        if (droppedColumnAtSetup) {
            j.add("a column dropped before the start");
        }
        if (columns.stream().anyMatch(c -> c.addedDefault != null)) {
            j.add("a column added with a default after rows existed");
        }
        if (bulkRows > 0) {
            j.add(bulkRows + " bulk rows");
        }
        return j.toString();
    }

    private String columnDdl(Column c) {
        return c.q() + " " + c.type.ddl() + (c.nullable ? "" : " NOT NULL");
    }

    /** The statements that create the table (without its rows). */
    List<String> ddl() {
        List<String> out = new ArrayList<>();
        StringJoiner cols = new StringJoiner(", ");
        List<Column> create = columns.stream().filter(c -> c.addedDefault == null).toList();
        for (int i = 0; i < create.size(); i++) {
            cols.add(columnDdl(create.get(i)));
            if (droppedColumnAtSetup && i == 0) {
                cols.add("fz_dropped integer");
            }
        }
        if (!keyless) {
            cols.add("PRIMARY KEY (" + String.join(", ", key().stream().map(Column::q).toList()) + ")"
                    + (deferrable ? " DEFERRABLE" + (initiallyDeferred ? " INITIALLY DEFERRED" : "") : ""));
        }
        Column u = unique();
        if (u != null) {
            cols.add("CONSTRAINT " + PgIdentifiers.quote(name + "_u") + " UNIQUE (" + u.q() + ")");
        }
        out.add("CREATE " + (unlogged ? "UNLOGGED " : "") + "TABLE " + q() + " (" + cols + ")" + (partitioned ? " PARTITION BY LIST (p)" : ""));
        if (droppedColumnAtSetup) {
            out.add("ALTER TABLE " + q() + " DROP COLUMN fz_dropped");
        }
        if (partitioned) {
            out.add("CREATE TABLE " + qPart("_p01") + " PARTITION OF " + q() + " FOR VALUES IN (0, 1)");
            if (partitionWithOtherOrder) {
                StringJoiner rev = new StringJoiner(", ");
                rev.add("fz_gone integer");
                for (int i = create.size() - 1; i >= 0; i--) {
                    rev.add(columnDdl(create.get(i)));
                }
                out.add("CREATE TABLE " + qPart("_p2") + " (" + rev + ")");
                out.add("ALTER TABLE " + qPart("_p2") + " DROP COLUMN fz_gone");
                out.add("ALTER TABLE " + q() + " ATTACH PARTITION " + qPart("_p2") + " FOR VALUES IN (2)");
            } else {
                out.add("CREATE TABLE " + qPart("_p2") + " PARTITION OF " + q() + " FOR VALUES IN (2)");
            }
            out.add("CREATE TABLE " + qPart("_pd") + " PARTITION OF " + q() + " DEFAULT");
        }
        out.addAll(identityDdl(identity));
        return out;
    }

    List<String> identityDdl(Identity id) {
        List<String> out = new ArrayList<>();
        List<String> targets = new ArrayList<>(List.of(q()));
        if (partitioned) {
            targets.addAll(List.of(qPart("_p01"), qPart("_p2"), qPart("_pd")));
        }
        switch (id) {
            case DEFAULT -> {
            }
            case FULL, NOTHING -> targets.forEach(t -> out.add("ALTER TABLE " + t + " REPLICA IDENTITY " + id));
            case INDEX -> out.add("ALTER TABLE " + q() + " REPLICA IDENTITY USING INDEX " + PgIdentifiers.quote(name + "_u"));
        }
        return out;
    }

    /** The statements that add the rows the table starts with (and the columns added after them). */
    List<String> initialData(Random r, java.util.function.IntFunction<String> big) {
        List<String> out = new ArrayList<>();
        List<Column> present = columns.stream().filter(c -> c.addedDefault == null).toList();
        for (int i = 0; i < initialRows; i += 20) {
            int n = Math.min(20, initialRows - i);
            out.add(insert(r, present, n, big));
        }
        if (bulkRows > 0) {
            // one set of values for every bulk row but the key: quick to make, quick to print
            StringJoiner names = new StringJoiner(", ");
            StringJoiner exprs = new StringJoiner(", ");
            for (Column c : present) {
                if (c.role != Role.GENERATED) {
                    names.add(c.q());
                    exprs.add(freshOrValue(c, "g", r, big, true));
                }
            }
            out.add("INSERT INTO " + q() + " (" + names + ") SELECT " + exprs + " FROM generate_series(" + counter + ", "
                    + (counter + bulkRows - 1) + ") g");
            counter += bulkRows;
        }
        for (Column c : columns) {
            if (c.addedDefault != null) {
                out.add("ALTER TABLE " + q() + " ADD COLUMN " + c.q() + " " + c.type.ddl() + " DEFAULT " + c.addedDefault);
            }
        }
        return out;
    }

    /** INSERT of {@code n} new rows with fresh keys. */
    String insert(Random r, List<Column> all, int n, java.util.function.IntFunction<String> big) {
        List<Column> cols = all.stream().filter(c -> c.role != Role.GENERATED).toList();
        StringJoiner names = new StringJoiner(", ");
        for (Column c : cols) {
            names.add(c.q());
        }
        StringJoiner rows = new StringJoiner(", ");
        for (int i = 0; i < n; i++) {
            StringJoiner v = new StringJoiner(", ", "(", ")");
            long fresh = counter++;
            for (Column c : cols) {
                v.add(freshOrValue(c, String.valueOf(fresh), r, big, false));
            }
            rows.add(v.toString());
        }
        return "INSERT INTO " + q() + " (" + names + ") VALUES " + rows;
    }

    String freshOrValue(Column c, String n, Random r, java.util.function.IntFunction<String> big, boolean series) {
        return switch (c.role) {
            case KEY, PART -> c.type.key().fresh().apply(n);
            case UNIQUE -> c.type.key().fresh().apply(n);
            case SELECTOR -> series ? "((" + n + ") % " + (c.name.equals("p") ? 4 : 20) + ")" : c.type.values().apply(r);
            case GENERATED -> "DEFAULT";
            case VALUE -> series ? (c.nullable && r.nextInt(8) == 0 ? "NULL" : c.type.values().apply(r)) : value(c, r, big);
        };
    }

    /** A random value for a value column: NULL, large (TOASTed) or ordinary. */
    static String value(Column c, Random r, java.util.function.IntFunction<String> big) {
        if (c.nullable && r.nextInt(8) == 0) {
            return "NULL";
        }
        if (c.type.toastable() && r.nextInt(10) == 0) {
            return c.type.big().apply(big.apply(r.nextInt(1_000_000)));
        }
        return c.type.values().apply(r);
    }
}
