package dev.ferry.sqlserver;

import dev.ferry.core.Ferry;
import dev.ferry.core.model.TableId;
import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TableState;
import dev.ferry.core.task.TaskState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task killed (abort: threads interrupted, connections dropped, no graceful stop) during the
 * full load and twice during MS-CDC, while a writer keeps changing the source, converges when it
 * starts again: the position committed with each batch is where the connector resumes.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServerRestartIT extends SqlServerIntegrationTest {

    static FerryTask task(EndpointConfig source, String dst) {
        return Ferry.task("restart").source(source).target(target.endpoint(dst)).migrationType(MigrationType.FULL_LOAD_AND_CDC).build();
    }

    /** Inserts, updates, key changes and deletes on dbo.orders until stopped. */
    static Thread writer(String db, AtomicBoolean running, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try (Connection c = SqlServerTestServer.connect(db);
                 PreparedStatement insert = c.prepareStatement("INSERT INTO dbo.orders (id, customer, amount, placed) VALUES (?, ?, ?, SYSDATETIME())");
                 PreparedStatement update = c.prepareStatement("UPDATE dbo.orders SET amount = amount + 1, note = CONCAT(note, 'u') WHERE id = ?");
                 PreparedStatement move = c.prepareStatement("UPDATE dbo.orders SET id = ? WHERE id = ?");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM dbo.orders WHERE id = ?")) {
                int next = 1_000_000;
                while (running.get()) {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    insert.setInt(1, next++);
                    insert.setInt(2, r.nextInt(100));
                    insert.setBigDecimal(3, java.math.BigDecimal.valueOf(r.nextInt(100_000), 2));
                    insert.executeUpdate();
                    update.setInt(1, r.nextInt(1, 20_000));
                    update.executeUpdate();
                    if (next % 10 == 0) {
                        move.setInt(1, next++);
                        move.setInt(2, r.nextInt(1, 20_000));
                        move.executeUpdate();
                        delete.setInt(1, r.nextInt(1, 20_000));
                        delete.executeUpdate();
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "source-writer");
        t.start();
        return t;
    }

    @Test
    @DisplayName("when a task is killed during the load and twice during CDC, then a restart converges with nothing lost")
    void killedTaskConverges() throws Exception {
        String db = SqlServerTestServer.newDatabase("restart");
        SqlServerTestServer.exec(db,
                "CREATE TABLE dbo.orders (id int NOT NULL PRIMARY KEY, customer int NOT NULL, amount decimal(12,2), "
                        + "placed datetime2(7), note nvarchar(200) DEFAULT N'')",
                "INSERT INTO dbo.orders (id, customer, amount, placed) SELECT TOP (20000) ROW_NUMBER() OVER (ORDER BY (SELECT 1)), "
                        + "1, 1.00, SYSDATETIME() FROM sys.all_objects a CROSS JOIN sys.all_objects b");
        SqlServerTestServer.enableCdc(db, "orders");
        EndpointConfig source = SqlServerTestServer.source(db, CaptureMode.CDC);
        String dst = target.newDatabase();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread w = writer(db, running, failure);
        try {
            FerryTask first = task(source, dst);
            first.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (first.status().tables().stream().noneMatch(t -> t.state() == TableState.FULL_LOAD && t.fullLoadRows() > 0)
                    && !first.awaitFullLoad(Duration.ZERO)) {
                assertThat(System.nanoTime()).as("the full load starts").isLessThan(deadline);
                Thread.sleep(5);
            }
            first.abort();
            first.close();
            for (int round = 0; round < 2; round++) {
                FerryTask again = task(source, dst);
                again.start();
                assertThat(again.awaitFullLoad(Duration.ofMinutes(2))).isTrue();
                Thread.sleep(3000); // a few CDC batches under the writer
                again.abort();
                assertThat(again.status().state()).isEqualTo(TaskState.STOPPED);
                again.close();
            }
        } finally {
            running.set(false);
            w.join();
        }
        assertThat(failure.get()).isNull();
        try (FerryTask last = task(source, dst)) {
            last.start();
            assertThat(last.awaitInSync(Duration.ofMinutes(2))).isTrue();
            TableId id = new TableId("dbo", "orders");
            try (Connection pg = target.connect(dst)) {
                var schema = SqlServerFullLoadAndCdcIT.schema(source, id);
                Rows.assertSame(schema, Rows.source(source, id), Rows.target(pg, schema));
            }
            last.stop();
        }
    }
}
