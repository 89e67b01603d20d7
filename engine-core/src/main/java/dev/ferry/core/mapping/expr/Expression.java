package dev.ferry.core.mapping.expr;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A DMS add-column expression (SQLite syntax), compiled once per table, evaluated per row.
 * Immutable, thread-safe.
 * <p>
 * The text is parsed by a small hand-written Pratt parser ({@link Parser}) into a tree of nodes
 * whose evaluation follows SQLite 3.40's semantics: NULL propagation, three-valued logic, INTEGER
 * vs REAL arithmetic, type affinity in comparisons (columns carry the affinity of their type),
 * text conversion of numbers. Ferry departs from SQLite only where DMS does or where exactness
 * is free: a DECIMAL column's values stay exact (BigDecimal) through arithmetic, comparison and
 * round(). Columns are read as {@code $NAME} (the source's spelling; a name that differs only in
 * case is accepted when it is unique) or {@code $"any name"}.
 * <p>
 * Per row, evaluation walks the tree with the row and the header; it parses nothing, reflects on
 * nothing and allocates only the values it computes.
 */
public final class Expression {
    private final String text;
    private final String where;
    private final TableId table;
    private final Node root;
    private final Set<String> columns;
    private final boolean usesOperationIndicator;
    private final LogicalType inferredType;

    private Expression(String text, String where, TableId table, Node root, Set<String> columns,
                       boolean usesOperationIndicator) {
        this.text = text;
        this.where = where;
        this.table = table;
        this.root = root;
        this.columns = Collections.unmodifiableSet(new LinkedHashSet<>(columns));
        this.usesOperationIndicator = usesOperationIndicator;
        this.inferredType = root.type();
    }

    /**
     * Compiles {@code text} against the SOURCE table (columns referenced as $name, by the source's
     * column names). {@code sourceColumn} is the column a column-level rule targets (for
     * $AR_M_SOURCE_COLUMN_NAME / _DATATYPE), null for a table-level rule. {@code where} names the
     * rule in errors, e.g. "$.rules[3] (rule 4 'add-full-name')". Throws
     * {@link ConfigurationException} with one clear line "&lt;where&gt;: &lt;problem&gt; at offset N" (N counts
     * characters of {@code text} from 0) for a syntax error, an unknown function (listing the known
     * ones), an unknown column (listing the table's columns), a wrong argument count.
     */
    public static Expression compile(String text, TableSchema sourceTable, String sourceColumn, String where) {
        if (text == null || text.isBlank()) {
            throw new ConfigurationException(where + ": the expression is empty");
        }
        try {
            Parser parser = new Parser(text, sourceTable, sourceColumn);
            Node root = parser.parse();
            return new Expression(text, where, sourceTable.id(), root, parser.columns, parser.usesOperationIndicator);
        } catch (Lexer.CompileError e) {
            throw new ConfigurationException(where + ": " + e.problem + " at offset " + e.offset
                    + (e.hint.isEmpty() ? "" : "; " + e.hint));
        }
    }

    /**
     * Evaluates for one row (values in the source table's column order, Java classes as
     * {@link dev.ferry.core.model.TypeKind} documents) and the change header. A column the
     * expression reads whose value is {@link dev.ferry.core.model.Unchanged#VALUE} (not sent by the
     * source) fails with a {@link FerryException} naming the column and the fix.
     *
     * @return null, Long, Double, BigDecimal, String or byte[]. Dates and times come out as
     * SQLite's text ('YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS'), as DMS presents them.
     */
    public Object evaluate(Object[] row, ChangeHeader header) {
        try {
            return root.eval(row, header);
        } catch (Nodes.UnsentColumn e) {
            throw new FerryException(where + ": the source did not send column " + e.column + " of " + table
                    + " with this change (its value did not change), and the expression reads it;"
                    + " have the source send whole rows (PostgreSQL: ALTER TABLE " + table
                    + " REPLICA IDENTITY FULL)");
        } catch (Node.EvalException e) {
            throw new FerryException(where + ": " + e.getMessage() + " at offset " + e.offset + ", for a row of " + table);
        }
    }

    /** The source columns the expression reads (by name, as the table spells them), in order of first use. */
    public Set<String> columns() {
        return columns;
    }

    /** Whether it calls operation_indicator(...) (then a CDC delete becomes an update flagging the row, as DMS documents). */
    public boolean usesOperationIndicator() {
        return usesOperationIndicator;
    }

    /**
     * The expression's own result kind when known statically (for add-column without data-type),
     * else null: INT64 for integers and truth values, FLOAT64 for reals, DECIMAL for exact decimals,
     * TEXT, BYTES, a column's own type for a bare column, and TIMESTAMP(6) for a bare
     * {@code $AR_H_TIMESTAMP} (DMS creates a DATETIME column for it; {@link #evaluate} gives its text,
     * 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC).
     */
    public LogicalType inferredType() {
        return inferredType;
    }

    /** The expression as written. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
