package dev.ferry.postgres.target;

import dev.ferry.core.TargetException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.Unchanged;
import dev.ferry.core.spi.ChangeApplier;
import dev.ferry.core.spi.ChangeBatch;
import dev.ferry.core.spi.Checkpoint;
import dev.ferry.postgres.PgConnector;
import dev.ferry.postgres.PgIdentifiers;
import dev.ferry.postgres.PgText;
import dev.ferry.postgres.PgType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Applies CDC batches on one dedicated connection. Per keyed table: the net rows are copied into a
 * temporary staging table (binary COPY, ON COMMIT DELETE ROWS), then one {@code DELETE ... USING}
 * and one {@code INSERT ... ON CONFLICT DO UPDATE} (plus one {@code UPDATE ... FROM} for rows with
 * unchanged TOAST values) move them into the table. Keyless tables apply event by event, matching
 * whole rows. The checkpoint row is written in the same transaction. SQL text is built once per
 * table and reused.
 */
final class PgChangeApplier implements ChangeApplier {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgChangeApplier.class);
    private static final String OP = "_ferry_op";
    private static final String UNCHANGED = "_ferry_unchanged";

    private final PgConnector connector;
    private final String checkpointSql;
    private final String taskName;
    private final Map<TableId, Plan> plans = new HashMap<>();
    private final Map<TableId, TableSchema> schemas = new HashMap<>();
    private Connection conn;
    private int stagingCounter;
    /** The loaded tables of the last checkpoint and their text: the set changes rarely, batches come often. */
    private java.util.Set<TableId> lastLoaded;
    private String lastLoadedText;

    PgChangeApplier(PgConnector connector, String controlSchema, String taskName, Collection<TableSchema> tables) {
        this.connector = connector;
        this.taskName = taskName;
        this.checkpointSql = PostgresTarget.checkpointUpsert(controlSchema);
        for (TableSchema t : tables) {
            schemas.put(t.id(), t);
        }
        try {
            conn = connector.open(new java.util.Properties());
            conn.setAutoCommit(false);
        } catch (SQLException e) {
            throw connector.failure("opening the change applier failed", e);
        }
    }

    private String loadedTablesText(Checkpoint checkpoint) {
        if (lastLoadedText == null || !java.util.Objects.equals(checkpoint.loadedTables(), lastLoaded)) {
            lastLoadedText = PostgresTarget.loadedTablesText(checkpoint.loadedTables());
            lastLoaded = checkpoint.loadedTables();
        }
        return lastLoadedText;
    }

    /** Everything built once per table: staging table, COPY and merge statements. */
    private static final class Plan {
        TableSchema schema;
        PgTargetTable target;
        String staging;
        String copySql;
        String deleteSql;
        String upsertSql;
        String partialUpdateSql;
        String truncateSql;
        String keylessDeleteSql;
        String keylessInsertSql;
        /** The row positions a keyless statement binds, in order: the columns the target does not generate. */
        int[] written;
        PgCopyWriter copy;
    }

    @Override
    public void apply(ChangeBatch batch, Checkpoint checkpoint) {
        TableId current = null;
        try {
            // Staging tables are created before any change of this batch, in a transaction of their own.
            boolean created = false;
            for (ChangeBatch.TableChanges changes : batch.tables()) {
                current = changes.schema().id();
                if (!plans.containsKey(current)) {
                    plan(changes.schema());
                    created = true;
                }
            }
            if (created) {
                conn.commit();
            }
            for (ChangeBatch.TableChanges changes : batch.tables()) {
                current = changes.schema().id();
                Plan plan = plans.get(current);
                if (changes.truncateFirst()) {
                    try (Statement st = conn.createStatement()) {
                        st.execute(plan.truncateSql);
                    }
                }
                if (changes.schema().hasPrimaryKey()) {
                    applyKeyed(plan, changes);
                } else {
                    applyKeyless(plan, changes.ordered());
                }
            }
            current = null;
            try (PreparedStatement ps = conn.prepareStatement(checkpointSql)) {
                ps.setString(1, taskName);
                PostgresTarget.bindCheckpoint(ps, checkpoint, loadedTablesText(checkpoint));
                ps.executeUpdate();
            }
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            // Plans made in the failed transaction may name staging tables that no longer exist.
            plans.clear();
            if (e instanceof TargetException t) {
                throw t;
            }
            String where = current == null ? "writing the checkpoint" : "applying changes to " + current;
            if (e instanceof SQLException s) {
                throw connector.failure(where + " failed", s);
            }
            throw new TargetException(where + " failed: " + e.getMessage(), e);
        }
    }

    private void applyKeyed(Plan plan, ChangeBatch.TableChanges changes) throws SQLException {
        if (changes.deletes().isEmpty() && changes.upserts().isEmpty()) {
            return;
        }
        PgCopyWriter copy = plan.copy;
        copy.begin(conn, plan.copySql);
        int partial = 0;
        int full = 0;
        int[] key = changes.schema().keyIndexes();
        boolean ok = false;
        try {
            for (Object[] before : changes.deletes()) {
                // Only the key matters for a delete; other columns may be absent from the before image.
                Object[] row = new Object[before.length];
                for (int k : key) {
                    row[k] = before[k];
                }
                copy.writeRowWith(row, 'D', null);
            }
            for (Object[] after : changes.upserts()) {
                int[] unchanged = unchangedColumns(after);
                if (unchanged == null) {
                    copy.writeRowWith(after, 'U', null);
                    full++;
                } else {
                    Object[] row = after.clone();
                    for (int i : unchanged) {
                        row[i - 1] = null;
                    }
                    copy.writeRowWith(row, 'U', unchanged);
                    partial++;
                }
            }
            copy.end();
            ok = true;
        } finally {
            if (!ok) {
                copy.cancel();
            }
        }
        try (Statement st = conn.createStatement()) {
            if (!changes.deletes().isEmpty()) {
                st.executeUpdate(plan.deleteSql);
            }
            if (full > 0) {
                st.executeUpdate(plan.upsertSql);
            }
            if (partial > 0) {
                int updated = st.executeUpdate(plan.partialUpdateSql);
                if (updated < partial) {
                    // Such an update can only complete a row the target has; say so rather than drop it quietly.
                    LOG.warn("table {}: {} update(s) left large values unchanged for rows the target does not have; "
                            + "those rows were not written (reload the table to bring them)", plan.schema.id(), partial - updated);
                }
            }
        }
        // ON COMMIT DELETE ROWS empties staging at commit; a second table in this batch has its own.
    }

    /** 1-based positions of the columns holding {@link Unchanged#VALUE}, or null when none. */
    private static int[] unchangedColumns(Object[] row) {
        int n = 0;
        for (Object v : row) {
            if (v == Unchanged.VALUE) {
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        int[] result = new int[n];
        int j = 0;
        for (int i = 0; i < row.length; i++) {
            if (row[i] == Unchanged.VALUE) {
                result[j++] = i + 1;
            }
        }
        return result;
    }

    /**
     * Keyless tables: each update or delete removes one row equal to the before image. Runs of
     * the same statement go to the server as one JDBC batch; a batch runs in order, so switching
     * statements only flushes the pending one.
     */
    private void applyKeyless(Plan plan, List<ChangeEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = conn.prepareStatement(plan.keylessDeleteSql);
             PreparedStatement insert = conn.prepareStatement(plan.keylessInsertSql)) {
            PreparedStatement pending = null;
            for (ChangeEvent e : events) {
                if (e instanceof ChangeEvent.Insert i) {
                    pending = queue(pending, insert, i.after(), plan.written);
                } else if (e instanceof ChangeEvent.Update u) {
                    if (u.before() == null) {
                        throw new TargetException("table " + plan.schema.id() + " has no primary key and the source sent "
                                + "no before image of an update; set REPLICA IDENTITY FULL on the source table");
                    }
                    pending = queue(pending, delete, u.before(), plan.written);
                    pending = queue(pending, insert, u.after(), plan.written);
                } else if (e instanceof ChangeEvent.Delete d) {
                    pending = queue(pending, delete, d.before(), plan.written);
                }
            }
            if (pending != null) {
                pending.executeBatch();
            }
        }
    }

    private static PreparedStatement queue(PreparedStatement pending, PreparedStatement next, Object[] row, int[] written)
            throws SQLException {
        if (pending != null && pending != next) {
            pending.executeBatch();
        }
        bind(next, row, written);
        next.addBatch();
        return next;
    }

    private static void bind(PreparedStatement ps, Object[] row, int[] written) throws SQLException {
        for (int j = 0; j < written.length; j++) {
            Object v = row[written[j]];
            if (v == Unchanged.VALUE) {
                throw new TargetException("an unchanged value arrived for a table without a primary key; "
                        + "set REPLICA IDENTITY FULL on the source table");
            }
            ps.setString(j + 1, PgText.format(v));
        }
    }

    private Plan plan(TableSchema schema) throws SQLException {
        Plan plan = plans.get(schema.id());
        if (plan != null) {
            return plan;
        }
        plan = new Plan();
        plan.schema = schema;
        plan.target = PgTargetTable.resolve(conn, schema);
        plan.target.requireGeneratedWhereTheSourceIs();
        String table = PgIdentifiers.quote(schema.id());
        List<String> cols = schema.columnNames();
        // the columns the target generates are neither written nor compared (the source sends no value for them)
        boolean[] generated = plan.target.generated();
        String colList = plan.target.writtenList();
        plan.written = plan.target.written();
        plan.truncateSql = "TRUNCATE " + table;
        if (schema.hasPrimaryKey()) {
            plan.staging = PgIdentifiers.quote("ferry_stage_" + (++stagingCounter));
            try (Statement st = conn.createStatement()) {
                st.execute("CREATE TEMP TABLE " + plan.staging + " ON COMMIT DELETE ROWS AS SELECT " + colList
                        + ", NULL::\"char\" AS " + OP + ", NULL::int4[] AS " + UNCHANGED + " FROM " + table + " WITH NO DATA");
            }
            plan.copySql = "COPY " + plan.staging + " (" + colList + ", " + OP + ", " + UNCHANGED + ") FROM STDIN (FORMAT binary)";
            StringJoiner keyMatch = new StringJoiner(" AND ");
            for (String k : schema.primaryKey()) {
                keyMatch.add("t." + PgIdentifiers.quote(k) + " = s." + PgIdentifiers.quote(k));
            }
            plan.deleteSql = "DELETE FROM " + table + " t USING " + plan.staging + " s WHERE s." + OP + " = 'D' AND " + keyMatch;
            StringJoiner set = new StringJoiner(", ");
            StringJoiner partialSet = new StringJoiner(", ");
            for (int i = 0; i < cols.size(); i++) {
                String c = cols.get(i);
                if (schema.primaryKey().contains(c) || generated[i]) {
                    continue;
                }
                String q = PgIdentifiers.quote(c);
                set.add(q + " = EXCLUDED." + q);
                partialSet.add(q + " = CASE WHEN " + (i + 1) + " = ANY(s." + UNCHANGED + ") THEN t." + q + " ELSE s." + q + " END");
            }
            String conflict = " ON CONFLICT (" + PgIdentifiers.quoteAll(schema.primaryKey()) + ") DO "
                    + (set.length() == 0 ? "NOTHING" : "UPDATE SET " + set);
            plan.upsertSql = "INSERT INTO " + table + " (" + colList + ") SELECT " + colList + " FROM " + plan.staging
                    + " WHERE " + OP + " = 'U' AND " + UNCHANGED + " IS NULL" + conflict;
            plan.partialUpdateSql = partialSet.length() == 0 ? "SELECT 1"
                    : "UPDATE " + table + " t SET " + partialSet + " FROM " + plan.staging + " s WHERE s." + OP
                    + " = 'U' AND s." + UNCHANGED + " IS NOT NULL AND " + keyMatch;
            plan.copy = PgCopyWriter.of(plan.target);
        } else {
            StringJoiner match = new StringJoiner(" AND ");
            StringJoiner params = new StringJoiner(", ");
            for (int i : plan.target.written()) {
                PgType t = plan.target.types()[i];
                String q = PgIdentifiers.quote(cols.get(i));
                String cast = plan.target.fullTypes()[i];
                if (t == PgType.JSON || t == PgType.XML) {
                    // json and xml have no equality operator: compare their text
                    match.add("x." + q + "::text IS NOT DISTINCT FROM ?::text");
                } else if (t == PgType.TIMETZ) {
                    // timetz equality compares the offset too, and the old row arrives at +00 (Debezium
                    // normalises timetz to UTC): compare the instant
                    match.add("(x." + q + " AT TIME ZONE 'UTC') IS NOT DISTINCT FROM (?::" + cast + " AT TIME ZONE 'UTC')");
                } else {
                    match.add("x." + q + " IS NOT DISTINCT FROM ?::" + cast);
                }
                params.add("?::" + plan.target.openTypes()[i]);
            }
            plan.keylessDeleteSql = "DELETE FROM " + table + " WHERE ctid = (SELECT x.ctid FROM " + table + " x WHERE "
                    + match + " LIMIT 1)";
            plan.keylessInsertSql = "INSERT INTO " + table + " (" + colList + ") VALUES (" + params + ")";
        }
        plans.put(schema.id(), plan);
        return plan;
    }

    private void rollbackQuietly() {
        try {
            conn.rollback();
        } catch (SQLException e) {
            // the connection is broken; the transaction is gone with it
        }
    }

    @Override
    public void close() {
        if (conn != null) {
            try {
                conn.rollback();
                conn.close();
            } catch (SQLException e) {
                // closing a broken connection
            }
            conn = null;
        }
    }
}
