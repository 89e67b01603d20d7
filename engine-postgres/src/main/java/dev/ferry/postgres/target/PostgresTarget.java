package dev.ferry.postgres.target;

import dev.ferry.core.TargetException;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkWriter;
import dev.ferry.core.spi.ChangeApplier;
import dev.ferry.core.spi.Checkpoint;
import dev.ferry.core.spi.Target;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.postgres.PgConnector;
import dev.ferry.postgres.PgEndpoint;
import dev.ferry.postgres.PgIdentifiers;
import dev.ferry.core.settings.TypeMappingProfile;
import dev.ferry.postgres.PgColumnTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.model.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * PostgreSQL as a target: creates tables with mapped types and primary keys, loads with binary
 * COPY, applies CDC batches through staging tables, and keeps each task's checkpoint in
 * {@code <control schema>.ferry_checkpoint}, written in the same transaction as the changes: phase,
 * position, and the loaded tables (NULL in rows written before Ferry recorded them).
 */
public final class PostgresTarget implements Target {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTarget.class);
    static final String CHECKPOINT_TABLE = "ferry_checkpoint";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PgConnector connector;
    private volatile String controlSchema = "ferry";
    /** FerrySettings.TypeMappingProfile, and the source engine whose types it maps ({@link #useTypeMapping}). */
    private volatile TypeMappingProfile typeMapping = TypeMappingProfile.NATIVE;
    private volatile String sourceEngine = "";

    PostgresTarget(PgEndpoint endpoint) {
        this.connector = new PgConnector(endpoint, "target");
    }

    static String checkpointTable(String controlSchema) {
        return PgIdentifiers.quote(controlSchema) + "." + PgIdentifiers.quote(CHECKPOINT_TABLE);
    }

    /** Parameters: task name, phase, position, loaded tables ({@link #loadedTablesText}). */
    static String checkpointUpsert(String controlSchema) {
        return "INSERT INTO " + checkpointTable(controlSchema) + " (task_name, phase, position, loaded_tables, updated_at) "
                + "VALUES (?, ?, ?, ?, now()) ON CONFLICT (task_name) DO UPDATE SET phase = EXCLUDED.phase, "
                + "position = EXCLUDED.position, loaded_tables = EXCLUDED.loaded_tables, updated_at = EXCLUDED.updated_at";
    }

    /** Binds a checkpoint to the parameters of {@link #checkpointUpsert}, starting at the phase. */
    static void bindCheckpoint(PreparedStatement ps, Checkpoint checkpoint, String loadedTables) throws SQLException {
        ps.setString(2, checkpoint.phase().name());
        ps.setString(3, checkpoint.position());
        ps.setString(4, loadedTables);
    }

    /**
     * The loaded tables as the checkpoint row keeps them: a JSON array of [schema, name] pairs,
     * sorted; SQL NULL (Java null) when the checkpoint does not say.
     */
    static String loadedTablesText(Set<TableId> tables) {
        if (tables == null) {
            return null;
        }
        List<List<String>> pairs = new ArrayList<>();
        for (TableId t : tables) {
            pairs.add(List.of(t.schema(), t.name()));
        }
        try {
            return JSON.writeValueAsString(pairs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the loaded tables " + tables, e);
        }
    }

    static Set<TableId> parseLoadedTables(String text) {
        if (text == null) {
            return null;
        }
        try {
            List<List<String>> pairs = JSON.readValue(text, new TypeReference<>() { });
            Set<TableId> tables = new LinkedHashSet<>();
            for (List<String> pair : pairs) {
                tables.add(new TableId(pair.get(0), pair.get(1)));
            }
            return tables;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new TargetException("the checkpoint's loaded tables are not a list of [schema, name] pairs: " + text, e);
        }
    }

    @Override
    public void prepareControlTables(String taskName, String controlSchema) {
        this.controlSchema = controlSchema;
        inDdlTransaction("creating the control table " + checkpointTable(controlSchema), (c, st) -> {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + PgIdentifiers.quote(controlSchema));
            st.execute("CREATE TABLE IF NOT EXISTS " + checkpointTable(controlSchema) + " (task_name text PRIMARY KEY, "
                    + "phase text NOT NULL, position text, loaded_tables text, updated_at timestamptz NOT NULL)");
            // a control table made before loaded tables were recorded: its rows keep NULL, "not known"
            st.execute("ALTER TABLE " + checkpointTable(controlSchema) + " ADD COLUMN IF NOT EXISTS loaded_tables text");
            st.execute(PgTableLoads.createSql(controlSchema));
            st.execute(PgTableLoads.addRangesSql(controlSchema));
            return null;
        });
    }

    @Override
    public void prepareTable(TableSchema table, TargetTablePrepMode mode) {
        prepareTable(null, table, mode);
    }

    /** Also settles a load of the table that the task recorded and that did not count ({@link PgTableLoads#settle}). */
    @Override
    public void prepareTable(String taskName, TableSchema table, TargetTablePrepMode mode) {
        String name = PgIdentifiers.quote(table.id());
        String schema = controlSchema;
        boolean existed = inDdlTransaction("preparing target table " + table.id() + " (" + mode + ")", (c, st) -> {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(quote_ident(?) || '.' || quote_ident(?)) IS NOT NULL")) {
                ps.setString(1, table.id().schema());
                ps.setString(2, table.id().name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    exists = rs.getBoolean(1);
                }
            }
            if (taskName != null && exists) {
                PgTableLoads.settle(c, schema, taskName, table, mode);
            }
            if (exists && mode == TargetTablePrepMode.DROP_AND_CREATE) {
                st.execute("DROP TABLE " + name);
                exists = false;
            }
            if (!exists) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + PgIdentifiers.quote(table.id().schema()));
                try {
                    st.execute(createTableSql(table, typeMapping, sourceEngine));
                } catch (SQLException e) {
                    if (table.columns().stream().noneMatch(Column::generated) || e.getSQLState() == null
                            || !e.getSQLState().startsWith("42")) {
                        throw e;
                    }
                    c.rollback();
                    throw generatedColumnsRefused(table, e);
                }
            } else if (mode == TargetTablePrepMode.TRUNCATE_BEFORE_LOAD) {
                st.execute("TRUNCATE " + name);
            }
            return exists;
        });
        LOG.debug("table {} prepared ({})", table.id(), existed ? mode : "created");
    }

    /** DDL work on one connection and statement, inside the transaction {@link #inDdlTransaction} opens. */
    @FunctionalInterface
    private interface DdlWork<T> {
        T run(Connection c, Statement st) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction holding Ferry's DDL lock on this database: "IF NOT EXISTS"
     * is not safe against a concurrent creator (two tasks sharing a target would collide on a schema).
     */
    private <T> T inDdlTransaction(String what, DdlWork<T> work) {
        try (Connection c = connector.pooled(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                st.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
                T result = work.run(c, st);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw connector.failure(what + " failed", e);
        }
    }

    /** An advisory lock key of Ferry's own ('ferry' in ASCII). */
    private static final long DDL_LOCK = 0x6665727279L;

    /**
     * A column the source generates is created generated by the same expression: the source's
     * change stream sends no value for it, so only the target can keep it right. STORED, which every
     * PostgreSQL since 12 has (a VIRTUAL column of PostgreSQL 18 holds the same values).
     */
    static String createTableSql(TableSchema table) {
        return createTableSql(table, TypeMappingProfile.NATIVE, "");
    }

    /** The CREATE TABLE of {@code table} with the column types of {@code profile} ({@link PgColumnTypes}). */
    static String createTableSql(TableSchema table, TypeMappingProfile profile, String sourceEngine) {
        StringJoiner cols = new StringJoiner(", ");
        for (Column c : table.columns()) {
            cols.add(PgIdentifiers.quote(c.name()) + " " + PgColumnTypes.ddl(c, profile, sourceEngine)
                    + (c.generated() ? " GENERATED ALWAYS AS (" + c.generatedAs() + ") STORED" : "")
                    + (c.nullable() ? "" : " NOT NULL"));
        }
        if (table.hasPrimaryKey()) {
            cols.add("PRIMARY KEY (" + PgIdentifiers.quoteAll(table.primaryKey()) + ")");
        }
        return "CREATE TABLE " + PgIdentifiers.quote(table.id()) + " (" + cols + ")";
    }

    /** The table cannot be created because a generation expression of the source does not work here. */
    private static TargetException generatedColumnsRefused(TableSchema table, SQLException e) {
        StringJoiner generated = new StringJoiner(", ");
        for (Column c : table.columns()) {
            if (c.generated()) {
                generated.add(c.name() + " GENERATED ALWAYS AS (" + c.generatedAs() + ")");
            }
        }
        return new TargetException("target table " + table.id() + " cannot be created with the generated column(s) of the "
                + "source, " + generated + ": " + PgConnector.explain(e) + ". The source sends no values of generated columns with "
                + "changes, so the target must compute them: create the table on the target yourself, each of these columns "
                + "GENERATED ALWAYS AS an expression that works on the target's column types (Ferry creates enum, array and "
                + "other columns without a native mapping as text), with TargetTablePrepMode DO_NOTHING; or exclude the table "
                + "from the table mappings", e);
    }

    /**
     * Tables created from now on take the column types of {@code profile}; the write paths follow by
     * themselves, since they encode each value for the column type the target's catalog shows.
     */
    @Override
    public void useTypeMapping(TypeMappingProfile profile, String sourceEngine) {
        PgColumnTypes.check(profile, sourceEngine);
        this.typeMapping = profile;
        this.sourceEngine = sourceEngine == null ? "" : sourceEngine;
    }

    @Override
    public BulkWriter openBulkWriter(TableSchema table) {
        return new PgBulkWriter(connector, table, null, null, null, 1);
    }

    /** The load is recorded in {@link PgTableLoads}, in the transaction of the rows. */
    @Override
    public BulkWriter openBulkWriter(String taskName, TableSchema table, String position) {
        return openBulkWriter(taskName, table, position, 1);
    }

    /** Each range records its commit in {@link PgTableLoads}, in the transaction of its rows. */
    @Override
    public BulkWriter openBulkWriter(String taskName, TableSchema table, String position, int ranges) {
        return new PgBulkWriter(connector, table, controlSchema, taskName, position, ranges);
    }

    @Override
    public Set<TableId> tablesLoaded(String taskName, String position) {
        try (Connection c = connector.pooled()) {
            return PgTableLoads.loaded(c, controlSchema, taskName, position);
        } catch (SQLException e) {
            throw connector.failure("reading the table loads of task " + taskName + " failed", e);
        }
    }

    @Override
    public void forgetTableLoads(String taskName, Collection<TableId> tables) {
        try (Connection c = connector.pooled()) {
            PgTableLoads.forget(c, controlSchema, taskName, tables);
        } catch (SQLException e) {
            throw connector.failure("forgetting the table loads of task " + taskName + " failed", e);
        }
    }

    @Override
    public ChangeApplier openChangeApplier(String taskName, Collection<TableSchema> tables) {
        return new PgChangeApplier(connector, controlSchema, taskName, tables);
    }

    @Override
    public Optional<Checkpoint> readCheckpoint(String taskName) {
        try (Connection c = connector.pooled();
             PreparedStatement ps = c.prepareStatement("SELECT phase, position, loaded_tables FROM "
                     + checkpointTable(controlSchema) + " WHERE task_name = ?")) {
            ps.setString(1, taskName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Checkpoint(Checkpoint.Phase.valueOf(rs.getString(1)), rs.getString(2),
                        parseLoadedTables(rs.getString(3))));
            }
        } catch (SQLException e) {
            throw connector.failure("reading the checkpoint of task " + taskName + " failed", e);
        } catch (IllegalArgumentException e) {
            throw new TargetException("the checkpoint of task " + taskName + " has an unknown phase: " + e.getMessage(), e);
        }
    }

    @Override
    public void writeCheckpoint(String taskName, Checkpoint checkpoint) {
        try (Connection c = connector.pooled(); PreparedStatement ps = c.prepareStatement(checkpointUpsert(controlSchema))) {
            ps.setString(1, taskName);
            bindCheckpoint(ps, checkpoint, loadedTablesText(checkpoint.loadedTables()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw connector.failure("writing the checkpoint of task " + taskName + " failed", e);
        }
    }

    @Override
    public void resetCheckpoint(String taskName) {
        try (Connection c = connector.pooled();
             PreparedStatement ps = c.prepareStatement("DELETE FROM " + checkpointTable(controlSchema) + " WHERE task_name = ?")) {
            ps.setString(1, taskName);
            ps.executeUpdate();
            PgTableLoads.forgetAll(c, controlSchema, taskName);
        } catch (SQLException e) {
            throw connector.failure("resetting the checkpoint of task " + taskName + " failed", e);
        }
    }

    /** Deletes the task's checkpoint row, when the control table exists; creates nothing. */
    @Override
    public List<String> dropTask(String taskName, String controlSchema) {
        List<String> dropped = new ArrayList<>();
        try (Connection c = connector.pooled()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(quote_ident(?) || '.' || quote_ident(?)) IS NOT NULL")) {
                ps.setString(1, controlSchema);
                ps.setString(2, CHECKPOINT_TABLE);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return dropped;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + checkpointTable(controlSchema)
                    + " WHERE task_name = ? RETURNING phase, updated_at")) {
                ps.setString(1, taskName);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        dropped.add("checkpoint in " + checkpointTable(controlSchema) + " (phase " + rs.getString(1)
                                + ", written " + rs.getTimestamp(2).toInstant() + ")");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(quote_ident(?) || '.' || quote_ident(?)) IS NOT NULL")) {
                ps.setString(1, controlSchema);
                ps.setString(2, PgTableLoads.TABLE);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int loads = rs.getBoolean(1) ? PgTableLoads.forgetAll(c, controlSchema, taskName) : 0;
                    if (loads > 0) {
                        dropped.add(loads + " recorded table load(s) in " + PgTableLoads.table(controlSchema));
                    }
                }
            }
            return dropped;
        } catch (SQLException e) {
            throw connector.failure("removing the checkpoint of task " + taskName + " from " + checkpointTable(controlSchema)
                    + " failed", e);
        }
    }

    @Override
    public void close() {
        connector.close();
    }
}
