package dev.ferry.core.mapping.expr;

import dev.ferry.core.mapping.expr.Lexer.CompileError;
import dev.ferry.core.mapping.expr.Lexer.Kind;
import dev.ferry.core.mapping.expr.Lexer.Token;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableSchema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Pratt parser for SQLite's expression grammar, with SQLite's operator precedence
 * (sqlite.org/lang_expr.html, "Operators", highest first):
 * <pre>
 *  12  unary - + ~
 *  11  COLLATE
 *  10  ||
 *   9  * / %
 *   8  + -
 *   7  &amp; | &lt;&lt; &gt;&gt;
 *   6  ESCAPE (part of LIKE)
 *   5  &lt; &lt;= &gt; &gt;=
 *   4  = == != &lt;&gt; IS [NOT] [DISTINCT FROM] [NOT] IN|LIKE|GLOB|BETWEEN, ISNULL NOTNULL NOT NULL
 *   3  NOT
 *   2  AND
 *   1  OR
 * </pre>
 * Binary operators associate to the left. Columns resolve against the source table while
 * parsing, so an unknown name fails here, with its offset.
 */
final class Parser {
    private static final int OR = 1;
    private static final int AND = 2;
    private static final int NOT = 3;
    private static final int EQ = 4;
    private static final int REL = 5;
    private static final int BIT = 7;
    private static final int ADD = 8;
    private static final int MUL = 9;
    private static final int CONCAT = 10;
    private static final int COLLATE = 11;

    private final List<Token> tokens;
    private final TableSchema table;
    private final String sourceColumn;
    private int pos;
    final Set<String> columns = new LinkedHashSet<>();
    boolean usesOperationIndicator;

    Parser(String text, TableSchema table, String sourceColumn) {
        this.tokens = Lexer.tokens(text);
        this.table = table;
        this.sourceColumn = sourceColumn;
    }

    Node parse() {
        Node n = expr(0);
        Token t = peek();
        if (t.kind() != Kind.EOF) {
            throw new CompileError("syntax error near " + show(t), t.offset());
        }
        return n;
    }

    // ---- token helpers ----------------------------------------------------------------------

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token take() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.EOF) {
            pos++;
        }
        return t;
    }

    private boolean accept(String keywordOrSymbol) {
        if (peek().is(keywordOrSymbol)) {
            pos++;
            return true;
        }
        return false;
    }

    private Token expect(String keywordOrSymbol) {
        Token t = peek();
        if (!t.is(keywordOrSymbol)) {
            throw new CompileError("expected " + keywordOrSymbol + " but found " + show(t), t.offset());
        }
        return take();
    }

    private static String show(Token t) {
        return t.kind() == Kind.EOF ? "the end of the expression" : "\"" + t.text() + "\"";
    }

    // ---- the Pratt loop ---------------------------------------------------------------------

    private Node expr(int minBp) {
        Node left = prefix();
        while (true) {
            Token t = peek();
            int bp = infixPower(t);
            if (bp <= minBp) {
                return left;
            }
            left = infix(left, bp);
        }
    }

    private int infixPower(Token t) {
        if (t.kind() != Kind.IDENT && t.kind() != Kind.OP) {
            return 0;
        }
        String x = t.text().toUpperCase(Locale.ROOT);
        switch (x) {
            case "OR":
                return OR;
            case "AND":
                return AND;
            case "=": case "==": case "!=": case "<>": case "IS": case "IN": case "LIKE": case "GLOB":
            case "BETWEEN": case "ISNULL": case "NOTNULL": case "MATCH": case "REGEXP":
                return EQ;
            case "NOT": {
                Token n = peek(1);
                return n.is("LIKE") || n.is("GLOB") || n.is("IN") || n.is("BETWEEN") || n.is("NULL")
                        || n.is("MATCH") || n.is("REGEXP") ? EQ : 0;
            }
            case "<": case "<=": case ">": case ">=":
                return REL;
            case "&": case "|": case "<<": case ">>":
                return BIT;
            case "+": case "-":
                return ADD;
            case "*": case "/": case "%":
                return MUL;
            case "||":
                return CONCAT;
            case "COLLATE":
                return COLLATE;
            default:
                return 0;
        }
    }

    private Node infix(Node left, int bp) {
        Token t = take();
        int at = t.offset();
        String x = t.text().toUpperCase(Locale.ROOT);
        switch (x) {
            case "OR":
                return new Nodes.Or(left, expr(bp), at);
            case "AND":
                return new Nodes.And(left, expr(bp), at);
            case "=": case "==":
                return new Nodes.Compare(Nodes.CmpOp.EQ, left, expr(bp), at);
            case "!=": case "<>":
                return new Nodes.Compare(Nodes.CmpOp.NE, left, expr(bp), at);
            case "<":
                return new Nodes.Compare(Nodes.CmpOp.LT, left, expr(bp), at);
            case "<=":
                return new Nodes.Compare(Nodes.CmpOp.LE, left, expr(bp), at);
            case ">":
                return new Nodes.Compare(Nodes.CmpOp.GT, left, expr(bp), at);
            case ">=":
                return new Nodes.Compare(Nodes.CmpOp.GE, left, expr(bp), at);
            case "ISNULL":
                return new Nodes.Compare(Nodes.CmpOp.IS, left, new Nodes.Literal(null, at), at);
            case "NOTNULL":
                return new Nodes.Compare(Nodes.CmpOp.IS_NOT, left, new Nodes.Literal(null, at), at);
            case "IS":
                return is(left, at, bp);
            case "NOT": {
                Token op = take();
                return negatable(left, op, true, at, bp);
            }
            case "IN": case "LIKE": case "GLOB": case "BETWEEN": case "MATCH": case "REGEXP":
                return negatable(left, t, false, at, bp);
            case "&":
                return new Nodes.Bits(Nodes.BitOp.AND, left, expr(bp), at);
            case "|":
                return new Nodes.Bits(Nodes.BitOp.OR, left, expr(bp), at);
            case "<<":
                return new Nodes.Bits(Nodes.BitOp.SHL, left, expr(bp), at);
            case ">>":
                return new Nodes.Bits(Nodes.BitOp.SHR, left, expr(bp), at);
            case "+":
                return new Nodes.Arith(Nodes.ArithOp.ADD, left, expr(bp), at);
            case "-":
                return new Nodes.Arith(Nodes.ArithOp.SUB, left, expr(bp), at);
            case "*":
                return new Nodes.Arith(Nodes.ArithOp.MUL, left, expr(bp), at);
            case "/":
                return new Nodes.Arith(Nodes.ArithOp.DIV, left, expr(bp), at);
            case "%":
                return new Nodes.Arith(Nodes.ArithOp.REM, left, expr(bp), at);
            case "||":
                return new Nodes.Concat(left, expr(bp), at);
            case "COLLATE": {
                Token name = take();
                if (name.is("BINARY")) {
                    return left;
                }
                throw new CompileError("COLLATE " + name.text() + " is not supported", at,
                        "only BINARY, SQLite's default, is; use lower() or upper() to compare without case");
            }
            default:
                throw new CompileError("syntax error near " + show(t), at);
        }
    }

    /** After IS: [NOT] [DISTINCT FROM] expr, or [NOT] TRUE / FALSE. */
    private Node is(Node left, int at, int bp) {
        boolean not = accept("NOT");
        if (accept("DISTINCT")) {
            expect("FROM");
            not = !not;
        }
        Token t = peek();
        if ((t.is("TRUE") || t.is("FALSE")) && !peek(1).is("(")) {
            take();
            return new Nodes.IsTruth(left, t.is("TRUE"), not, at);
        }
        return new Nodes.Compare(not ? Nodes.CmpOp.IS_NOT : Nodes.CmpOp.IS, left, expr(bp), at);
    }

    private Node negatable(Node left, Token op, boolean not, int at, int bp) {
        String x = op.text().toUpperCase(Locale.ROOT);
        switch (x) {
            case "NULL":
                return new Nodes.Compare(Nodes.CmpOp.IS_NOT, left, new Nodes.Literal(null, at), at);
            case "IN": {
                Token open = peek();
                if (!open.is("(")) {
                    throw new CompileError("IN needs a list in parentheses, found " + show(open), open.offset(),
                            "write x IN (1, 2, 3)");
                }
                take();
                if (peek().is("SELECT")) {
                    throw new CompileError("subqueries are not supported", peek().offset());
                }
                List<Node> list = new ArrayList<>();
                if (!accept(")")) {
                    do {
                        list.add(expr(0));
                    } while (accept(","));
                    expect(")");
                }
                return new Nodes.In(left, list, not, at);
            }
            case "LIKE":
            case "GLOB": {
                Node pattern = expr(bp);
                Node escape = null;
                if (accept("ESCAPE")) {
                    if (x.equals("GLOB")) {
                        throw new CompileError("GLOB takes no ESCAPE", at);
                    }
                    escape = expr(bp);
                }
                return new Nodes.Match(left, pattern, escape, x.equals("GLOB"), not, at);
            }
            case "BETWEEN": {
                Node lo = expr(bp);
                expect("AND");
                Node hi = expr(bp);
                return new Nodes.Between(left, lo, hi, not, at);
            }
            default:
                throw new CompileError(x + " is not supported", op.offset(), "use LIKE or GLOB");
        }
    }

    // ---- prefixes and primaries -------------------------------------------------------------

    private Node prefix() {
        Token t = take();
        int at = t.offset();
        switch (t.kind()) {
            case NUMBER:
            case STRING:
            case BLOB:
                return new Nodes.Literal(t.value(), at);
            case VARIABLE:
                return variable((String) t.value(), at);
            case EOF:
                throw new CompileError("the expression ends where a value was expected", at);
            default:
                break;
        }
        String x = t.text().toUpperCase(Locale.ROOT);
        if (t.kind() == Kind.OP) {
            switch (x) {
                case "(": {
                    Node inner = expr(0);
                    if (peek().is(",")) {
                        throw new CompileError("row values (a, b) are not supported", peek().offset());
                    }
                    expect(")");
                    return inner;
                }
                case "-": {
                    Node operand = expr(COLLATE);
                    if (operand instanceof Nodes.Literal lit && (lit.value instanceof Long || lit.value instanceof Double)) {
                        return new Nodes.Literal(new Nodes.Negate(operand, at).eval(null, null), at);
                    }
                    return new Nodes.Negate(operand, at);
                }
                case "+":
                    return new Nodes.Plus(expr(COLLATE), at);
                case "~":
                    return new Nodes.BitNot(expr(COLLATE), at);
                default:
                    throw new CompileError("syntax error near " + show(t), at);
            }
        }
        if (peek().is("(") && !x.equals("NOT") && !x.equals("CAST") && !x.equals("EXISTS") && !x.equals("CASE")) {
            return call(t);
        }
        switch (x) {
            case "NOT":
                return new Nodes.Not(expr(NOT), at);
            case "NULL":
                return new Nodes.Literal(null, at);
            case "TRUE":
                return new Nodes.Literal(Values.ONE, at);
            case "FALSE":
                return new Nodes.Literal(Values.ZERO, at);
            case "CASE":
                return caseExpr(at);
            case "CAST":
                return cast(at);
            case "CURRENT_TIMESTAMP":
                return now("datetime", at);
            case "CURRENT_DATE":
                return now("date", at);
            case "CURRENT_TIME":
                return now("time", at);
            case "EXISTS":
            case "SELECT":
                throw new CompileError("subqueries are not supported", at);
            default:
                break;
        }
        if (isKeyword(x)) {
            throw new CompileError("syntax error near " + show(t), at);
        }
        throw new CompileError("unknown name " + t.text(), at, "a column is written $" + t.text()
                + ", text is written in single quotes '" + t.text() + "'");
    }

    private static boolean isKeyword(String x) {
        return switch (x) {
            case "AND", "OR", "IS", "IN", "LIKE", "GLOB", "BETWEEN", "WHEN", "THEN", "ELSE", "END", "AS",
                 "ESCAPE", "COLLATE", "DISTINCT", "FROM", "ISNULL", "NOTNULL" -> true;
            default -> false;
        };
    }

    private Node now(String function, int at) {
        return Functions.lookup(function).builder().build(function, List.of(), at);
    }

    private Node caseExpr(int at) {
        Node base = peek().is("WHEN") ? null : expr(0);
        List<Node> whens = new ArrayList<>();
        List<Node> thens = new ArrayList<>();
        while (accept("WHEN")) {
            whens.add(expr(0));
            expect("THEN");
            thens.add(expr(0));
        }
        if (whens.isEmpty()) {
            throw new CompileError("CASE needs at least one WHEN ... THEN ...", peek().offset());
        }
        Node otherwise = accept("ELSE") ? expr(0) : null;
        expect("END");
        return new Nodes.Case(base, whens, thens, otherwise, at);
    }

    private Node cast(int at) {
        expect("(");
        Node x = expr(0);
        expect("AS");
        StringBuilder type = new StringBuilder();
        while (peek().kind() == Kind.IDENT) {
            if (type.length() > 0) {
                type.append(' ');
            }
            type.append(take().text());
        }
        if (type.length() == 0) {
            throw new CompileError("CAST needs a type name after AS, found " + show(peek()), peek().offset(),
                    "write CAST(x AS INTEGER), REAL, TEXT, NUMERIC or BLOB");
        }
        if (accept("(")) {
            do {
                accept("-");
                accept("+");
                Token n = take();
                if (n.kind() != Kind.NUMBER) {
                    throw new CompileError("expected a number in the type's size, found " + show(n), n.offset());
                }
            } while (accept(","));
            expect(")");
        }
        expect(")");
        return new Nodes.Cast(x, type.toString(), at);
    }

    private Node call(Token name) {
        int at = name.offset();
        expect("(");
        Functions.Spec spec = Functions.lookup(name.text());
        if (spec == null) {
            throw new CompileError("unknown function " + name.text() + "()", at,
                    "known functions: " + Functions.known());
        }
        if (peek().is("DISTINCT") || peek().is("*")) {
            throw new CompileError(name.text() + "(" + peek().text() + " ...) is an aggregate, not available in expressions", peek().offset());
        }
        List<Node> args = new ArrayList<>();
        if (!accept(")")) {
            do {
                args.add(expr(0));
            } while (accept(","));
            expect(")");
        }
        if (args.size() < spec.min() || args.size() > spec.max()) {
            String lower = name.text().toLowerCase(Locale.ROOT);
            String extra = (lower.equals("max") || lower.equals("min")) && args.size() == 1
                    ? "; with one argument it is an aggregate, not available in expressions" : "";
            throw new CompileError("function " + name.text() + "() takes " + spec.arity() + ", was given "
                    + args.size(), at, extra.isEmpty() ? "" : extra.substring(2));
        }
        if (name.text().equalsIgnoreCase("operation_indicator")) {
            usesOperationIndicator = true;
        }
        return spec.builder().build(name.text(), args, at);
    }

    // ---- $ references -----------------------------------------------------------------------

    static final List<String> VARIABLES = List.of("AR_H_OPERATION", "AR_H_TIMESTAMP", "AR_H_COMMIT_TIMESTAMP",
            "AR_H_STREAM_POSITION", "AR_H_CHANGE_SEQ", "AR_M_SOURCE_SCHEMA", "AR_M_SOURCE_TABLE_NAME",
            "AR_M_SOURCE_COLUMN_NAME", "AR_M_SOURCE_COLUMN_DATATYPE");

    private Node variable(String name, int at) {
        String upper = name.toUpperCase(Locale.ROOT);
        switch (upper) {
            case "AR_H_OPERATION":
                return new Nodes.HeaderVar(Nodes.HeaderVar.Kind.OPERATION, at);
            case "AR_H_TIMESTAMP":
            case "AR_H_COMMIT_TIMESTAMP":
                return new Nodes.HeaderVar(Nodes.HeaderVar.Kind.TIMESTAMP, at);
            case "AR_H_STREAM_POSITION":
                return new Nodes.HeaderVar(Nodes.HeaderVar.Kind.STREAM_POSITION, at);
            case "AR_H_CHANGE_SEQ":
                return new Nodes.HeaderVar(Nodes.HeaderVar.Kind.CHANGE_SEQ, at);
            case "AR_M_SOURCE_SCHEMA":
                return new Nodes.Literal(table.id().schema(), at);
            case "AR_M_SOURCE_TABLE_NAME":
                return new Nodes.Literal(table.id().name(), at);
            case "AR_M_SOURCE_COLUMN_NAME":
                return new Nodes.Literal(ruleColumn(name, at).name(), at);
            case "AR_M_SOURCE_COLUMN_DATATYPE": {
                Column c = ruleColumn(name, at);
                return new Nodes.Literal(c.nativeType().isEmpty() ? c.type().toString() : c.nativeType(), at);
            }
            default:
                break;
        }
        int index = table.columnIndex(name);
        if (index < 0) {
            for (int i = 0; i < table.columns().size(); i++) {
                if (table.columns().get(i).name().equalsIgnoreCase(name)) {
                    if (index >= 0) {
                        throw new CompileError("column $" + name + " is ambiguous: " + table.id() + " has "
                                + table.columns().get(index).name() + " and " + table.columns().get(i).name(), at,
                                "write the name exactly as the table spells it");
                    }
                    index = i;
                }
            }
        }
        if (index < 0) {
            if (upper.startsWith("AR_H_") || upper.startsWith("AR_M_")) {
                throw new CompileError("unknown header or metadata variable $" + name, at,
                        "Ferry knows $" + String.join(", $", VARIABLES));
            }
            throw new CompileError("unknown column $" + name, at,
                    "the columns of " + table.id() + " are " + String.join(", ", table.columnNames()));
        }
        Column c = table.columns().get(index);
        columns.add(c.name());
        return new Nodes.ColumnRef(index, c.name(), c.type(), at);
    }

    private Column ruleColumn(String variable, int at) {
        if (sourceColumn == null) {
            throw new CompileError("$" + variable + " has a value only in a rule for one column", at,
                    "name the column in the rule's object-locator (column-name)");
        }
        int i = table.columnIndex(sourceColumn);
        if (i < 0) {
            throw new CompileError("$" + variable + ": the rule's column " + sourceColumn + " is not a column of "
                    + table.id(), at, "the columns are " + String.join(", ", table.columnNames()));
        }
        return table.columns().get(i);
    }
}
