package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.TargetException;
import dev.ferry.core.mapping.TableMappings;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BulkWriter;
import dev.ferry.core.spi.ChangeApplier;
import dev.ferry.core.spi.ChangeBatch;
import dev.ferry.core.spi.Checkpoint;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.Target;
import dev.ferry.core.spi.TargetTablePrepMode;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection to the target is lost while a batch commits, after the server committed it: the
 * task cannot tell from the failure whether the batch is there, and applying it again would double
 * the inserts of a table without a key and delete a second equal row. A real {@link Target} is
 * wrapped so that the real commit happens and then the error a lost connection gives is thrown:
 * deterministic, where killing the backend at the right moment would be a race.
 */
class CommitLossIT extends EmbeddedPostgresTest {

    private static final TableId LOGS = new TableId("public", "logs");
    private static final TableMappings ACCOUNTS = TableMappings.parse("""
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
              "object-locator": {"schema-name": "public", "table-name": "accounts"}}]}""", "accounts.json");
    private static final TableMappings BOTH = TableMappings.parse("""
            {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-action": "include",
              "object-locator": {"schema-name": "public", "table-name": "%"}}]}""", "both.json");

    /**
     * A real target whose applier, once armed, commits a batch that changes {@code logs} and then
     * throws what pgjdbc throws when the connection drops while waiting for the commit's reply;
     * optionally the next checkpoint reads fail the same way (the target still unreachable).
     */
    static final class LostCommitReply implements Target {
        final Target delegate;
        final AtomicInteger lostReplies = new AtomicInteger();
        final AtomicInteger failingReads = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger failedReads = new AtomicInteger();
        volatile int readsToFailAfterLoss;

        LostCommitReply(Target delegate) {
            this.delegate = delegate;
        }

        static TargetException connectionLost(String what) {
            PSQLException cause = new PSQLException("An I/O error occurred while sending to the backend.",
                    PSQLState.CONNECTION_FAILURE);
            return new TargetException(what + " failed (target postgres): " + cause.getMessage(), cause,
                    PgConnector.isTransient(cause));
        }

        @Override
        public void prepareControlTables(String taskName, String controlSchema) {
            delegate.prepareControlTables(taskName, controlSchema);
        }

        @Override
        public void prepareTable(TableSchema table, TargetTablePrepMode mode) {
            delegate.prepareTable(table, mode);
        }

        @Override
        public BulkWriter openBulkWriter(TableSchema table) {
            return delegate.openBulkWriter(table);
        }

        @Override
        public ChangeApplier openChangeApplier(String taskName, Collection<TableSchema> tables) {
            ChangeApplier applier = delegate.openChangeApplier(taskName, tables);
            return new ChangeApplier() {
                @Override
                public void apply(ChangeBatch batch, Checkpoint checkpoint) {
                    applier.apply(batch, checkpoint);
                    boolean touchesLogs = batch.tables().stream().anyMatch(t -> t.schema().id().equals(LOGS));
                    if (touchesLogs && lostReplies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        lost.incrementAndGet();
                        failingReads.set(readsToFailAfterLoss);
                        throw connectionLost("applying changes to " + LOGS);
                    }
                }

                @Override
                public void close() {
                    applier.close();
                }
            };
        }

        @Override
        public Optional<Checkpoint> readCheckpoint(String taskName) {
            if (failingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                failedReads.incrementAndGet();
                throw connectionLost("reading the checkpoint of task " + taskName);
            }
            return delegate.readCheckpoint(taskName);
        }

        @Override
        public void writeCheckpoint(String taskName, Checkpoint checkpoint) {
            delegate.writeCheckpoint(taskName, checkpoint);
        }

        @Override
        public void resetCheckpoint(String taskName) {
            delegate.resetCheckpoint(taskName);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static void createTables(String src) throws Exception {
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE accounts (id int PRIMARY KEY, owner text)",
                    "INSERT INTO accounts SELECT g, 'owner ' || g FROM generate_series(1, 10) g",
                    "CREATE TABLE logs (n int, s text)",
                    "ALTER TABLE logs REPLICA IDENTITY FULL",
                    "INSERT INTO logs VALUES (1, 'twin'), (1, 'twin'), (2, 'single')");
        }
    }

    /** One insert and one delete of one of two equal rows: both show when applied twice. */
    private static void changeLogs(String src) throws Exception {
        try (Connection c = server.connect(src)) {
            c.setAutoCommit(false);
            Tables.exec(c, "INSERT INTO logs VALUES (3, 'inserted once')",
                    "DELETE FROM logs WHERE ctid = (SELECT ctid FROM logs WHERE n = 1 LIMIT 1)",
                    "UPDATE accounts SET owner = 'changed' WHERE id = 1");
            c.commit();
        }
    }

    private static void assertConverged(String src, String dst) throws Exception {
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            assertThat(Tables.rows(t, "logs")).containsExactly("(1,twin)", "(2,single)", "(3,\"inserted once\")");
            Tables.assertSameRows(s, t, "logs");
            Tables.assertSameRows(s, t, "accounts");
        }
    }

    private void runWithLostReply(int readsToFail) throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        try (LostCommitReply target = new LostCommitReply(Endpoints.target(server.endpoint(dst)));
             FerryTask task = Ferry.task("lostreply").source(server.endpoint(src)).target(target).build()) {
            task.start();
            assertThat(task.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
            target.readsToFailAfterLoss = readsToFail;
            target.lostReplies.set(1);
            changeLogs(src);
            assertThat(task.awaitInSync(Duration.ofMinutes(1))).isTrue();
            assertThat(task.status().state()).isEqualTo(TaskState.RUNNING);
            assertConverged(src, dst);
            assertThat(target.lost).as("the commit's reply was lost").hasValue(1);
            assertThat(target.failedReads).as("checkpoint reads that failed").hasValue(readsToFail);
        }
    }

    @Test
    @DisplayName("when the connection is lost after the server committed a batch, then the retry finds its checkpoint "
            + "and does not apply it again")
    void committedBatchIsNotAppliedAgain() throws Exception {
        runWithLostReply(0);
    }

    @Test
    @DisplayName("when the checkpoint cannot be read after a lost commit reply either, then the batch is not applied "
            + "before its fate is known")
    void unreadableCheckpointDoesNotMeanNotCommitted() throws Exception {
        runWithLostReply(2);
    }

    @Test
    @DisplayName("when the connection is lost after the server committed the held changes of an added table, then "
            + "they are not applied again")
    void committedHeldChangesAreNotAppliedAgain() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        createTables(src);
        try (FerryTask first = Ferry.task("lostheld").source(server.endpoint(src)).target(server.endpoint(dst))
                .tableMappings(ACCOUNTS).build()) {
            first.start();
            assertThat(first.awaitInSync(Duration.ofMinutes(1))).isTrue();
        }
        try (Source source = Endpoints.source(server.endpoint(src));
             LostCommitReply target = new LostCommitReply(Endpoints.target(server.endpoint(dst)))) {
            AddedTablesIT.HeldRead held = new AddedTablesIT.HeldRead(source, LOGS);
            try (FerryTask second = Ferry.task("lostheld").source(held).target(target).tableMappings(BOTH).build()) {
                target.lostReplies.set(1);
                second.start();
                assertThat(held.reached.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
                // made while logs loads: held, then applied with the checkpoint that lists logs as loaded
                changeLogs(src);
                // the same transaction's change of accounts is applied: the stream delivered those of logs, now held
                try (Connection t = server.connect(dst)) {
                    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                    while (Tables.count(t, "accounts WHERE owner = 'changed'") == 0) {
                        assertThat(System.nanoTime()).as("the change of accounts is applied while logs loads").isLessThan(deadline);
                        assertThat(second.status().state()).isEqualTo(TaskState.RUNNING);
                        Thread.sleep(10);
                    }
                }
                held.release.countDown();
                assertThat(second.awaitFullLoad(Duration.ofMinutes(1))).isTrue();
                assertThat(second.awaitInSync(Duration.ofMinutes(1))).isTrue();
                assertThat(second.status().state()).isEqualTo(TaskState.RUNNING);
                assertThat(target.lost).as("the commit's reply was lost").hasValue(1);
            }
        }
        assertConverged(src, dst);
    }
}
