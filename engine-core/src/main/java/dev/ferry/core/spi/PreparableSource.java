package dev.ferry.core.spi;

import dev.ferry.core.model.TableSchema;

import java.util.List;

/**
 * A source that can enable change capture on itself for a task's tables, when the login may:
 * the statements are planned first (shown by a dry run), then run.
 */
public interface PreparableSource extends Source {

    /**
     * The statements that enable capture {@code mode} (a source-specific name such as {@code cdc})
     * on the database and {@code tables}; what is enabled already is left out. Runs nothing.
     *
     * @throws dev.ferry.core.ConfigurationException when the source has no such mode
     */
    List<String> preparation(List<TableSchema> tables, String mode);

    /** Runs {@code statements} from {@link #preparation}, in order, stopping at the first failure. */
    void prepare(List<String> statements);
}
