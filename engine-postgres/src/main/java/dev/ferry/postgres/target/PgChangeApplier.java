package dev.ferry.postgres.target;

import dev.ferry.core.FerryException;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Applies CDC batches on one dedicated connection. Per keyed table: the net rows are copied into a
 * temporary staging table (binary COPY, ON COMMIT DELETE ROWS), then one {@code DELETE ... USING}
 * and one {@code INSERT ... ON CONFLICT DO UPDATE} (plus one {@code UPDATE ... FROM} for rows with
 * unchanged TOAST values) move them into the table. Keyless tables apply event by event, matching
 * whole rows. The checkpoint row is written in the same transaction. SQL text is built once per
 * table and reused.
 *
 * <p>The net change does not pass through the states the source did: two values swapped through a
 * temporary one become two upserts, the first meeting the second's old value. A keyed table whose
 * target has a unique index or an exclusion constraint beside its key
 * ({@link PgTargetTable#constraintsBesideKey}) is therefore applied in source order, one statement
 * per change, idempotent as the net change is. Such a constraint added while the task runs shows as
 * a violation on the net path: the table's plan is made again and the batch applied again in order.
 * Where even the source's order breaks it (a source that checks the constraint per statement, as
 * SQL Server does and PostgreSQL's DEFERRABLE constraints do, swaps two values in one UPDATE; a
 * replayed change meets a later state), the batch is applied again with that table's net change
 * replacing its rows: every touched row deleted, then the new rows inserted, so that each state
 * between is part of the table before or after the batch, and the constraint holds if it holds at
 * the end of the batch. Only when that fails too does the batch fail, naming the constraint.
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
    /** The constraints beside the key last logged per table: plans are made again after every failure. */
    private final Map<TableId, List<String>> announced = new HashMap<>();
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
        /** Constraints beside the key that the net change could break; when any, changes apply in source order. */
        List<String> constraintsBesideKey = List.of();
        /** Keyed tables in source order: one row per statement, text parameters. */
        String rowUpsertSql;
        String rowDeleteSql;
        String rowPartialSql;
        /** Keyed tables, net change replacing the touched rows: complete partial rows, delete, insert. */
        String replaceFillSql;
        String replaceDeleteSql;
        String replaceInsertSql;
    }

    @Override
    public void apply(ChangeBatch batch, Checkpoint checkpoint) {
        Set<TableId> replace = new HashSet<>(0); // the tables of this batch to apply by replacing their touched rows
        int retries = 2 * batch.tables().size(); // at most a constraint learned and a replace per table
        while (!applyOnce(batch, checkpoint, replace, retries-- > 0)) {
            LOG.debug("the batch is applied again");
        }
    }

    /**
     * Applies the batch and commits it, or throws with everything rolled back. Returns false, rolled
     * back, when {@code mayRetry} and a keyed table broke a unique or exclusion constraint in a way
     * another attempt can avoid: applied by net change, its target gained such a constraint since its
     * plan was made (its plan now knows it, so the next attempt applies it in order); applied in order,
     * it is added to {@code replace} (the next attempt replaces its touched rows).
     */
    private boolean applyOnce(ChangeBatch batch, Checkpoint checkpoint, Set<TableId> replace, boolean mayRetry) {
        TableId current = null;
        boolean committing = false;
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
                    if (plan.constraintsBesideKey.isEmpty() || replace.contains(current)) {
                        applyKeyed(plan, changes, replace.contains(current));
                    } else {
                        applyInOrder(plan, changes);
                    }
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
            committing = true; // where INITIALLY DEFERRED constraints are checked
            conn.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            Plan failed = current == null ? null : plans.get(current);
            // Plans made in the failed transaction may name staging tables that no longer exist.
            plans.clear();
            if (e instanceof TargetException t) {
                throw t;
            }
            String where = current != null ? "applying changes to " + current
                    : committing ? "committing the batch" : "writing the checkpoint";
            if (e instanceof SQLException s) {
                boolean constraint = failed != null && failed.schema.hasPrimaryKey() && isConstraintViolation(s);
                if (constraint && mayRetry && !replace.contains(current)) {
                    if (!failed.constraintsBesideKey.isEmpty()) {
                        LOG.info("table {}: applied in the source's order, its changes break a constraint of the target ({}); "
                                + "applying this batch again with its net change replacing the rows it touches", current,
                                PgConnector.explain(s));
                        replace.add(current);
                        return false;
                    }
                    if (gainedConstraintsBesideKey(failed.schema)) {
                        return false;
                    }
                }
                FerryException f = connector.failure(where + " failed", s);
                if (constraint && replace.contains(current)) {
                    throw new TargetException(f.getMessage() + "; the source's changes break this constraint of the target "
                            + "in the order the source made them and at the end of the batch: the source allows what it "
                            + "forbids. Drop it on the target, or create the same constraint on the source", s);
                }
                throw f;
            }
            throw new TargetException(where + " failed: " + e.getMessage(), e);
        }
    }

    /** A unique or exclusion violation: what the net change can cause where the source's order did not. */
    private static boolean isConstraintViolation(SQLException e) {
        if (e instanceof java.sql.BatchUpdateException && e.getNextException() != null) {
            return isConstraintViolation(e.getNextException());
        }
        return "23505".equals(e.getSQLState()) || "23P01".equals(e.getSQLState());
    }

    /** After a rollback: whether {@code schema}'s target table now has constraints beside its key (its plan had none). */
    private boolean gainedConstraintsBesideKey(TableSchema schema) {
        try {
            List<String> now = PgTargetTable.constraintsBesideKey(conn, schema);
            conn.rollback();
            if (now.isEmpty()) {
                return false;
            }
            LOG.info("table {}: the target gained {} beside its primary key while the task ran; this batch is applied again, "
                    + "in source order", schema.id(), now);
            return true;
        } catch (SQLException e) {
            rollbackQuietly();
            return false; // the violation is reported as it is
        }
    }

    /**
     * The net change of a keyed table through its staging table. With {@code replace}, every touched
     * row is deleted before the new rows are inserted (values the source did not send are first taken
     * from the target's rows), so that a unique or exclusion constraint that holds before and after
     * the batch holds at every step; otherwise one delete and one upsert.
     */
    private void applyKeyed(Plan plan, ChangeBatch.TableChanges changes, boolean replace) throws SQLException {
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
            if (replace) {
                int completed = partial > 0 ? st.executeUpdate(plan.replaceFillSql) : 0;
                st.executeUpdate(plan.replaceDeleteSql);
                st.executeUpdate(plan.replaceInsertSql);
                if (completed < partial) {
                    LOG.warn("table {}: {} update(s) left large values unchanged for rows the target does not have; "
                            + "those rows were not written (reload the table to bring them)", plan.schema.id(), partial - completed);
                }
                return;
            }
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

    /**
     * A keyed table in source order, so that it passes through the states the source did: an insert
     * is an upsert, an update of the key deletes the old key first, an update of a row the target
     * lacks upserts the after image, a delete of a missing row does nothing, and values the source
     * did not send are kept from the target's row (a row the target lacks is then not written, as on
     * the net path). Runs of one statement go to the server as one JDBC batch, each row still its own
     * statement, so that every constraint is checked after every change.
     */
    private void applyInOrder(Plan plan, ChangeBatch.TableChanges changes) throws SQLException {
        if (changes.ordered().isEmpty()) {
            return;
        }
        int[] key = changes.schema().keyIndexes();
        try (PreparedStatement upsert = conn.prepareStatement(plan.rowUpsertSql);
             PreparedStatement delete = conn.prepareStatement(plan.rowDeleteSql);
             PreparedStatement partial = plan.rowPartialSql == null ? null : conn.prepareStatement(plan.rowPartialSql)) {
            Runs runs = new Runs(partial);
            for (ChangeEvent e : changes.ordered()) {
                Object[] after;
                if (e instanceof ChangeEvent.Insert i) {
                    after = i.after();
                } else if (e instanceof ChangeEvent.Update u) {
                    after = u.after();
                    if (u.before() != null && !sameKey(key, u.before(), after)) {
                        bindKey(delete, key, u.before());
                        runs.add(delete);
                    }
                } else if (e instanceof ChangeEvent.Delete d) {
                    bindKey(delete, key, d.before());
                    runs.add(delete);
                    continue;
                } else {
                    continue; // a truncate is in truncateFirst
                }
                int[] unchanged = unchangedColumns(after);
                if (unchanged == null) {
                    for (int j = 0; j < plan.written.length; j++) {
                        upsert.setString(j + 1, PgText.format(after[plan.written[j]]));
                    }
                    runs.add(upsert);
                } else {
                    StringJoiner positions = new StringJoiner(",", "{", "}");
                    for (int i : unchanged) {
                        positions.add(Integer.toString(i));
                    }
                    partial.setString(1, positions.toString());
                    for (int j = 0; j < plan.written.length; j++) {
                        Object v = after[plan.written[j]];
                        partial.setString(j + 2, v == Unchanged.VALUE ? null : PgText.format(v));
                    }
                    runs.add(partial);
                    runs.partials++;
                }
            }
            runs.flush();
            if (runs.partialRows < runs.partials) {
                LOG.warn("table {}: {} update(s) left large values unchanged for rows the target does not have; "
                        + "those rows were not written (reload the table to bring them)", plan.schema.id(), runs.partials - runs.partialRows);
            }
        }
    }

    private static boolean sameKey(int[] key, Object[] a, Object[] b) {
        for (int k : key) {
            if (!java.util.Objects.deepEquals(a[k], b[k])) {
                return false;
            }
        }
        return true;
    }

    private static void bindKey(PreparedStatement ps, int[] key, Object[] row) throws SQLException {
        for (int i = 0; i < key.length; i++) {
            ps.setString(i + 1, PgText.format(row[key[i]]));
        }
    }

    /**
     * Runs of one statement sent as one JDBC batch: a batch runs in order, so switching statements
     * sends the pending run first. Counts the rows the partial updates found.
     */
    private static final class Runs {
        private final PreparedStatement partial;
        private PreparedStatement pending;
        int partials;
        long partialRows;

        Runs(PreparedStatement partial) {
            this.partial = partial;
        }

        void add(PreparedStatement next) throws SQLException {
            if (pending != null && pending != next) {
                flush();
            }
            next.addBatch();
            pending = next;
        }

        void flush() throws SQLException {
            if (pending == null) {
                return;
            }
            int[] counts = pending.executeBatch();
            if (pending == partial) {
                for (int n : counts) {
                    partialRows += Math.max(0, n);
                }
            }
            pending = null;
        }
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
            StringJoiner values = new StringJoiner(", ");
            for (int i : plan.written) {
                values.add("?::" + plan.target.openTypes()[i]);
            }
            StringJoiner keyParams = new StringJoiner(" AND ");
            for (int k : schema.keyIndexes()) {
                keyParams.add(PgIdentifiers.quote(cols.get(k)) + " = ?::" + plan.target.fullTypes()[k]);
            }
            StringJoiner fill = new StringJoiner(", ");
            for (int i = 0; i < cols.size(); i++) {
                if (!schema.primaryKey().contains(cols.get(i)) && !generated[i]) {
                    String q = PgIdentifiers.quote(cols.get(i));
                    fill.add(q + " = CASE WHEN " + (i + 1) + " = ANY(s." + UNCHANGED + ") THEN t." + q + " ELSE s." + q + " END");
                }
            }
            plan.replaceFillSql = fill.length() == 0 ? "SELECT 0" : "UPDATE " + plan.staging + " s SET " + fill + ", " + UNCHANGED
                    + " = NULL FROM " + table + " t WHERE s." + OP + " = 'U' AND s." + UNCHANGED + " IS NOT NULL AND " + keyMatch;
            plan.replaceDeleteSql = "DELETE FROM " + table + " t USING " + plan.staging + " s WHERE " + keyMatch;
            plan.replaceInsertSql = "INSERT INTO " + table + " (" + colList + ") SELECT " + colList + " FROM " + plan.staging
                    + " WHERE " + OP + " = 'U' AND " + UNCHANGED + " IS NULL";
            plan.rowUpsertSql = "INSERT INTO " + table + " (" + colList + ") VALUES (" + values + ")" + conflict;
            plan.rowDeleteSql = "DELETE FROM " + table + " WHERE " + keyParams;
            plan.rowPartialSql = partialSet.length() == 0 ? null : "UPDATE " + table + " t SET " + partialSet + " FROM (VALUES (?::int4[], "
                    + values + ")) s (" + UNCHANGED + ", " + colList + ") WHERE " + keyMatch;
            plan.constraintsBesideKey = PgTargetTable.constraintsBesideKey(conn, schema);
            List<String> before = announced.put(schema.id(), plan.constraintsBesideKey);
            if (!plan.constraintsBesideKey.isEmpty() && !plan.constraintsBesideKey.equals(before)) {
                LOG.info("table {}: the target has {} beside the primary key; its changes apply in source order, one statement "
                        + "per change, so that it holds at every step", schema.id(), plan.constraintsBesideKey);
            }
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
                // no rollback first: closing ends the transaction on the server, and a close from another thread
                // (an abort) between a rollback and the close would let the rest of a batch commit without its start
                conn.close();
            } catch (SQLException e) {
                // closing a broken connection
            }
            conn = null;
        }
    }
}
