package dev.ferry.core.mapping.expr;

/**
 * SQLite's LIKE (case-insensitive for ASCII letters only, {@code %} and {@code _}, an optional
 * escape character) and GLOB (case-sensitive, {@code *}, {@code ?}, {@code [...]} sets with
 * ranges and {@code ^}), over code points.
 */
final class Patterns {
    private Patterns() {
    }

    static boolean like(String pattern, String s, int escape) {
        return like(pattern.codePoints().toArray(), 0, s.codePoints().toArray(), 0, escape);
    }

    private static int fold(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean like(int[] p, int pi, int[] s, int si, int esc) {
        while (pi < p.length) {
            int c = p[pi];
            if (c == esc) {
                pi++;
                if (pi >= p.length) {
                    return false;
                }
                if (si >= s.length || fold(p[pi]) != fold(s[si])) {
                    return false;
                }
                pi++;
                si++;
            } else if (c == '%') {
                while (pi < p.length && (p[pi] == '%' || p[pi] == '_') && p[pi] != esc) {
                    if (p[pi] == '_') {
                        if (si >= s.length) {
                            return false;
                        }
                        si++;
                    }
                    pi++;
                }
                if (pi == p.length) {
                    return true;
                }
                for (int k = si; k <= s.length; k++) {
                    if (like(p, pi, s, k, esc)) {
                        return true;
                    }
                }
                return false;
            } else if (c == '_') {
                if (si >= s.length) {
                    return false;
                }
                pi++;
                si++;
            } else {
                if (si >= s.length || fold(c) != fold(s[si])) {
                    return false;
                }
                pi++;
                si++;
            }
        }
        return si == s.length;
    }

    static boolean glob(String pattern, String s) {
        return glob(pattern.codePoints().toArray(), 0, s.codePoints().toArray(), 0);
    }

    private static boolean glob(int[] p, int pi, int[] s, int si) {
        while (pi < p.length) {
            int c = p[pi];
            if (c == '*') {
                while (pi < p.length && (p[pi] == '*' || p[pi] == '?')) {
                    if (p[pi] == '?') {
                        if (si >= s.length) {
                            return false;
                        }
                        si++;
                    }
                    pi++;
                }
                if (pi == p.length) {
                    return true;
                }
                for (int k = si; k <= s.length; k++) {
                    if (glob(p, pi, s, k)) {
                        return true;
                    }
                }
                return false;
            } else if (c == '?') {
                if (si >= s.length) {
                    return false;
                }
                pi++;
                si++;
            } else if (c == '[') {
                if (si >= s.length) {
                    return false;
                }
                int end = setEnd(p, pi);
                if (end < 0) {
                    return false; // an unclosed set matches nothing, as in SQLite
                }
                if (!inSet(p, pi + 1, end, s[si])) {
                    return false;
                }
                pi = end + 1;
                si++;
            } else {
                if (si >= s.length || c != s[si]) {
                    return false;
                }
                pi++;
                si++;
            }
        }
        return si == s.length;
    }

    /** Index of the ']' that closes the set opening at p[open], or -1. */
    private static int setEnd(int[] p, int open) {
        int k = open + 1;
        if (k < p.length && p[k] == '^') {
            k++;
        }
        if (k < p.length && p[k] == ']') {
            k++;
        }
        while (k < p.length && p[k] != ']') {
            k++;
        }
        return k < p.length ? k : -1;
    }

    private static boolean inSet(int[] p, int from, int end, int c) {
        boolean invert = false;
        int k = from;
        if (p[k] == '^') {
            invert = true;
            k++;
        }
        boolean seen = false;
        int prev = 0;
        boolean first = true;
        while (k < end) {
            int x = p[k];
            if (x == '-' && !first && k + 1 < end && prev != 0) {
                int hi = p[k + 1];
                if (c >= prev && c <= hi) {
                    seen = true;
                }
                prev = 0;
                k += 2;
            } else {
                if (x == c) {
                    seen = true;
                }
                prev = x;
                k++;
            }
            first = false;
        }
        return seen != invert;
    }
}
