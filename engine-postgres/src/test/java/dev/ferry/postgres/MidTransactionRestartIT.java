package dev.ferry.postgres;

import dev.ferry.core.Endpoints;
import dev.ferry.core.Ferry;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.SourcePosition;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.spi.BatchLimits;
import dev.ferry.core.spi.ChangeChunk;
import dev.ferry.core.spi.ChangeStream;
import dev.ferry.core.spi.ForwardingChangeStream;
import dev.ferry.core.spi.ForwardingSource;
import dev.ferry.core.spi.Source;
import dev.ferry.core.task.FerryTask;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints inside a source transaction: with one change per batch, every checkpoint but the
 * last of a transaction lies inside it. Stops and kills in the middle, then restarts, must
 * neither skip nor repeat a change; the keyless table would show a repeat as a duplicate row, the
 * keyed one a skipped half of a key change as a missing row.
 */
class MidTransactionRestartIT extends EmbeddedPostgresTest {

    private FerryTask task(Source source, String dst) {
        return Ferry.task("midtx").source(source).target(server.endpoint(dst)).build();
    }

    private static Source source(String src) {
        return Endpoints.source(server.sourceEndpoint(src, 1));
    }

    private static void waitForRows(Connection target, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Tables.count(target, "public.log") < atLeast) {
            assertThat(System.nanoTime()).as("rows arrive").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    @DisplayName("when a task is stopped, killed, and killed right after half of a key change inside one transaction, then restarts apply every change once")
    void restartsInsideATransaction() throws Exception {
        String src = server.newDatabase("src");
        String dst = server.newDatabase("dst");
        try (Connection c = server.connect(src)) {
            Tables.exec(c, "CREATE TABLE log (n int, s text)", "ALTER TABLE log REPLICA IDENTITY FULL",
                    "CREATE TABLE kv (k int PRIMARY KEY, v int)");
        }
        Source firstSource = source(src);
        FerryTask first = task(firstSource, dst);
        first.start();
        assertThat(first.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
        try (Connection c = server.connect(src)) {
            c.setAutoCommit(false);
            for (int i = 0; i < 3000; i++) {
                Tables.exec(c, "INSERT INTO log VALUES (" + i + ", 'same')");
                if (i % 10 == 0) {
                    Tables.exec(c, "INSERT INTO kv VALUES (" + i + ", 0)", "UPDATE kv SET k = k + 100000 WHERE k = " + (i - 10));
                }
            }
            c.commit();
        }
        try (Connection t = server.connect(dst)) {
            waitForRows(t, 300);
            first.stop();
            first.close();
            firstSource.close();
            long afterStop = Tables.count(t, "public.log");
            assertThat(afterStop).as("stopped inside the transaction").isBetween(300L, 2999L);

            // killed right after the target committed a batch holding only the delete half of a key change
            KillingSource killing = new KillingSource(source(src),
                    chunk -> chunk.events().size() == 1 && chunk.events().get(0) instanceof ChangeEvent.Delete d
                            && d.table().name().equals("kv"));
            FerryTask second = task(killing, dst);
            second.start();
            assertThat(killing.fired.await(60, TimeUnit.SECONDS)).isTrue();
            second.abort();
            assertThat(Tables.count(t, "public.log")).as("killed inside the transaction").isLessThan(3000);
        }
        try (Source lastSource = source(src); FerryTask last = task(lastSource, dst)) {
            last.start();
            assertThat(last.awaitInSync(Duration.ofMinutes(2))).isTrue();
        }
        try (Connection s = server.connect(src); Connection t = server.connect(dst)) {
            Tables.assertSameRows(s, t, "public.log");
            Tables.assertSameRows(s, t, "public.kv");
        }
    }

    /** Blocks the task forever after the first committed chunk that matches, as a process frozen there would. */
    static final class KillingSource extends ForwardingSource {
        final Predicate<ChangeChunk> when;
        final CountDownLatch fired = new CountDownLatch(1);

        KillingSource(Source delegate, Predicate<ChangeChunk> when) {
            super(delegate);
            this.when = when;
        }

        @Override
        public ChangeStream openChangeStream(String taskName, List<TableSchema> tables, SourcePosition from, BatchLimits limits) {
            return new ForwardingChangeStream(delegate.openChangeStream(taskName, tables, from, limits)) {
                @Override
                public void committed(ChangeChunk chunk) throws InterruptedException {
                    delegate.committed(chunk);
                    if (fired.getCount() > 0 && when.test(chunk)) {
                        fired.countDown();
                        Thread.sleep(Long.MAX_VALUE); // until the abort interrupts this thread
                    }
                }
            };
        }
    }
}
