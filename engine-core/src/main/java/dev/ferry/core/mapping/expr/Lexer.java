package dev.ferry.core.mapping.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an expression into tokens with SQLite's quoting: {@code 'text'} with {@code ''} for a
 * quote, {@code "text"} (SQLite reads an identifier that names no column as text, and expressions
 * name columns only with {@code $}), {@code X'0A1B'} blobs, numbers ({@code 12}, {@code 1.5},
 * {@code .5}, {@code 1e3}, {@code 0x1F}), {@code $NAME} and {@code $"any name"} column references,
 * {@code --} and C comments.
 */
final class Lexer {

    enum Kind { NUMBER, STRING, BLOB, VARIABLE, IDENT, OP, EOF }

    /** One token; {@code value} is a Long, Double, String or byte[] for literals, the name for VARIABLE and IDENT, the symbol for OP. */
    record Token(Kind kind, Object value, int offset, String text) {
        boolean is(String keywordOrSymbol) {
            return (kind == Kind.IDENT || kind == Kind.OP) && text.equalsIgnoreCase(keywordOrSymbol);
        }
    }

    /** A compile-time problem: what, where (offset into the text) and an optional hint. */
    static final class CompileError extends RuntimeException {
        final String problem;
        final int offset;
        final String hint;

        CompileError(String problem, int offset, String hint) {
            super(problem, null, false, false);
            this.problem = problem;
            this.offset = offset;
            this.hint = hint;
        }

        CompileError(String problem, int offset) {
            this(problem, offset, "");
        }
    }

    private final String s;
    private int i;

    private Lexer(String s) {
        this.s = s;
    }

    static List<Token> tokens(String text) {
        Lexer lexer = new Lexer(text);
        List<Token> out = new ArrayList<>();
        Token t;
        do {
            t = lexer.next();
            out.add(t);
        } while (t.kind != Kind.EOF);
        return out;
    }

    private static boolean identStart(char c) {
        return Character.isLetter(c) || c == '_' || (c >= 0x80 && !isCurlyQuote(c) && !Character.isWhitespace(c));
    }

    private static boolean identPart(char c) {
        return identStart(c) || Values.isDigit(c);
    }

    private static boolean isCurlyQuote(char c) {
        return c == '\u2018' || c == '\u2019' || c == '\u201C' || c == '\u201D';
    }

    private Token next() {
        skipSpaceAndComments();
        if (i >= s.length()) {
            return new Token(Kind.EOF, null, i, "");
        }
        int start = i;
        char c = s.charAt(i);
        if (c == '\'') {
            return new Token(Kind.STRING, quoted('\''), start, s.substring(start, i));
        }
        if (c == '"') {
            return new Token(Kind.STRING, quoted('"'), start, s.substring(start, i));
        }
        if ((c == 'x' || c == 'X') && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
            i++;
            String hex = quoted('\'');
            if (hex.length() % 2 != 0 || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                throw new CompileError("malformed blob literal X'" + hex + "'", start,
                        "write an even number of hexadecimal digits, as in X'0A1B'");
            }
            byte[] b = new byte[hex.length() / 2];
            for (int k = 0; k < b.length; k++) {
                b[k] = (byte) Integer.parseInt(hex.substring(2 * k, 2 * k + 2), 16);
            }
            return new Token(Kind.BLOB, b, start, s.substring(start, i));
        }
        if (Values.isDigit(c) || (c == '.' && i + 1 < s.length() && Values.isDigit(s.charAt(i + 1)))) {
            return number();
        }
        if (c == '$') {
            i++;
            if (i < s.length() && s.charAt(i) == '"') {
                String name = quoted('"');
                if (name.isEmpty()) {
                    throw new CompileError("empty column name $\"\"", start);
                }
                return new Token(Kind.VARIABLE, name, start, s.substring(start, i));
            }
            while (i < s.length() && identPart(s.charAt(i))) {
                i++;
            }
            if (i == start + 1) {
                throw new CompileError("$ without a column name", start,
                        "write $NAME, or $\"NAME\" for a name with other characters");
            }
            String name = s.substring(start + 1, i);
            return new Token(Kind.VARIABLE, name, start, s.substring(start, i));
        }
        if (identStart(c)) {
            while (i < s.length() && identPart(s.charAt(i))) {
                i++;
            }
            String word = s.substring(start, i);
            return new Token(Kind.IDENT, word, start, word);
        }
        if (isCurlyQuote(c)) {
            throw new CompileError("typographic quote " + c, start,
                    "write text in straight single quotes, as in 'SENIOR'");
        }
        String[] symbols = {"||", "<<", ">>", "<=", ">=", "==", "!=", "<>", "->",
                "*", "/", "%", "+", "-", "&", "|", "<", ">", "=", "~", "(", ")", ","};
        for (String sym : symbols) {
            if (s.startsWith(sym, i)) {
                i += sym.length();
                if (sym.equals("->")) {
                    throw new CompileError("JSON operators -> and ->> are not supported", start);
                }
                return new Token(Kind.OP, sym, start, sym);
            }
        }
        if (c == '?' || c == ':' || c == '@') {
            throw new CompileError("parameter " + c + " is not supported", start,
                    "columns are written $NAME");
        }
        throw new CompileError("unexpected character '" + c + "'", start);
    }

    private void skipSpaceAndComments() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("--", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else {
                return;
            }
        }
    }

    /** Reads a quoted run starting at the opening quote; a doubled quote stands for one. */
    private String quoted(char q) {
        int start = i;
        i++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw new CompileError("unterminated " + (q == '\'' ? "string" : "quoted name"), start,
                        "close it with " + q + " (write " + q + q + " for a " + q + " inside)");
            }
            char c = s.charAt(i++);
            if (c == q) {
                if (i < s.length() && s.charAt(i) == q) {
                    sb.append(q);
                    i++;
                } else {
                    return sb.toString();
                }
            } else {
                sb.append(c);
            }
        }
    }

    private Token number() {
        int start = i;
        if (s.charAt(i) == '0' && i + 1 < s.length() && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')) {
            i += 2;
            int digits = i;
            while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0) {
                i++;
            }
            if (i == digits || (i - digits) > 16 || (i < s.length() && identPart(s.charAt(i)))) {
                throw new CompileError("malformed hexadecimal number " + s.substring(start, Math.min(s.length(), i + 1)), start);
            }
            long v = Long.parseUnsignedLong(s.substring(digits, i), 16);
            return new Token(Kind.NUMBER, v, start, s.substring(start, i));
        }
        boolean real = false;
        while (i < s.length() && Values.isDigit(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '.') {
            real = true;
            i++;
            while (i < s.length() && Values.isDigit(s.charAt(i))) {
                i++;
            }
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int e = i + 1;
            if (e < s.length() && (s.charAt(e) == '+' || s.charAt(e) == '-')) {
                e++;
            }
            if (e < s.length() && Values.isDigit(s.charAt(e))) {
                real = true;
                i = e;
                while (i < s.length() && Values.isDigit(s.charAt(i))) {
                    i++;
                }
            }
        }
        if (i < s.length() && identPart(s.charAt(i))) {
            throw new CompileError("malformed number " + s.substring(start, i + 1), start);
        }
        String text = s.substring(start, i);
        Object value;
        if (real) {
            value = Double.parseDouble(text);
        } else {
            // an integer literal too big for 64 bits is a REAL in SQLite
            value = text.length() < 19 || Values.atoi64Rc(text) == 0 ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
        }
        return new Token(Kind.NUMBER, value, start, text);
    }
}
