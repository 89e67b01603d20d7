package dev.ferry.core;

import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.AssessableSource;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.PreparableSource;
import dev.ferry.core.settings.TaskSettings;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.Target;
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
     * What {@link #drop} removed, each entry one object named for a person.
     *
     * @param source on the source: a replication slot, a publication, a marker row; empty when it kept nothing
     * @param target on the target: the checkpoint; empty when it kept nothing
     */
    public record Dropped(List<String> source, List<String> target) {
        public Dropped {
            source = List.copyOf(source);
            target = List.copyOf(target);
        }

        /** True when neither endpoint kept anything of the task. */
        public boolean nothing() {
            return source.isEmpty() && target.isEmpty();
        }
    }

    /**
     * Removes task {@code taskName} for good: first what its change capture keeps on the source
     * ({@link Source#dropCapture}: on PostgreSQL its replication slot, which keeps WAL until the
     * task confirms it, and its publication), then its checkpoint on the target, in the control
     * schema of {@code settings}. The target's tables and their rows stay. For a task that will not
     * run again: abandoned, failed during its full load, or replaced by a full-load-only one. A later
     * start of a task of that name is a fresh one (a full load).
     *
     * @throws SourceException when the task is running (nothing is removed then), or the source's
     *                         objects cannot be removed (the target is then left as it is)
     * @throws TargetException when the target's checkpoint cannot be removed
     */
    public static Dropped drop(String taskName, EndpointConfig source, EndpointConfig target, TaskSettings settings) {
        FerryTask.builder(taskName); // refuses a name no task can have
        try (Source s = Endpoints.source(source); Target t = Endpoints.target(target)) {
            return drop(taskName, s, t, settings.controlSchema());
        }
    }

    /** {@link #drop(String, EndpointConfig, EndpointConfig, TaskSettings)} on endpoints the caller owns (and closes). */
    public static Dropped drop(String taskName, Source source, Target target, String controlSchema) {
        List<String> fromSource = source.dropCapture(taskName);
        List<String> fromTarget = target.dropTask(taskName, controlSchema);
        return new Dropped(fromSource, fromTarget);
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
