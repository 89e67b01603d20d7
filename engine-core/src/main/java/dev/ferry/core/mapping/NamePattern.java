package dev.ferry.core.mapping;

import java.util.regex.Pattern;

/**
 * A DMS object-locator name pattern: {@code %} matches any run of characters (also none),
 * {@code _} any one character, {@code [ab]} one of the listed characters, {@code [a-d]} one of a
 * range, so {@code [_]} is a literal underscore and {@code [%]} a literal percent sign; every other
 * character stands for itself. Matching is case-sensitive, as the DMS guide says of names (see
 * docs/table-mappings.md for case-insensitive SQL Server databases).
 *
 * @param open whether the pattern has a {@code %} wildcard, so that it can match names of any length
 */
record NamePattern(String text, Pattern regex, boolean open) {

    /** The pattern of {@code text}; throws {@link IllegalArgumentException} naming the fault. */
    static NamePattern of(String text) {
        StringBuilder regex = new StringBuilder();
        boolean open = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '%' -> {
                    regex.append(".*");
                    open = true;
                }
                case '_' -> regex.append('.');
                case '[' -> {
                    int end = text.indexOf(']', i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("'[' at position " + (i + 1) + " is not closed by ']'"
                                + " (write [[] for a literal '[')");
                    }
                    if (end == i + 1) {
                        throw new IllegalArgumentException("'[]' at position " + (i + 1) + " lists no character");
                    }
                    regex.append('[');
                    String set = text.substring(i + 1, end);
                    for (int j = 0; j < set.length(); j++) {
                        char s = set.charAt(j);
                        if (s == '-' && j > 0 && j < set.length() - 1) {
                            if (set.charAt(j - 1) > set.charAt(j + 1)) {
                                throw new IllegalArgumentException("range '" + set.charAt(j - 1) + "-" + set.charAt(j + 1)
                                        + "' at position " + (i + 1) + " runs backwards");
                            }
                            regex.append('-');
                        } else {
                            // quote every listed character: inside a class only \ ^ - [ ] & are special
                            regex.append('\\').append('x').append('{').append(Integer.toHexString(s)).append('}');
                        }
                    }
                    regex.append(']');
                    i = end;
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new NamePattern(text, Pattern.compile(regex.toString(), Pattern.DOTALL), open);
    }

    /** A pattern that matches exactly {@code text}, wildcards or not (an {@code explicit} rule). */
    static NamePattern literal(String text) {
        return new NamePattern(text, Pattern.compile(Pattern.quote(text)), false);
    }

    boolean matches(String name) {
        return regex.matcher(name).matches();
    }

}
