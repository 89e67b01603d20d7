package dev.ferry.postgres.fuzz;

import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One column type the generator can use: its DDL on the source, how to make its values (and large,
 * TOASTed ones), fresh unique key values when it can be a key, and how a value is compared between
 * source and target.
 *
 * @param name     short name, part of column names and of failure reports
 * @param ddl      the source column type
 * @param values   a random value as a SQL expression
 * @param big      for types that can hold a large value: the value made of a long hex text expression; else null
 * @param key      fresh unique values when it can be a key column; else null
 * @param castTo   null, or the type both sides are cast to before {@code normal} (a target column of type text
 *                 holding an array, for one)
 * @param normal   the comparison form of a value where the CDC path keeps the value but not its form
 *                 (documented in docs/postgres.md: unconstrained numeric scale, timetz offset)
 * @param array    an array type
 * @param feature  the switch the type needs, or null
 */
record FuzzType(String name, String ddl, Function<Random, String> values, UnaryOperator<String> big, Key key,
                String castTo, UnaryOperator<String> normal, boolean array, Feature feature) {

    /** Fresh key values from a counter: fresh(n) differ for different n and grow with n. */
    record Key(UnaryOperator<String> fresh, java.util.function.BinaryOperator<String> shiftBy) {
        /** A SQL expression of the n-th value; n is a SQL integer expression. */
        String fresh(long n) {
            return fresh.apply(String.valueOf(n));
        }

        boolean shiftable() {
            return shiftBy != null;
        }
    }

    FuzzType {
        if (normal == null) {
            normal = UnaryOperator.identity();
        }
    }

    static FuzzType of(String name, String ddl, Function<Random, String> values) {
        return new FuzzType(name, ddl, values, null, null, null, null, false, null);
    }

    FuzzType withBig(UnaryOperator<String> b) {
        return new FuzzType(name, ddl, values, b, key, castTo, normal, array, feature);
    }

    FuzzType withKey(Key k) {
        return new FuzzType(name, ddl, values, big, k, castTo, normal, array, feature);
    }

    FuzzType comparedAs(String cast, UnaryOperator<String> n) {
        return new FuzzType(name, ddl, values, big, key, cast, n, array, feature);
    }

    FuzzType asArray() {
        return new FuzzType(name, ddl, values, big, key, castTo, normal, true, feature);
    }

    FuzzType needing(Feature f) {
        return new FuzzType(name, ddl, values, big, key, castTo, normal, array, f);
    }

    /** The expression a comparison selects for column {@code col} (quoted), the same on both sides. */
    String compareExpression(String col) {
        String x = castTo == null ? col : "(" + col + ")::" + castTo;
        return "format('%s', " + normal.apply(x) + ")";
    }

    boolean toastable() {
        return big != null;
    }
}
