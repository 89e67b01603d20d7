package dev.ferry.core;

import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.AssessableSource;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.PreparableSource;
import dev.ferry.core.spi.Source;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;

import java.util.List;

/**
 * Entry point of the embedding API:
 * <pre>{@code
 * try (FerryTask task = Ferry.task("orders")
 *         .source(new EndpointConfig("postgres", Map.of("url", src, "user", "app", "password", pw)))
 *         .target(new EndpointConfig("postgres", Map.of("url", dst, "user", "app", "password", pw)))
 *         .migrationType(MigrationType.FULL_LOAD_AND_CDC)
 *         .build()) {
 *     task.start();
 *     task.awaitFullLoad(Duration.ofMinutes(10));
 *     task.awaitInSync(Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class Ferry {
    private Ferry() {
    }

    public static FerryTask.Builder task(String name) {
        return FerryTask.builder(name);
    }

    /**
     * The premigration assessment of {@code source} for the tables {@code mappings} select, for a
     * task of {@code type}. Connects to the source and reads its catalog; moves nothing.
     *
     * @throws ConfigurationException when the source's plug-in has no assessment, or its settings are wrong
     * @throws SourceException        when the source cannot be reached
     */
    public static Assessment assess(EndpointConfig source, TableMappings mappings, MigrationType type) {
        try (Source s = Endpoints.source(source)) {
            if (!(s instanceof AssessableSource assessable)) {
                throw new ConfigurationException("source type '" + source.type() + "' has no premigration assessment");
            }
            List<TableSchema> tables = mappings.select(s.discover());
            return assessable.assess(tables, type.cdc());
        }
    }

    /**
     * Enables change capture {@code mode} (a source-specific name: {@code cdc} or
     * {@code change-tracking} for SQL Server) on the tables {@code mappings} select, unless
     * {@code dryRun}. Returns the statements, run or not; what is enabled already is left out.
     *
     * @throws ConfigurationException when the source's plug-in cannot prepare itself, or has no such mode
     * @throws SourceException        when the source cannot be reached or a statement fails
     */
    public static List<String> prepareSource(EndpointConfig source, TableMappings mappings, String mode, boolean dryRun) {
        try (Source s = Endpoints.source(source)) {
            if (!(s instanceof PreparableSource preparable)) {
                throw new ConfigurationException("source type '" + source.type() + "' cannot prepare itself for change capture");
            }
            List<String> statements = preparable.preparation(mappings.select(s.discover()), mode);
            if (!dryRun) {
                preparable.prepare(statements);
            }
            return statements;
        }
    }
}
