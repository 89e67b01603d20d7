package dev.ferry.postgres.source;

import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.spi.Assessment;
import dev.ferry.core.spi.Assessment.Status;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The replica identity rules on facts as the catalog query returns them (the ITs show the queries return them so). */
class PgAssessmentTest {

    private static final TableId M = new TableId("public", "m");

    private static TableSchema table(TableId id, List<String> key, String... columns) {
        return new TableSchema(id, java.util.Arrays.stream(columns).map(c -> new Column(c, LogicalType.of(TypeKind.INT32), false))
                .toList(), key);
    }

    private static PgCatalog.Relation relation(String name, char identity, String index, String... columns) {
        return new PgCatalog.Relation(new TableId("public", name), "public." + name, identity, index, List.of(columns),
                List.of(columns));
    }

    private static PgAssessment.Facts facts(int versionNum, PgCatalog.Capture capture) {
        return new PgAssessment.Facts("shop", versionNum / 10000 + ".1", versionNum, "logical", Map.of(capture.id(), capture));
    }

    @Test
    @DisplayName("when the identity index leaves out two key columns, then both are named")
    void compositeKeyPartlyCovered() {
        PgCatalog.Capture c = new PgCatalog.Capture(M, "public.m", false, "m_pkey", List.of("a", "b", "c"), false,
                List.of(relation("m", 'i', "m_x", "x", "b")));
        Assessment a = PgAssessment.assess(facts(170000, c), List.of(table(M, List.of("a", "b", "c"), "a", "b", "c", "x")), true);
        assertThat(a.failureMessage()).isEqualTo("public.m: REPLICA IDENTITY USING INDEX m_x (x, b) leaves out primary-key "
                + "columns a, c: PostgreSQL sends only the index's columns of an old row, so an UPDATE or DELETE cannot be "
                + "matched to its row on the target; fix: ALTER TABLE public.m REPLICA IDENTITY DEFAULT (or FULL)");
    }

    @Test
    @DisplayName("when one partition of a keyed partitioned table has REPLICA IDENTITY NOTHING, then that partition is "
            + "named, and the others pass silently")
    void partitionWithIdentityNothing() {
        PgCatalog.Capture c = new PgCatalog.Capture(M, "public.m", true, "m_pkey", List.of("id"), false,
                List.of(relation("m_1", 'd', null), relation("m_2", 'n', null), relation("m_3", 'f', null)));
        Assessment a = PgAssessment.assess(facts(170000, c), List.of(table(M, List.of("id"), "id", "v")), true);
        assertThat(a.failureMessage()).isEqualTo("public.m: partition public.m_2: REPLICA IDENTITY NOTHING: in a publication, "
                + "PostgreSQL refuses UPDATE and DELETE on it, which would break the application; fix: ALTER TABLE "
                + "public.m_2 REPLICA IDENTITY DEFAULT, or exclude the table from the table mappings");
        assertThat(a.findings()).filteredOn(f -> f.check().equals("partitioned table")).singleElement()
                .satisfies(f -> assertThat(f.status()).isEqualTo(Status.WARN));
    }

    @Test
    @DisplayName("when a keyed partitioned table's partitions all carry the key, then it passes with a warning about "
            + "TRUNCATE of one partition and ATTACH / DETACH")
    void partitionedTablePasses() {
        PgCatalog.Capture c = new PgCatalog.Capture(M, "public.m", true, "m_pkey", List.of("id"), false,
                List.of(relation("m_1", 'd', null), relation("m_2", 'i', "m_2_ident", "id", "v")));
        Assessment a = PgAssessment.assess(facts(170000, c), List.of(table(M, List.of("id"), "id", "v")), true);
        assertThat(a.worst()).isEqualTo(Status.WARN);
        assertThat(a.findings()).filteredOn(f -> f.check().equals("replica identity")).singleElement()
                .satisfies(f -> assertThat(f.detail()).isEqualTo("an old row carries the primary key (id) in each of its 2 partitions"));
    }

    @Test
    @DisplayName("when the server is older than PostgreSQL 13, then a partitioned table fails: its changes would come "
            + "under its partitions' names")
    void partitionedTableBefore13() {
        PgCatalog.Capture c = new PgCatalog.Capture(M, "public.m", true, "m_pkey", List.of("id"), false,
                List.of(relation("m_1", 'd', null)));
        Assessment a = PgAssessment.assess(facts(120000, c), List.of(table(M, List.of("id"), "id")), true);
        assertThat(a.failureMessage()).isEqualTo("public.m: PostgreSQL 12.1 publishes a partitioned table's changes only "
                + "under its partitions' names (publish_via_partition_root needs PostgreSQL 13); fix: upgrade the source to "
                + "PostgreSQL 13 or later, or exclude the table from the table mappings");
    }

    @Test
    @DisplayName("when the task loads only, then no capture rule applies")
    void fullLoadOnly() {
        PgCatalog.Capture c = new PgCatalog.Capture(M, "public.m", false, null, List.of(), false, List.of(relation("m", 'd', null)));
        PgAssessment.Facts f = new PgAssessment.Facts("shop", "17.1", 170000, "replica", Map.of(M, c));
        assertThat(PgAssessment.assess(f, List.of(table(M, List.of(), "v")), false).worst()).isEqualTo(Status.PASS);
        assertThat(PgAssessment.assess(f, List.of(table(M, List.of(), "v")), true).failureMessage()).startsWith(
                "shop: wal_level is 'replica'; CDC needs wal_level = logical; fix: ALTER SYSTEM SET wal_level = logical, "
                        + "then restart PostgreSQL; public.m: no primary key and no REPLICA IDENTITY FULL");
    }

    @Test
    @DisplayName("when a table has generated columns, then one in the primary key fails and the others pass, saying the "
            + "target computes them")
    void generatedColumns() {
        PgCatalog.Capture c = new PgCatalog.Capture(M, "public.m", false, "m_pkey", List.of("id"), false,
                List.of(relation("m", 'd', null)));
        TableSchema t = new TableSchema(M, List.of(new Column("id", LogicalType.of(TypeKind.INT32), false, "integer", "(a + 1)"),
                new Column("a", LogicalType.of(TypeKind.INT32), false, "integer"),
                new Column("c", LogicalType.of(TypeKind.INT32), true, "integer", "(a * 2)")), List.of("id"));
        Assessment a = PgAssessment.assess(facts(170000, c), List.of(t), true);
        assertThat(a.failureMessage()).isEqualTo("public.m.id: primary-key column id is GENERATED ALWAYS AS ((a + 1)): "
                + "PostgreSQL sends no value of a generated column with changes, so an UPDATE or DELETE could not be matched to "
                + "its row on the target; fix: key the table on columns that are not generated, or exclude the table from the "
                + "table mappings (a selection rule with rule-action exclude) and load it with a full-load task");
        assertThat(a.findings()).filteredOn(f -> f.subject().equals("public.m.c")).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Status.PASS);
            assertThat(f.detail()).startsWith("GENERATED ALWAYS AS ((a * 2)): PostgreSQL sends no value of a generated column "
                    + "with changes, so the target computes it");
        });
        assertThat(PgAssessment.assess(facts(170000, c), List.of(t), false).failureMessage()).isNull();
    }

    @Test
    @DisplayName("when columns are of types the change stream delivers its own way, then each selected one fails; an "
            + "extension type named as such passes (it comes as its text), a domain over one fails")
    void typesOfTheirOwn() {
        PgCatalog.Capture c = new PgCatalog.Capture(M, "public.m", false, "m_pkey", List.of("id"), false,
                List.of(relation("m", 'd', null)));
        PgAssessment.Facts f = new PgAssessment.Facts("shop", "17.1", 170000, "logical", Map.of(M, c), Map.of(M, List.of(
                new PgCatalog.TypedColumn("emb", "emb", "vector(3)", "vector", "vector"),
                new PgCatalog.TypedColumn("Emb2", "\"Emb2\"", "embedding", "embedding", "vector"),
                new PgCatalog.TypedColumn("at", "at", "point", "point", "point"),
                new PgCatalog.TypedColumn("gone", "gone", "money", "money", "money"))));
        Assessment a = PgAssessment.assess(f, List.of(table(M, List.of("id"), "id", "emb", "Emb2", "at")), true);
        assertThat(a.findings()).filteredOn(x -> x.status() == Status.FAIL).extracting(Assessment.Finding::subject)
                .containsExactly("public.m.Emb2", "public.m.at");
        assertThat(a.failureMessage()).contains("public.m.Emb2: embedding (a domain over vector): the change stream sends it as "
                + "a list of numbers, not as the text PostgreSQL prints").contains("fix: change the column's type on the source "
                + "(ALTER TABLE public.m ALTER COLUMN \"Emb2\" TYPE vector), or exclude the table");
        assertThat(PgAssessment.assess(f, List.of(table(M, List.of("id"), "id", "emb", "Emb2", "at")), false).failureMessage())
                .isNull();
    }
}
