package dev.ferry.core.mapping;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.TableSchema;

/**
 * The values of {@code add-column} rules with an {@code expression}: DMS's SQLite-syntax
 * expressions, compiled once per table by the expression engine and evaluated per row.
 */
final class ExpressionColumns {

    private ExpressionColumns() {
    }

    static TableTransform.Added compile(TransformationRule rule, TableSchema source) {
        throw new ConfigurationException(rule.label() + ": add-column expressions are not supported by this build");
    }
}
