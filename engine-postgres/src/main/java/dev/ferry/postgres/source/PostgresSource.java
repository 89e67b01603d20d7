package dev.ferry.postgres.source;

import dev.ferry.core.SourceException;
import dev.ferry.core.mapping.SourceFilter;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.AssessableSource;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.BatchLimits;
import dev.ferry.core.spi.BulkReader;
import dev.ferry.core.spi.CdcMark;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.KeyRange;
import dev.ferry.core.spi.SyncPoint;
import dev.ferry.postgres.PgConnector;
import dev.ferry.postgres.PgEndpoint;
import dev.ferry.postgres.PgIdentifiers;
import dev.ferry.postgres.PgType;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * PostgreSQL as a source: catalog from pg_catalog, bulk reads with binary COPY inside the
 * snapshot exported by the replication slot's creation (so the full load and CDC meet exactly),
 * and CDC through Debezium's PostgreSQL connector on that slot.
 */
public final class PostgresSource implements AssessableSource {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSource.class);

    private final PgConnector connector;
    private final String slotOption;
    private final String publicationOption;
    private final int maxBatch;
    private final long pollMillis;
    private final Map<TableId, PgCatalog.Table> catalog = new HashMap<>();
    private volatile String exportedSnapshot;

    PostgresSource(PgEndpoint endpoint, String slotName, String publicationName, int maxBatch, long pollMillis) {
        this.connector = new PgConnector(endpoint, "source");
        this.slotOption = slotName;
        this.publicationOption = publicationName;
        this.maxBatch = maxBatch;
        this.pollMillis = pollMillis;
    }

    String slot(String taskName) {
        return slotOption != null ? slotOption : PgIdentifiers.simpleName("ferry_", taskName);
    }

    String publication(String taskName) {
        return publicationOption != null ? publicationOption : PgIdentifiers.simpleName("ferry_", taskName);
    }

    @Override
    public List<TableSchema> discover() {
        try (Connection c = connector.pooled()) {
            List<PgCatalog.Table> tables = PgCatalog.read(c);
            List<TableSchema> result = new ArrayList<>(tables.size());
            synchronized (catalog) {
                catalog.clear();
                for (PgCatalog.Table t : tables) {
                    catalog.put(t.schema().id(), t);
                    result.add(t.schema());
                }
            }
            return result;
        } catch (SQLException e) {
            throw connector.failure("reading the catalog failed", e);
        }
    }

    private PgCatalog.Table table(TableId id) {
        synchronized (catalog) {
            PgCatalog.Table t = catalog.get(id);
            if (t == null) {
                throw new SourceException("table " + id + " is not in the source catalog (discover first)");
            }
            return t;
        }
    }

    @Override
    public CdcMark markCdcStart(String taskName, List<TableSchema> tables) {
        String slot = slot(taskName);
        String publication = publication(taskName);
        PgAssessment.Facts facts = requireReady(tables);
        try (Connection c = connector.pooled(); Statement st = c.createStatement()) {
            StringJoiner list = new StringJoiner(", ");
            for (TableSchema t : tables) {
                list.add(publicationItem(t.id()));
            }
            st.execute("DROP PUBLICATION IF EXISTS " + PgIdentifiers.quote(publication));
            // A partitioned table's changes are then published under its own name (the table the task replicates),
            // not under the names of its partitions; it changes nothing for other tables.
            st.execute("CREATE PUBLICATION " + PgIdentifiers.quote(publication) + " FOR TABLE " + list
                    + (PgAssessment.publishesViaRoot(facts.versionNum()) ? " WITH (publish_via_partition_root = true)" : ""));
            dropSlot(c, slot);
        } catch (SQLException e) {
            throw connector.failure("preparing CDC (publication " + publication + ", slot " + slot + ") failed", e);
        }
        Properties props = new Properties();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        // holds the exported snapshot, idle in its transaction, until the last table has started reading
        Connection repl = connector.openUntimed(props);
        try {
            ReplicationSlotInfo info = repl.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                    .logical().withSlotName(slot).withOutputPlugin("pgoutput").make();
            exportedSnapshot = info.getSnapshotName();
            PgPosition position = PgPosition.mark(info.getConsistentPoint().asLong());
            LOG.info("task {}: slot {} created at {}, snapshot {}", taskName, slot, position.describe(), exportedSnapshot);
            return CdcMark.of(position, info.getSnapshotName() != null, () -> {
                exportedSnapshot = null;
                try {
                    repl.close();
                } catch (SQLException e) {
                    LOG.debug("closing the replication connection failed: {}", e.toString());
                }
            });
        } catch (SQLException e) {
            try {
                repl.close();
            } catch (SQLException ignored) {
                // reported below with the original failure
            }
            throw connector.failure("creating replication slot " + slot + " failed", e);
        }
    }

    @Override
    public String engine() {
        return "postgres";
    }

    /**
     * A CDC-only task that starts at a WAL position (DMS's CdcStartPosition for PostgreSQL: an LSN
     * such as {@code 0/16B3748}). Logical decoding reads changes only through a slot, and a slot
     * never goes back before the position it confirmed: so, as AWS DMS asks, the slot (the task's,
     * or the endpoint's {@code slotName}) must exist already, with its confirmed position at or
     * before the start, and so must the publication with the tables (pgoutput reads a publication
     * as it was when each change was written). The slot is then advanced to the start
     * ({@code pg_replication_slot_advance}), which makes the stream skip every transaction that
     * committed before it. Neither slot nor publication is recreated. A time cannot be honoured:
     * PostgreSQL has no map from commit times to WAL positions.
     */
    @Override
    public CdcMark markCdcStartAt(String taskName, List<TableSchema> tables, dev.ferry.core.settings.CdcStart start) {
        String slot = slot(taskName);
        String publication = publication(taskName);
        if (start.time() != null) {
            throw new SourceException("PostgreSQL cannot start change capture at a time (" + start.describe() + "): logical "
                    + "decoding has no map from commit times to WAL positions, which is why AWS DMS does not offer a CDC start time "
                    + "for PostgreSQL either. Give a WAL position (LSN) of replication slot " + slot + " as CdcStartPosition, "
                    + "such as the pg_current_wal_insert_lsn() of the moment the target held the source's data, or no start");
        }
        long lsn = lsn(start.position());
        requireReady(tables);
        try (Connection c = connector.pooled()) {
            long confirmed;
            long current;
            try (PreparedStatement ps = c.prepareStatement("SELECT (confirmed_flush_lsn - '0/0')::bigint, plugin, "
                    + "(pg_current_wal_insert_lsn() - '0/0')::bigint FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SourceException("CdcStartPosition " + start.position() + ": replication slot " + slot + " does not "
                                + "exist in this database. Only a slot that existed before that position keeps the changes from "
                                + "there (AWS DMS asks for one too, named by slotName): create it before the changes to capture "
                                + "(SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')) and name it in the "
                                + "source's slotName, or leave CdcStartPosition out");
                    }
                    confirmed = rs.getLong(1);
                    if (!"pgoutput".equals(rs.getString(2))) {
                        throw new SourceException("CdcStartPosition " + start.position() + ": replication slot " + slot + " decodes "
                                + "with " + rs.getString(2) + ", and Ferry reads pgoutput; create the slot with 'pgoutput'");
                    }
                    current = rs.getLong(3);
                }
            }
            if (Long.compareUnsigned(lsn, confirmed) < 0) {
                throw new SourceException("CdcStartPosition " + start.position() + " lies before " + describe(confirmed)
                        + ", the position replication slot " + slot + " has confirmed, and a logical slot cannot go back: "
                        + "the changes from " + start.position() + " to " + describe(confirmed) + " are no longer kept. Give a "
                        + "position at or after " + describe(confirmed) + ", or reload the task with a full load");
            }
            if (Long.compareUnsigned(lsn, current) > 0) {
                throw new SourceException("CdcStartPosition " + start.position() + " lies ahead of the server's current WAL "
                        + "position " + describe(current) + "; give a position that was written already");
            }
            java.util.Set<TableId> published = published(c, publication);
            List<String> missing = new ArrayList<>();
            for (TableSchema t : tables) {
                if (!published.contains(t.id())) {
                    missing.add(t.id().toString());
                }
            }
            if (!missing.isEmpty()) {
                StringJoiner list = new StringJoiner(", ");
                for (TableSchema t : tables) {
                    list.add(publicationItem(t.id()));
                }
                throw new SourceException("CdcStartPosition " + start.position() + ": publication " + publication + " does not "
                        + "publish table(s) " + String.join(", ", missing) + ". pgoutput reads a publication as it was when each "
                        + "change was written, so it must have held the tables since before that position: create it before the "
                        + "changes to capture (CREATE PUBLICATION " + PgIdentifiers.quote(publication) + " FOR TABLE " + list
                        + ") and name it in the source's publicationName, or leave CdcStartPosition out");
            }
            if (Long.compareUnsigned(lsn, confirmed) > 0) {
                advance(c, slot, lsn);
            }
            LOG.info("task {}: changes from {} on, through replication slot {} (it had confirmed {}) and publication {}",
                    taskName, describe(lsn), slot, describe(confirmed), publication);
        } catch (SQLException e) {
            throw connector.failure("moving replication slot " + slot + " to " + start.position() + " failed", e);
        }
        return CdcMark.of(PgPosition.mark(lsn), false, () -> { });
    }

    /**
     * Moves {@code slot} to {@code lsn}. {@code pg_replication_slot_advance} stops at the WAL flushed
     * so far, which lags behind the WAL written under {@code synchronous_commit = off}. A transaction
     * committed with {@code synchronous_commit = on} flushes everything before it, but only one that
     * wrote WAL before its commit record: a transactional logical message (prefix {@code ferry-flush},
     * which the change stream passes over) is that write.
     * The slot's confirmed position is read back: a slot that did not reach {@code lsn} would deliver
     * changes from before it.
     */
    private static void advance(Connection c, String slot, long lsn) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronous_commit = on");
            st.execute("SELECT pg_logical_emit_message(true, 'ferry-flush', '')");
            c.commit();
        } finally {
            c.setAutoCommit(autoCommit);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_replication_slot_advance(?, ?::pg_lsn)")) {
            ps.setString(1, slot);
            ps.setString(2, describe(lsn));
            ps.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots "
                + "WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                long at = rs.next() ? rs.getLong(1) : 0;
                if (at != lsn) {
                    throw new SourceException("replication slot " + slot + " could not be moved to " + describe(lsn) + " (it is at "
                            + describe(at) + "); start the task again, or give another position");
                }
            }
        }
    }

    /** A WAL position as text {@code 0/16B3748}, or a refusal naming the form. */
    private static long lsn(String text) {
        if (text.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
            return org.postgresql.replication.LogSequenceNumber.valueOf(text).asLong();
        }
        throw new SourceException("CdcStartPosition '" + text + "' is not a PostgreSQL WAL position: give an LSN such as 0/16B3748 "
                + "(what pg_current_wal_insert_lsn() returns)");
    }

    private static String describe(long lsn) {
        return org.postgresql.replication.LogSequenceNumber.valueOf(lsn).asString();
    }

    /**
     * Refuses to capture changes of {@code tables} on every FAIL finding of the assessment, in the
     * words {@code ferry assess} prints them: the rules live there, once ({@link PgAssessment}).
     * Called before the publication is created or extended, so a refused table is left as it was
     * (in a publication, some of them would make the application's own UPDATEs fail). Returns the
     * facts read.
     */
    private PgAssessment.Facts requireReady(List<TableSchema> tables) {
        PgAssessment.Facts facts = facts();
        String failures = PgAssessment.assess(facts, tables, true).failureMessage();
        if (failures != null) {
            throw new SourceException(failures);
        }
        return facts;
    }

    private PgAssessment.Facts facts() {
        try (Connection c = connector.pooled()) {
            return PgAssessment.facts(c);
        } catch (SQLException e) {
            throw connector.failure("reading the replica identities and server settings failed", e);
        }
    }

    @Override
    public Assessment assess(List<TableSchema> tables, boolean captureChanges) {
        return PgAssessment.assess(facts(), tables, captureChanges);
    }

    /**
     * Adds {@code added} to the task's publication and exports a snapshot that meets their changes
     * exactly. Decoding decides per change whether its table is published, with the catalog as it
     * was when the change was written: a transaction that wrote a table before {@code ALTER
     * PUBLICATION ... ADD TABLE} committed is never published, even if it commits later, so it
     * must be in the snapshot, and a snapshot taken while it is still open would miss it (the
     * slot's exported snapshot at the start avoids this because the publication exists before the
     * slot). {@code ADD TABLE} alone does not wait for such writers. So, in one REPEATABLE READ
     * transaction: lock the tables in SHARE mode first (it waits for every open writer of them to
     * end and holds new ones off), then add them, read the WAL insert position (the mark), and take
     * the snapshot (the first query, after the lock); commit releases the writers. Every change to
     * the tables is then either committed before the lock, so in the snapshot and either decoded as
     * unpublished or at a WAL position before the mark (the stream drops it), or written after the
     * commit, so published, after the mark, and not in the snapshot: the hand-over is exact, keyless
     * tables included, even when the tables were in the publication already (a previous attempt). The snapshot is imported by a second transaction that stays
     * open (re-exporting it) while the tables load, so the lock lasts milliseconds, not the load.
     */
    @Override
    public CdcMark markAddedTables(String taskName, List<TableSchema> added) {
        String publication = publication(taskName);
        PgAssessment.Facts facts = requireReady(added);
        List<TableSchema> ordered = new ArrayList<>(added);
        ordered.sort((a, b) -> a.id().compareTo(b.id()));
        StringJoiner list = new StringJoiner(", ");
        StringJoiner locked = new StringJoiner(", ");
        for (TableSchema t : ordered) {
            list.add(PgIdentifiers.quote(t.id()));
            // the relations that hold the table's rows: a child's writers need not wait
            locked.add(table(t.id()).readSql());
        }
        // holds the snapshot, idle in its transaction, until the last added table has started reading
        Connection holder = connector.openUntimed(new Properties());
        try {
            for (int attempt = 1; ; attempt++) {
                try (Connection c = connector.open(new Properties()); Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    LOG.info("task {}: locking {} in SHARE mode until open writes to them end, to add them to publication {}",
                            taskName, list, publication);
                    st.execute("LOCK TABLE " + locked + " IN SHARE MODE");
                    java.util.Set<TableId> published = published(c, publication);
                    StringJoiner missing = new StringJoiner(", ");
                    for (TableSchema t : ordered) {
                        if (!published.contains(t.id())) {
                            missing.add(publicationItem(t.id()));
                        }
                    }
                    if (PgAssessment.publishesViaRoot(facts.versionNum()) && !publishedViaRoot(c, publication)) {
                        // made by a version before partitioned tables were replicated: without it an added
                        // partitioned table's changes would come under its partitions' names
                        st.execute("ALTER PUBLICATION " + PgIdentifiers.quote(publication)
                                + " SET (publish_via_partition_root = true)");
                    }
                    if (missing.length() > 0) {
                        st.execute("ALTER PUBLICATION " + PgIdentifiers.quote(publication) + " ADD TABLE " + missing);
                    }
                    long lsn;
                    String exported;
                    // the insert position, not pg_current_wal_lsn(): the write position lags behind records already
                    // inserted (asynchronous commits), so a change in the snapshot could be found after the mark.
                    // It is where the NEXT record starts, so the mark is the byte before it: the stream drops a
                    // change at or before the mark, and a change's position is its record's start. A write that
                    // waited for the lock is often that very next record (this transaction writes none when the
                    // tables are in the publication already), and is not in the snapshot.
                    try (ResultSet rs = st.executeQuery("SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint - 1, "
                            + "pg_export_snapshot()")) {
                        rs.next();
                        lsn = rs.getLong(1);
                        exported = rs.getString(2);
                    }
                    String snapshot = holdSnapshot(holder, exported);
                    c.commit();
                    PgPosition position = PgPosition.mark(lsn);
                    exportedSnapshot = snapshot;
                    LOG.info("task {}: {} in publication {} from {}, snapshot {}", taskName, list, publication, position.describe(),
                            snapshot);
                    return heldSnapshotMark(position, holder);
                } catch (SQLException e) {
                    if (!"40P01".equals(e.getSQLState()) || attempt >= 3) {
                        throw e;
                    }
                    LOG.info("task {}: adding {} to publication {} was a deadlock victim, attempt {}/3; trying again", taskName,
                            list, publication, attempt);
                    if (!holder.getAutoCommit()) {
                        holder.rollback();
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(holder);
            if (e instanceof SQLException s) {
                throw connector.failure("adding " + list + " to publication " + publication + " failed", s);
            }
            throw (RuntimeException) e;
        }
    }

    /** Imports {@code exported} in {@code holder}, left open, and exports it again from there. */
    private static String holdSnapshot(Connection holder, String exported) throws SQLException {
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            st.execute("SET TRANSACTION SNAPSHOT '" + exported.replace("'", "''") + "'");
            try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private CdcMark heldSnapshotMark(PgPosition position, Connection holder) {
        return CdcMark.of(position, true, () -> {
            exportedSnapshot = null;
            closeQuietly(holder);
        });
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a connection failed: {}", e.toString());
        }
    }

    /**
     * A table as a publication statement names it: {@code ONLY}, so that the tables that INHERIT
     * from it (classic inheritance) are neither published with it nor, in {@code DROP TABLE},
     * dropped with it; they are tables of their own, whose changes come under their own names.
     * For a partitioned table {@code ONLY} changes nothing: its partitions are published with it
     * all the same, under its name with {@code publish_via_partition_root}.
     */
    static String publicationItem(TableId table) {
        return "ONLY " + PgIdentifiers.quote(table);
    }

    private static java.util.Set<TableId> published(Connection c, String publication) throws SQLException {
        java.util.Set<TableId> published = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    published.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return published;
    }

    private static boolean publishedViaRoot(Connection c, String publication) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pubviaroot FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void dropSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                if (rs.getBoolean(1)) {
                    throw new SourceException("replication slot " + slot + " is in use by process " + rs.getInt(2)
                            + " (is another task of the same name running?)");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.execute();
        }
    }

    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range) {
        return openBulkReader(table, range, SourceFilter.NONE);
    }

    /** Reads the rows of {@code range} that pass {@code filter}: both go into the query's WHERE. */
    @Override
    public BulkReader openBulkReader(TableSchema table, KeyRange range, SourceFilter filter) {
        PgCatalog.Table t = table(table.id());
        StringJoiner select = new StringJoiner(", ");
        PgType[] wire = new PgType[table.columns().size()];
        for (int i = 0; i < table.columns().size(); i++) {
            int src = t.schema().columnIndex(table.columns().get(i).name());
            if (src < 0) {
                throw new SourceException("table " + table.id() + " has no column " + table.columns().get(i).name());
            }
            select.add(t.read().get(src).expression());
            wire[i] = t.read().get(src).wire();
        }
        String from = t.readSql();
        if (range != null && range.partition() != null) {
            if (!partitions(table).contains(range.partition())) {
                throw new SourceException("table " + table.id() + " has no partition " + range.partition());
            }
            // a leaf partition holds its own rows only; the root's read expressions name its columns alike
            from = "ONLY " + PgIdentifiers.quote(range.partition());
        }
        String where = where(range, filter);
        String sql = "COPY (SELECT " + select + " FROM " + from + where
                + ") TO STDOUT (FORMAT binary)";
        return new PgBulkReader(connector, table, wire, sql, exportedSnapshot);
    }

    /** {@code min} and {@code max} of the key column, through its index; a partitioned table's over its partitions. */
    @Override
    public java.util.Optional<dev.ferry.core.spi.KeyBounds> keyBounds(TableSchema table, String column) {
        PgCatalog.Table t = table(table.id());
        String col = PgIdentifiers.quote(column);
        try (Connection c = connector.pooled(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(" + col + ")::bigint, max(" + col + ")::bigint FROM " + t.readSql())) {
            rs.next();
            long min = rs.getLong(1);
            if (rs.wasNull()) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new dev.ferry.core.spi.KeyBounds(min, rs.getLong(2)));
        } catch (SQLException e) {
            throw connector.failure("reading the smallest and largest " + column + " of " + table.id() + " failed", e);
        }
    }

    /**
     * The leaf partitions of a partitioned table, sub-partitions' leaves included (they hold the rows),
     * by name; empty for a table that is not partitioned (tables that INHERIT from an ordinary table
     * are tables of their own, not its partitions).
     */
    @Override
    public List<TableId> partitions(TableSchema table) {
        table(table.id());
        try (Connection c = connector.pooled(); PreparedStatement ps = c.prepareStatement(PARTITIONS)) {
            ps.setString(1, PgIdentifiers.quote(table.id()));
            List<TableId> leaves = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leaves.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
            return leaves;
        } catch (SQLException e) {
            throw connector.failure("reading the partitions of " + table.id() + " failed", e);
        }
    }

    /** pg_inherits walked down from the table (pg_partition_tree needs PostgreSQL 12). */
    static final String PARTITIONS = """
            WITH RECURSIVE tree(oid) AS (
                SELECT ?::regclass::oid
                UNION ALL
                SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.oid
            )
            SELECT n.nspname, c.relname FROM tree t JOIN pg_class c ON c.oid = t.oid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relispartition AND c.relkind IN ('r', 'f')
            ORDER BY 1, 2
            """;

    /** The WHERE clause (with its leading space) of a read of {@code range} through {@code filter}; empty for neither. */
    static String where(KeyRange range, SourceFilter filter) {
        String rows = filter.condition(PgFilterSql.INSTANCE);
        if (range == null || range.columns().isEmpty()) {
            return rows == null ? "" : " WHERE " + rows;
        }
        return " WHERE " + rangeCondition(range) + (rows == null ? "" : " AND (" + rows + ")");
    }

    static String rangeCondition(KeyRange range) {
        return range.condition(PgIdentifiers::quote, PgIdentifiers::literal, "true");
    }

    @Override
    public ChangeStream openChangeStream(String taskName, List<TableSchema> tables, SourcePosition from, BatchLimits limits) {
        String slot = slot(taskName);
        try (Connection c = connector.pooled();
             PreparedStatement ps = c.prepareStatement("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SourceException("replication slot " + slot + " does not exist, so CDC cannot resume from "
                            + from.describe() + "; start the task again with a full load (ferry run --reload)");
                }
            }
            // The task adds a table selected after it started through markAddedTables before it opens the
            // stream; one missing here was selected before this version recorded the loaded tables.
            String publication = publication(taskName);
            java.util.Set<TableId> published = published(c, publication);
            List<String> missing = new ArrayList<>();
            java.util.Set<TableId> selected = new java.util.HashSet<>();
            for (TableSchema t : tables) {
                selected.add(t.id());
                if (!published.contains(t.id())) {
                    missing.add(t.id().toString());
                }
            }
            if (!missing.isEmpty()) {
                throw new SourceException("table(s) " + String.join(", ", missing) + " are taken as loaded but are not in "
                        + "publication " + publication + " of task " + taskName + ", so their changes were not captured (a checkpoint "
                        + "written by an earlier version, which did not record the loaded tables, while the selection grew; or a "
                        + "publication changed by hand); start the task again with a full load (ferry run --reload)");
            }
            // Tables no longer selected leave the publication: their changes are not decoded for nothing, and
            // UPDATE and DELETE on a keyless one no longer need its replica identity.
            StringJoiner unselected = new StringJoiner(", ");
            for (TableId t : published) {
                if (!selected.contains(t)) {
                    unselected.add(publicationItem(t));
                }
            }
            if (unselected.length() > 0) {
                try (Statement st = c.createStatement()) {
                    st.execute("ALTER PUBLICATION " + PgIdentifiers.quote(publication) + " DROP TABLE " + unselected);
                }
                LOG.info("task {}: {} no longer selected, dropped from publication {}", taskName, unselected, publication);
            }
        } catch (SQLException e) {
            throw connector.failure("checking replication slot " + slot + " failed", e);
        }
        // The endpoint's own cdcBatchSize / cdcPollMillis, when given, override the task's batch settings.
        // Capture batches above 20000 gain nothing (the capture is the slower side) and cost memory.
        int batch = maxBatch > 0 ? maxBatch : Math.min(limits.maxChanges(), 20_000);
        long poll = pollMillis > 0 ? pollMillis : limits.maxWait().toMillis();
        return PgChangeStream.open(taskName, connector.endpoint(), slot, publication(taskName), tables, (PgPosition) from,
                batch, poll);
    }

    @Override
    public SourcePosition decodePosition(String serialized) {
        return PgPosition.parse(serialized);
    }

    @Override
    public SyncPoint requestSyncPoint(String taskName) {
        String token = taskName + ":" + UUID.randomUUID();
        try (Connection c = connector.pooled();
             PreparedStatement ps = c.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
            ps.setString(1, PgChangeStream.SYNC_PREFIX);
            ps.setString(2, token);
            ps.execute();
            return new SyncPoint(token, null);
        } catch (SQLException e) {
            LOG.debug("pg_logical_emit_message failed ({}); waiting for the current WAL position instead", e.getMessage());
            try (Connection c = connector.pooled(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT (pg_current_wal_lsn() - '0/0')::bigint")) {
                rs.next();
                return new SyncPoint(null, PgPosition.mark(rs.getLong(1)));
            } catch (SQLException e2) {
                throw connector.failure("reading the current WAL position failed", e2);
            }
        }
    }

    /**
     * Drops the task's replication slot (of this database) and its publication. A task that runs
     * holds its slot: while it streams changes the slot is active, and during its full load the
     * replication connection that created the slot is still open in the transaction that exported
     * the load's snapshot (the slot itself is not active then). Either refuses, before anything is
     * dropped.
     */
    @Override
    public List<String> dropCapture(String taskName) {
        String slot = slot(taskName);
        String publication = publication(taskName);
        List<String> dropped = new ArrayList<>();
        try (Connection c = connector.pooled()) {
            Long wal = null;
            boolean slotExists;
            try (PreparedStatement ps = c.prepareStatement("SELECT active_pid, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint "
                    + "FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    slotExists = rs.next();
                    if (slotExists) {
                        int pid = rs.getInt(1);
                        if (!rs.wasNull()) {
                            throw running(taskName, "its replication slot " + slot + " is in use by process " + pid
                                    + ", which streams its changes");
                        }
                        wal = rs.getLong(2);
                        wal = rs.wasNull() ? null : wal;
                    }
                }
            }
            if (slotExists) {
                // during the full load: the walsender that created the slot holds the snapshot it exported
                try (PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE backend_type = 'walsender' "
                        + "AND datname = current_database() AND state <> 'idle' AND query LIKE 'CREATE_REPLICATION_SLOT %' "
                        + "AND split_part(query, ' ', 2) = ?")) {
                    ps.setString(1, slot);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            throw running(taskName, "process " + rs.getInt(1) + " holds the snapshot its replication slot " + slot
                                    + " exported for its full load");
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    ps.setString(1, slot);
                    ps.execute();
                }
                dropped.add("replication slot " + slot + (wal == null ? "" : " (it kept " + size(wal) + " of WAL)"));
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(pt.tablename) FROM pg_publication p "
                    + "LEFT JOIN pg_publication_tables pt ON pt.pubname = p.pubname WHERE p.pubname = ? GROUP BY p.pubname")) {
                ps.setString(1, publication);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long tables = rs.getLong(1);
                        try (Statement st = c.createStatement()) {
                            st.execute("DROP PUBLICATION IF EXISTS " + PgIdentifiers.quote(publication));
                        }
                        dropped.add("publication " + publication + " (" + tables + " table" + (tables == 1 ? "" : "s") + ")");
                    }
                }
            }
            return dropped;
        } catch (SQLException e) {
            if ("55006".equals(e.getSQLState())) { // became active between the check and the drop
                throw running(taskName, "its replication slot " + slot + " is in use (" + PgConnector.explain(e) + ")");
            }
            throw connector.failure("dropping the replication slot " + slot + " and publication " + publication + " of task "
                    + taskName + " failed", e);
        }
    }

    private static SourceException running(String taskName, String why) {
        return new SourceException("task " + taskName + " is running: " + why + ". Nothing was dropped; stop the task "
                + "(Ctrl-C on ferry run, or FerryTask.stop()), then drop it again");
    }

    private static String size(long bytes) {
        return bytes < 1024 * 1024 ? (bytes / 1024) + " kB" : (bytes / (1024 * 1024)) + " MB";
    }

    @Override
    public String captureObjects(String taskName) {
        return "replication slot " + slot(taskName) + ", which keeps WAL from being removed, and publication "
                + publication(taskName);
    }

    @Override
    public void close() {
        connector.close();
    }
}
