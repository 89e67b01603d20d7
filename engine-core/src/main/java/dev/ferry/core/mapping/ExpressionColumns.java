package dev.ferry.core.mapping;

import dev.ferry.core.mapping.expr.ChangeHeader;
import dev.ferry.core.mapping.expr.Expression;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableSchema;

/**
 * The values of {@code add-column} rules with an {@code expression}: DMS's SQLite-syntax
 * expressions, compiled once per table by the expression engine ({@link Expression}) against the
 * SOURCE table, evaluated per row with the change's header; the result is then converted to the
 * rule's data-type like any other value.
 */
final class ExpressionColumns {

    private ExpressionColumns() {
    }

    /** A compiled expression as an added column's value. */
    record Compiled(Expression expression) implements TableTransform.Added {
        @Override
        public Object value(Object[] row, ChangeHeader header) {
            return expression.evaluate(row, header);
        }

        @Override
        public boolean flagsDeletes() {
            return expression.usesOperationIndicator();
        }

        /** The result's type when the expression says (for an add-column rule without a data-type), else null. */
        LogicalType type() {
            return expression.inferredType();
        }
    }

    /**
     * Compiles {@code rule}'s expression for {@code source}; a bad expression is a
     * {@link dev.ferry.core.ConfigurationException} naming the rule's JSON path, rule-id and the offset.
     */
    static Compiled compile(TransformationRule rule, TableSchema source) {
        String column = rule.column() == null || rule.column().contains("%") ? null : rule.column();
        return new Compiled(Expression.compile(rule.expression(), source, column, rule.label() + ".expression"));
    }
}
