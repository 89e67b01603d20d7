package dev.ferry.postgres.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The types the generator uses: every type the PostgreSQL source reads natively (PgType, PgCatalog),
 * domains over them, enums, composite types, arrays, and a spread of types that travel as text
 * (network, geometric, ranges, bit strings, money, text search, hstore).
 */
final class FuzzTypes {

    /** Types, functions and extensions the generated tables use; run once on every source database. */
    private static final List<String> SETUP = List.of(
            "CREATE EXTENSION IF NOT EXISTS citext",
            "CREATE EXTENSION IF NOT EXISTS hstore",
            "CREATE TYPE fz_mood AS ENUM ('sad', 'ok', 'happy', 'with space', 'Ünï', 'a,b\"c', 'NULL')",
            "CREATE TYPE fz_pair AS (a int, b text)",
            "CREATE DOMAIN fz_posint AS integer CHECK (VALUE > 0)",
            "CREATE DOMAIN fz_code AS varchar(8)",
            "CREATE DOMAIN fz_amount AS numeric(12,3)",
            // A long text of hex digits that pglz cannot compress: TOASTed out of line once above 2 kB.
            "CREATE FUNCTION fz_blob(k int, n int) RETURNS text LANGUAGE sql IMMUTABLE AS "
                    + "$$ SELECT string_agg(md5(k || '.' || g), '' ORDER BY g) FROM generate_series(1, n) g $$");

    private static final UnaryOperator<String> TRIM_SCALE = x -> "trim_scale(" + x + ")";
    private static final UnaryOperator<String> UTC = x -> "(" + x + " AT TIME ZONE 'UTC')";

    private static UnaryOperator<String> elementwise(UnaryOperator<String> f) {
        return x -> "(CASE WHEN " + x + " IS NULL THEN NULL WHEN cardinality(" + x + ") = 0 THEN '{}' ELSE "
                + "(SELECT array_agg(" + f.apply("e") + " ORDER BY o) FROM unnest(" + x + ") WITH ORDINALITY AS u(e, o))::text END)";
    }

    /** A family of types: the tags decide which switch a use of it needs. */
    private record Family(int weight, Function<Random, FuzzType> make, boolean charLike, boolean timetzLike, Feature feature) {
    }

    private static Family f(int weight, Function<Random, FuzzType> make) {
        return new Family(weight, make, false, false, null);
    }

    static List<String> setup(Set<Feature> features) {
        List<String> out = new ArrayList<>(SETUP);
        if (features.contains(Feature.DOMAIN_OVER_ENUM)) {
            out.add("CREATE DOMAIN fz_dmood AS fz_mood");
        }
        return out;
    }

    private final List<Family> VALUE_FAMILIES = new ArrayList<>();
    private final List<Family> KEY_FAMILIES = new ArrayList<>();
    private final Set<Feature> features;

    FuzzTypes(Set<Feature> features) {
        this.features = features;
        boolean t24 = features.contains(Feature.TIME_24);
        boolean micros6 = features.contains(Feature.INTERVAL_MICROS);
        // --- read natively in binary
        VALUE_FAMILIES.add(f(3, r -> FuzzType.of("bool", "boolean", Literals::bool)));
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("i2", "smallint", Literals::int2)));
        VALUE_FAMILIES.add(f(3, r -> FuzzType.of("i4", "integer", Literals::int4)));
        VALUE_FAMILIES.add(f(3, r -> FuzzType.of("i8", "bigint", Literals::int8)));
        VALUE_FAMILIES.add(f(4, r -> {
            int p = 1 + r.nextInt(38);
            int s = r.nextInt(p + 1);
            return FuzzType.of("num", "numeric(" + p + "," + s + ")", x -> Literals.numeric(x, p, s));
        }));
        VALUE_FAMILIES.add(f(3, r -> FuzzType.of("numfree", "numeric", Literals::numericFree).comparedAs(null, TRIM_SCALE)));
        VALUE_FAMILIES.add(f(1, r -> {
            int p = 1 + r.nextInt(6);
            int s = 1 + r.nextInt(3);
            return FuzzType.of("numneg", "numeric(" + p + ",-" + s + ")", x -> Literals.numericNegativeScale(x, p, s))
                    .comparedAs(null, TRIM_SCALE);
        }));
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("f4", "real", Literals::float4)));
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("f8", "double precision", Literals::float8)));
        VALUE_FAMILIES.add(new Family(3, r -> {
            int n = 1 + r.nextInt(10);
            return FuzzType.of("ch", "char(" + n + ")", x -> Literals.text(x, n));
        }, true, false, null));
        VALUE_FAMILIES.add(f(3, r -> {
            int n = 1 + r.nextInt(30);
            return FuzzType.of("vc", "varchar(" + n + ")", x -> Literals.text(x, n));
        }));
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("vcfree", "varchar", x -> Literals.text(x, 20)).withBig(b -> b + "::varchar")));
        VALUE_FAMILIES.add(f(6, r -> FuzzType.of("txt", "text", x -> Literals.text(x, 30)).withBig(b -> b)));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("name", "name", x -> Literals.quote(Literals.ascii(x, 20)))));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("qchar", "\"char\"", x -> Literals.quote(Literals.ascii(x, 1)))));
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("citext", "citext", x -> Literals.text(x, 15)).withBig(b -> b + "::citext")));
        VALUE_FAMILIES.add(f(4, r -> FuzzType.of("bytea", "bytea", x -> Literals.bytes(x, 40)).withBig(b -> "decode(" + b + ", 'hex')")));
        VALUE_FAMILIES.add(f(3, r -> FuzzType.of("date", "date", Literals::date)));
        VALUE_FAMILIES.add(f(2, r -> {
            String p = r.nextBoolean() ? "" : "(" + r.nextInt(7) + ")";
            return FuzzType.of("time", "time" + p, x -> Literals.time(x, t24));
        }));
        VALUE_FAMILIES.add(new Family(2, r -> {
            String p = r.nextBoolean() ? "" : "(" + r.nextInt(7) + ")";
            return FuzzType.of("timetz", "timetz" + p, x -> Literals.timetz(x, t24)).comparedAs(null, UTC);
        }, false, true, null));
        VALUE_FAMILIES.add(f(3, r -> {
            String p = r.nextBoolean() ? "" : "(" + r.nextInt(7) + ")";
            return FuzzType.of("ts", "timestamp" + p, Literals::timestamp);
        }));
        VALUE_FAMILIES.add(f(3, r -> {
            String p = r.nextBoolean() ? "" : "(" + r.nextInt(7) + ")";
            return FuzzType.of("tstz", "timestamptz" + p, Literals::timestamptz);
        }));
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("uuid", "uuid", Literals::uuid)));
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("json", "json", x -> Literals.quote(Literals.json(x, true, 0)) + "::json")
                .withBig(b -> "json_build_object('big', " + b + ")")));
        VALUE_FAMILIES.add(f(3, r -> FuzzType.of("jsonb", "jsonb", x -> Literals.quote(Literals.json(x, false, 0)) + "::jsonb")
                .withBig(b -> "jsonb_build_object('big', " + b + ")")));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("xml", "xml", Literals::xml).withBig(b -> "xmlelement(name big, " + b + ")")));
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("ivl", "interval", x -> Literals.interval(x, micros6))));
        // --- enums, domains, composite types
        VALUE_FAMILIES.add(f(2, r -> FuzzType.of("mood", "fz_mood", x -> Literals.quote(
                Literals.pick(x, "sad", "ok", "happy", "with space", "Ünï", "a,b\"c", "NULL")) + "::fz_mood")));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("dposint", "fz_posint", x -> String.valueOf(1 + x.nextInt(Integer.MAX_VALUE)))));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("dcode", "fz_code", x -> Literals.text(x, 8))));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("damount", "fz_amount", x -> Literals.numeric(x, 12, 3))));
        VALUE_FAMILIES.add(new Family(1, r -> FuzzType.of("dmood", "fz_dmood", x -> Literals.quote(Literals.pick(x, "sad", "happy", "a,b\"c"))),
                false, false, Feature.DOMAIN_OVER_ENUM));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("pair", "fz_pair", x -> "ROW(" + Literals.int4(x) + ", " + Literals.text(x, 8) + ")::fz_pair")));
        // --- types that travel as text
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("inet", "inet", x -> Literals.quote(Literals.pick(x, "192.168.0.1", "192.168.0.1/24",
                "::1", "2001:db8::ff/64", "10.0.0.0/8")) + "::inet")));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("cidr", "cidr", x -> Literals.quote(Literals.pick(x, "10.0.0.0/8", "192.168.1.0/24",
                "2001:db8::/32")) + "::cidr")));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("mac", "macaddr", x -> Literals.quote(Literals.pick(x, "08:00:2b:01:02:03",
                "ff:ff:ff:ff:ff:ff")) + "::macaddr")));
        VALUE_FAMILIES.add(new Family(1, r -> FuzzType.of("money", "money", x -> "'" + java.math.BigDecimal.valueOf(x.nextLong(-10_000_000_000L, 10_000_000_000L), 2).toPlainString() + "'::money"), false, false, Feature.TEXT_TYPES_CDC));
        VALUE_FAMILIES.add(new Family(1, r -> FuzzType.of("bit", "bit(8)", x -> "B'" + bits(x, 8, 8) + "'"), false, false, Feature.TEXT_TYPES_CDC));
        VALUE_FAMILIES.add(new Family(1, r -> FuzzType.of("varbit", "varbit(16)", x -> "B'" + bits(x, 0, 16) + "'"), false, false, Feature.TEXT_TYPES_CDC));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("tsv", "tsvector", x -> Literals.quote(Literals.pick(x, "a fat cat", "'x y':1A b:2,3",
                "")) + "::tsvector")));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("i4range", "int4range", x -> Literals.quote(Literals.pick(x, "[1,5)", "empty", "(,)",
                "[" + x.nextInt(100) + ",)")) + "::int4range")));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("numrange", "numrange", x -> Literals.quote(Literals.pick(x, "[1.5,2.25]", "(,0)",
                "empty")) + "::numrange")));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("tstzrange", "tstzrange", x -> Literals.quote(Literals.pick(x,
                "[2024-01-01 00:00:00+00,2024-02-01 00:00:00+00)", "[,infinity]", "empty")) + "::tstzrange")));
        VALUE_FAMILIES.add(new Family(1, r -> FuzzType.of("point", "point", x -> "'(" + x.nextInt(100) + ".5," + (x.nextInt(100) - 50) + ")'::point"), false, false, Feature.TEXT_TYPES_CDC));
        VALUE_FAMILIES.add(new Family(1, r -> FuzzType.of("box", "box", x -> Literals.quote(Literals.pick(x, "((0,0),(1,1))", "((-1.5,2),(3,4))")) + "::box"), false, false, Feature.TEXT_TYPES_CDC));
        VALUE_FAMILIES.add(f(1, r -> FuzzType.of("lsn", "pg_lsn", x -> "'" + Integer.toHexString(x.nextInt(1000)) + "/"
                + Integer.toHexString(x.nextInt()) + "'::pg_lsn")));
        VALUE_FAMILIES.add(new Family(1, r -> FuzzType.of("hstore", "hstore", x -> Literals.quote(Literals.pick(x, "\"a\"=>\"1\", \"b\"=>NULL",
                "", "\"k y\"=>\"v,\\\"q\\\"\"")) + "::hstore"), false, false, Feature.TEXT_TYPES_CDC));
        // --- arrays (one dimension: more cannot be carried on the CDC path, as docs/postgres.md says)
        VALUE_FAMILIES.add(f(2, r -> array("i4", "integer", Literals::int4, null, null)));
        VALUE_FAMILIES.add(f(2, r -> array("txt", "text", x -> Literals.text(x, 10), null, null).withBig(b -> "ARRAY[" + b + ", 'x']")));
        VALUE_FAMILIES.add(new Family(1, r -> array("i8", "bigint", Literals::int8, null, null), false, false, null));
        VALUE_FAMILIES.add(new Family(1, r -> array("bool", "boolean", Literals::bool, null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("date", "date", Literals::date, null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("numfree", "numeric", Literals::numericFree, "numeric[]", TRIM_SCALE), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("num", "numeric(10,2)", x -> Literals.numeric(x, 10, 2), null, null), false, false, null));
        VALUE_FAMILIES.add(new Family(1, r -> array("tstz", "timestamptz", Literals::timestamptz, null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("ts", "timestamp", Literals::timestamp, null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("f8", "double precision", Literals::float8, null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("f4", "real", Literals::float4, null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("uuid", "uuid", Literals::uuid, null, null), false, false, null));
        VALUE_FAMILIES.add(new Family(1, r -> array("bytea", "bytea", x -> Literals.bytes(x, 8), null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("jsonb", "jsonb", x -> Literals.quote(Literals.json(x, false, 1)) + "::jsonb", null, null), false, false, null));
        VALUE_FAMILIES.add(new Family(1, r -> array("mood", "fz_mood", x -> Literals.quote(Literals.pick(x, "sad", "with space", "a,b\"c", "NULL")) + "::fz_mood", null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("ivl", "interval", x -> Literals.interval(x, micros6), null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("time", "time", x -> Literals.time(x, t24), null, null), false, false, Feature.ARRAYS));
        VALUE_FAMILIES.add(new Family(1, r -> array("i2", "smallint", Literals::int2, null, null), false, false, null));
        VALUE_FAMILIES.add(new Family(1, r -> array("ch", "char(3)", x -> Literals.text(x, 3), null, null), true, false, null));
        VALUE_FAMILIES.add(new Family(1, r -> array("timetz", "timetz", x -> Literals.timetz(x, t24), "timetz[]", UTC), false, true, Feature.ARRAYS));

        KEY_FAMILIES.add(f(6, r -> FuzzType.of("i4", "integer", Literals::int4).withKey(new FuzzType.Key(n -> "(" + n + ")",
                (c, n) -> c + " + " + n))));
        KEY_FAMILIES.add(f(3, r -> FuzzType.of("i8", "bigint", Literals::int8).withKey(new FuzzType.Key(
                n -> "((" + n + ")::bigint * 4294967296 + 7)", (c, n) -> c + " + (" + n + ")::bigint * 4294967296"))));
        KEY_FAMILIES.add(f(2, r -> FuzzType.of("num", "numeric(20,5)", x -> Literals.numeric(x, 20, 5)).withKey(new FuzzType.Key(
                n -> "((" + n + ") * 1.5 + 0.00001)", (c, n) -> c + " + (" + n + ") * 1.5"))));
        KEY_FAMILIES.add(f(3, r -> FuzzType.of("txt", "text", x -> Literals.text(x, 10)).withKey(new FuzzType.Key(
                n -> "('k ''ż' || (" + n + "))", null))));
        KEY_FAMILIES.add(f(1, r -> FuzzType.of("vc", "varchar(24)", x -> Literals.text(x, 24)).withKey(new FuzzType.Key(
                n -> "('ключ-' || (" + n + "))", null))));
        KEY_FAMILIES.add(new Family(1, r -> FuzzType.of("ch", "char(12)", x -> Literals.text(x, 12)).withKey(new FuzzType.Key(
                n -> "lpad((" + n + ")::text, 10, '0')", null)), true, false, null));
        KEY_FAMILIES.add(f(2, r -> FuzzType.of("uuid", "uuid", Literals::uuid).withKey(new FuzzType.Key(
                n -> "md5((" + n + ")::text)::uuid", null))));
        KEY_FAMILIES.add(f(1, r -> FuzzType.of("date", "date", Literals::date).withKey(new FuzzType.Key(
                n -> "(date '2000-01-01' + (" + n + "))", null))));
        KEY_FAMILIES.add(f(1, r -> FuzzType.of("ts", "timestamp", Literals::timestamp).withKey(new FuzzType.Key(
                n -> "(timestamp '2000-01-01' + (" + n + ") * interval '1.000001 second')", null))));
        KEY_FAMILIES.add(f(1, r -> FuzzType.of("tstz", "timestamptz", Literals::timestamptz).withKey(new FuzzType.Key(
                n -> "(timestamptz '2000-01-01 00:00:00+00' + (" + n + ") * interval '1 minute 0.5 seconds')", null))));
        KEY_FAMILIES.add(f(1, r -> FuzzType.of("bytea", "bytea", x -> Literals.bytes(x, 16)).withKey(new FuzzType.Key(
                n -> "decode(md5((" + n + ")::text), 'hex')", null))));
        KEY_FAMILIES.add(f(1, r -> FuzzType.of("f8", "double precision", Literals::float8).withKey(new FuzzType.Key(
                n -> "((" + n + ") * 0.1)::float8", null))));
        KEY_FAMILIES.add(f(1, r -> FuzzType.of("citext", "citext", x -> Literals.text(x, 10)).withKey(new FuzzType.Key(
                n -> "('Ck' || (" + n + "))", null))));
        KEY_FAMILIES.add(new Family(1, r -> FuzzType.of("timetz", "timetz", x -> Literals.timetz(x, t24)).comparedAs(null, UTC).withKey(new FuzzType.Key(
                n -> "((time '00:00' + (" + n + ") * interval '1 millisecond')::text || '+05:30')::timetz", null)), false, true,
                Feature.TIMETZ_KEYS));
    }

    private static String bits(Random r, int min, int max) {
        int n = r.nextInt(min, max + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(r.nextBoolean() ? '1' : '0');
        }
        return sb.toString();
    }

    private static FuzzType array(String name, String elementDdl, Function<Random, String> element, String castTo,
                                  UnaryOperator<String> elementNormal) {
        String ddl = elementDdl + "[]";
        Function<Random, String> values = r -> {
            int n = r.nextInt(5);
            if (n == 0) {
                return "'{}'::" + ddl;
            }
            StringBuilder sb = new StringBuilder("ARRAY[");
            for (int i = 0; i < n; i++) {
                sb.append(i > 0 ? ", " : "").append(r.nextInt(8) == 0 ? "NULL" : element.apply(r));
            }
            return sb.append("]::").append(ddl).toString();
        };
        FuzzType t = FuzzType.of(name + "arr", ddl, values).asArray();
        return castTo == null ? t : t.comparedAs(castTo, elementwise(elementNormal));
    }

    private boolean allowed(Family f, boolean keyless) {
        if (f.feature() != null && !features.contains(f.feature())) {
            return false;
        }
        if (keyless && f.charLike() && !features.contains(Feature.KEYLESS_CHAR)) {
            return false;
        }
        return !keyless || !f.timetzLike() || features.contains(Feature.KEYLESS_TIMETZ);
    }

    private FuzzType pick(List<Family> families, Random r, boolean keyless) {
        List<Family> ok = families.stream().filter(f -> allowed(f, keyless)).toList();
        int total = ok.stream().mapToInt(Family::weight).sum();
        int x = r.nextInt(total);
        for (Family f : ok) {
            x -= f.weight();
            if (x < 0) {
                FuzzType t = f.make().apply(r);
                return f.feature() == null ? t : t.needing(f.feature());
            }
        }
        throw new AssertionError();
    }

    /** One type of every family, the switches aside: for sweeps over every type. */
    List<FuzzType> everyValueType(Random r) {
        return VALUE_FAMILIES.stream().filter(f -> allowed(f, false)).map(f -> f.make().apply(r)).toList();
    }

    /** A char(n) column (issue 8 case 4 puts one in keyless tables). */
    FuzzType charType(Random r) {
        int n = 1 + r.nextInt(10);
        return FuzzType.of("ch", "char(" + n + ")", x -> Literals.text(x, n));
    }

    /** A timetz column (issue 8 case 5 puts one in keyless tables). */
    FuzzType timetzType(Random r) {
        boolean t24 = features.contains(Feature.TIME_24);
        return FuzzType.of("timetz", "timetz", x -> Literals.timetz(x, t24)).comparedAs(null, UTC);
    }

    /** A value column's type for a table with or without a key. */
    FuzzType value(Random r, boolean keyless) {
        return pick(VALUE_FAMILIES, r, keyless);
    }

    /** A key column's type. */
    FuzzType key(Random r) {
        return pick(KEY_FAMILIES, r, false);
    }

    FuzzType int4Key() {
        return KEY_FAMILIES.get(0).make().apply(new Random(0));
    }

    /** The unique column of keyed tables: fresh values from a counter, like a key. */
    static FuzzType uniqueText() {
        return FuzzType.of("u", "text", x -> Literals.text(x, 10)).withKey(new FuzzType.Key(n -> "('u' || (" + n + "))", null));
    }
}
