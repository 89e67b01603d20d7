package dev.ferry.postgres.source;

import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.Assessment.Finding;
import dev.ferry.core.spi.Assessment.Status;
import dev.ferry.postgres.PgIdentifiers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The premigration assessment of a PostgreSQL source, which is also what CDC refuses to start on:
 * the facts are read in a few queries ({@link #facts}), what they mean for a task is decided by
 * pure code ({@link #assess}), once, so {@code ferry assess} and a refused start say the same thing
 * in the same words ({@link Assessment#failureMessage()}).
 *
 * <p>The replica identity rules. PostgreSQL writes into the WAL, for an UPDATE or DELETE, the old
 * row's replica identity columns: the primary key (DEFAULT), every column (FULL), the columns of a
 * chosen unique index (USING INDEX) or none (NOTHING). The connector fills the columns it did not
 * get with zeros and empty strings, so a key Ferry reads from such a row is wrong, not missing.
 * <ul>
 *   <li>A table with a primary key is applied by that key: the identity must carry every key
 *   column. USING INDEX over other columns would delete and update the row the placeholders name
 *   (row 0, not the row deleted). NOTHING makes PostgreSQL refuse UPDATE and DELETE on a published
 *   table, so the application would break.</li>
 *   <li>A DEFERRABLE primary key cannot be the replica identity, so under DEFAULT the application's
 *   UPDATEs and DELETEs fail too; and under any identity, a deferrable key lets two rows share a key
 *   inside a transaction ({@code UPDATE d SET id = id + 1} over 1, 2, 3 writes 1→2 while 2 still
 *   exists), which the net change per key cannot follow: it would drop the row that moved in. An
 *   immediate key is checked row by row, so every state the WAL passes through is valid.</li>
 *   <li>A table without a primary key is applied by matching the whole old row: it needs FULL.</li>
 *   <li>A partitioned table's rows live in its leaf partitions, each with its own replica identity
 *   (the parent's is not inherited), so each is checked; changes are published under the parent's
 *   name ({@code publish_via_partition_root}, PostgreSQL 13+).</li>
 * </ul>
 */
final class PgAssessment {

    private PgAssessment() {
    }

    /**
     * What the assessment looks at.
     *
     * @param database      the database's name
     * @param version       server_version, as the server shows it
     * @param versionNum    server_version_num
     * @param walLevel      the server's wal_level
     * @param captures      the capture facts of every table the catalog offers
     * @param typed         by table, the columns whose type (under any domain) is one of {@link #TYPES_OF_THEIR_OWN}
     */
    record Facts(String database, String version, int versionNum, String walLevel, Map<TableId, PgCatalog.Capture> captures,
                 Map<TableId, List<PgCatalog.TypedColumn>> typed) {

        Facts(String database, String version, int versionNum, String walLevel, Map<TableId, PgCatalog.Capture> captures) {
            this(database, version, versionNum, walLevel, captures, Map.of());
        }
    }

    static Facts facts(Connection c) throws SQLException {
        String database;
        String version;
        int versionNum;
        String walLevel;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_database(), "
                + "current_setting('server_version'), current_setting('server_version_num')::int, current_setting('wal_level')")) {
            rs.next();
            database = rs.getString(1);
            version = rs.getString(2);
            versionNum = rs.getInt(3);
            walLevel = rs.getString(4);
        }
        return new Facts(database, version, versionNum, walLevel, PgCatalog.captures(c, versionNum),
                PgCatalog.columnsOfRootTypes(c, TYPES_OF_THEIR_OWN.keySet()));
    }

    /** PostgreSQL 13 is the first that publishes a partitioned table's changes under its own name. */
    static boolean publishesViaRoot(int versionNum) {
        return versionNum >= 130000;
    }

    /** The findings for {@code tables}, as selected from the catalog, for a task that captures changes when {@code captureChanges}. */
    static Assessment assess(Facts f, List<TableSchema> tables, boolean captureChanges) {
        List<Finding> out = new ArrayList<>();
        String db = f.database();
        out.add(new Finding(Status.PASS, db, "server", "PostgreSQL " + f.version(), ""));
        if (tables.isEmpty()) {
            out.add(new Finding(Status.FAIL, db, "tables", "the table mappings select no table", "check the selection rules"));
        }
        if (!captureChanges) {
            out.add(new Finding(Status.PASS, db, "capture", "full load only: no publication, replication slot or replica "
                    + "identity is needed", ""));
            return new Assessment(out);
        }
        out.add("logical".equals(f.walLevel()) ? new Finding(Status.PASS, db, "wal_level", "logical", "")
                : new Finding(Status.FAIL, db, "wal_level", "wal_level is '" + f.walLevel() + "'; CDC needs wal_level = logical",
                "ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL"));
        for (TableSchema t : tables) {
            out.addAll(table(f, t));
            out.addAll(columns(f, t));
        }
        return new Assessment(out);
    }

    private static final String GEOMETRIC = "printed again by the JDBC driver, with Java's number format ((1,2) arrives as (1.0,2.0))";

    /**
     * Types the change stream (Debezium's PostgreSQL connector) delivers otherwise than as the text
     * PostgreSQL prints, which is what the full load writes for them, with how it delivers them. A
     * type's text is parsed by the connector before any converter of Ferry's sees it for money (to a
     * number without its currency format) and the geometric types (into the JDBC driver's objects,
     * which print their numbers as Java does); the extension types are handed over as text
     * ({@link RawTextColumns#BY_NAME}), but only where the column's type is named so: not through a
     * domain over one. Found by changing a value of each type Ferry carries as text after a full load:
     * every other type arrives as PostgreSQL's text (ranges, network types, tsvector, ltree, citext,
     * composite types and the types the connector does not know).
     */
    static final Map<String, String> TYPES_OF_THEIR_OWN = Map.ofEntries(
            Map.entry("money", "as a bare number, without the currency format PostgreSQL prints ($1,234.50 arrives as 1234.50)"),
            Map.entry("point", "as a struct of its coordinates"),
            Map.entry("box", GEOMETRIC), Map.entry("circle", GEOMETRIC), Map.entry("line", GEOMETRIC),
            Map.entry("lseg", GEOMETRIC), Map.entry("path", GEOMETRIC), Map.entry("polygon", GEOMETRIC),
            Map.entry("hstore", "as JSON ({\"a\":\"1\"} for \"a\"=>\"1\")"),
            Map.entry("geometry", "as a struct of its WKB and SRID"), Map.entry("geography", "as a struct of its WKB and SRID"),
            Map.entry("vector", "as a list of numbers"), Map.entry("halfvec", "as a list of numbers"),
            Map.entry("sparsevec", "as a struct of its dimensions and values"));

    /**
     * The column findings of a table a task captures changes of: its generated columns (PostgreSQL
     * sends no value for them with changes: the target computes them, and a key cannot be one), and
     * the columns of a type the change stream delivers its own way ({@link #TYPES_OF_THEIR_OWN}).
     */
    static List<Finding> columns(Facts f, TableSchema t) {
        List<Finding> out = new ArrayList<>();
        String table = f.captures().containsKey(t.id()) ? f.captures().get(t.id()).sqlName() : PgIdentifiers.quote(t.id());
        for (Column c : t.columns()) {
            if (!c.generated()) {
                continue;
            }
            String subject = t.id() + "." + c.name();
            String expression = "GENERATED ALWAYS AS (" + c.generatedAs() + ")";
            out.add(t.primaryKey().contains(c.name())
                    ? new Finding(Status.FAIL, subject, "generated column", "primary-key column " + c.name() + " is " + expression
                    + ": PostgreSQL sends no value of a generated column with changes, so an UPDATE or DELETE could not be "
                    + "matched to its row on the target", "key the table on columns that are not generated, or exclude the "
                    + "table from the table mappings (a selection rule with rule-action exclude) and load it with a full-load task")
                    : new Finding(Status.PASS, subject, "generated column", expression + ": PostgreSQL sends no value of a "
                    + "generated column with changes, so the target computes it: Ferry creates it GENERATED ALWAYS AS the same "
                    + "expression, STORED (a target table you create yourself must generate it too)", ""));
        }
        for (PgCatalog.TypedColumn c : f.typed().getOrDefault(t.id(), List.of())) {
            if (t.columnIndex(c.column()) < 0 || (RawTextColumns.BY_NAME.contains(c.root()) && c.typname().equals(c.root()))) {
                continue; // not replicated, or an extension type named as such: it comes as PostgreSQL's text
            }
            boolean domain = !c.typname().equals(c.root());
            String type = domain ? c.declared() + " (a domain over " + c.root() + ")" : c.declared();
            String change = c.root().equals("money") ? " (ALTER TABLE " + table + " ALTER COLUMN " + c.columnSql()
                    + " TYPE numeric)" : RawTextColumns.BY_NAME.contains(c.root()) ? " (ALTER TABLE " + table + " ALTER COLUMN "
                    + c.columnSql() + " TYPE " + c.root() + ")" : "";
            out.add(new Finding(Status.FAIL, t.id() + "." + c.column(), "type", type + ": the change stream sends it "
                    + TYPES_OF_THEIR_OWN.get(c.root()) + ", not as the text PostgreSQL prints, which the full load writes, so "
                    + "changes could not be written as the full load wrote the rows", "change the column's type on the source"
                    + change + ", or exclude the table from the table mappings (a selection rule with rule-action exclude) and "
                    + "load it with a full-load task"));
        }
        return out;
    }

    /** The capture findings of one table: the failures, or one pass saying what identifies its rows. */
    static List<Finding> table(Facts f, TableSchema t) {
        String subject = t.id().toString();
        PgCatalog.Capture c = f.captures().get(t.id());
        if (c == null) {
            return List.of(new Finding(Status.FAIL, subject, "replica identity", "the table is no longer in the source catalog",
                    "check that it exists and the login may read it"));
        }
        List<Finding> out = new ArrayList<>();
        if (c.partitioned()) {
            out.add(publishesViaRoot(f.versionNum())
                    ? new Finding(Status.WARN, subject, "partitioned table", "its partitions' changes are published under its "
                    + "name (publish_via_partition_root); a TRUNCATE of one partition is not published, and ATTACH or DETACH "
                    + "PARTITION adds or removes rows without a change", "TRUNCATE the partitioned table, or DELETE from the "
                    + "partition; reload the table after ATTACH or DETACH PARTITION")
                    : new Finding(Status.FAIL, subject, "partitioned table", "PostgreSQL " + f.version() + " publishes a "
                    + "partitioned table's changes only under its partitions' names (publish_via_partition_root needs "
                    + "PostgreSQL 13)", "upgrade the source to PostgreSQL 13 or later, or exclude the table from the table mappings"));
        }
        int failures = 0;
        if (t.hasPrimaryKey() && c.keyDeferrable()) {
            boolean underDefault = c.relations().stream().anyMatch(r -> r.identity() == 'd');
            String detail = underDefault
                    ? "primary key " + c.keyConstraint() + " is DEFERRABLE, which PostgreSQL cannot use as replica identity: "
                    + "in a publication, it refuses UPDATE and DELETE on the table, which would break the application"
                    : "primary key " + c.keyConstraint() + " is DEFERRABLE: within a transaction two rows can hold the same key "
                    + "for a while (UPDATE ... SET id = id + 1), and Ferry, which applies the net change per key, would lose "
                    + "one of them";
            out.add(new Finding(Status.FAIL, subject, "primary key", detail, "make the key NOT DEFERRABLE (ALTER TABLE "
                    + c.sqlName() + " DROP CONSTRAINT " + c.keyConstraint() + ", ADD CONSTRAINT " + c.keyConstraint()
                    + " PRIMARY KEY (" + String.join(", ", c.keyColumnsSql()) + ")), or exclude the table from the table mappings"));
            failures++;
        }
        for (PgCatalog.Relation r : c.relations()) {
            String where = c.partitioned() ? "partition " + r.id() + ": " : "";
            String detail = null;
            String fix = null;
            if (t.hasPrimaryKey()) {
                if (r.identity() == 'n') {
                    detail = "REPLICA IDENTITY NOTHING: in a publication, PostgreSQL refuses UPDATE and DELETE on it, which "
                            + "would break the application";
                    fix = "ALTER TABLE " + r.sqlName() + " REPLICA IDENTITY DEFAULT, or exclude the table from the table mappings";
                } else if (r.identity() == 'i') {
                    List<String> missing = new ArrayList<>(t.primaryKey());
                    missing.removeAll(r.identityColumns());
                    if (!missing.isEmpty()) {
                        detail = "REPLICA IDENTITY USING INDEX " + r.identityIndex() + " (" + String.join(", ", r.identityColumns())
                                + ") leaves out primary-key column" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                                + ": PostgreSQL sends only the index's columns of an old row, so an UPDATE or DELETE cannot be "
                                + "matched to its row on the target";
                        fix = "ALTER TABLE " + r.sqlName() + " REPLICA IDENTITY DEFAULT (or FULL)";
                    }
                }
            } else if (r.identity() == 'i') {
                detail = "no primary key, and REPLICA IDENTITY USING INDEX " + r.identityIndex() + " ("
                        + String.join(", ", r.identityColumns()) + "): PostgreSQL sends only the index's columns of an old row, "
                        + "and a row of a table without a primary key is matched on all its columns";
                // a partition cannot take a primary key of its own (the partitioned table holds it); the index's
                // columns are NOT NULL (PostgreSQL requires it of an identity index), so they can be the key
                fix = "ALTER TABLE " + r.sqlName() + " REPLICA IDENTITY FULL" + (c.partitioned() ? EVERY_PARTITION
                        : ", or give the table a primary key on the index's columns: ALTER TABLE " + r.sqlName()
                        + " ADD PRIMARY KEY (" + String.join(", ", r.identityColumnsSql()) + ")");
            } else if (r.identity() != 'f') {
                detail = "no primary key and no REPLICA IDENTITY FULL: in a publication, PostgreSQL refuses UPDATE and DELETE "
                        + "on it, which would break the application";
                fix = "ALTER TABLE " + r.sqlName() + " REPLICA IDENTITY FULL" + (c.partitioned() ? EVERY_PARTITION : "")
                        + ", or exclude the table from the table mappings";
            }
            if (detail != null) {
                out.add(new Finding(Status.FAIL, subject, "replica identity", where + detail, fix));
                failures++;
            }
        }
        if (failures == 0) {
            String rows = c.partitioned() ? " in each of its " + c.relations().size() + " partitions" : "";
            out.add(new Finding(Status.PASS, subject, "replica identity", t.hasPrimaryKey()
                    ? "an old row carries the primary key (" + String.join(", ", t.primaryKey()) + ")" + rows
                    : "REPLICA IDENTITY FULL" + rows + ": an old row carries every column", ""));
        }
        return out;
    }

    private static final String EVERY_PARTITION = " (every partition needs it, those added later too)";
}
