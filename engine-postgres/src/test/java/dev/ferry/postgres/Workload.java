package dev.ferry.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A mixed workload on the test schema ({@link #createSchema}): writer threads run small
 * transactions of inserts, updates (some changing the key), and deletes on every table until
 * stopped. Used by the convergence and restart tests.
 */
public final class Workload implements AutoCloseable {
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong transactions = new AtomicLong();
    private final List<Throwable> failures = new ArrayList<>();

    public static void createSchema(Connection c, int accounts, int events, int logs) throws SQLException {
        Tables.exec(c,
                "CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(14,2), "
                        + "opened timestamptz, note text, ext uuid NOT NULL DEFAULT gen_random_uuid(), "
                        + "version int NOT NULL DEFAULT 1, created date NOT NULL DEFAULT current_date)",
                "CREATE TABLE events (id uuid PRIMARY KEY, account bigint, kind varchar(20), payload jsonb, "
                        + "data bytea, at timestamp(3))",
                "CREATE TABLE logs (line int, message text, level smallint)",
                "ALTER TABLE logs REPLICA IDENTITY FULL",
                "INSERT INTO accounts (id, owner, balance, opened, note) SELECT g, 'owner ' || g, (g % 1000) * 1.25, "
                        + "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', "
                        + "CASE WHEN g % 7 = 0 THEN NULL ELSE repeat('n', g % 50) END FROM generate_series(1, " + accounts + ") g",
                "INSERT INTO events SELECT md5(g::text)::uuid, g % 1000, 'kind' || (g % 5), "
                        + "jsonb_build_object('n', g, 's', 'x' || g), decode(md5(g::text), 'hex'), "
                        + "timestamp '2024-06-01' + g * interval '1.5 seconds' FROM generate_series(1, " + events + ") g",
                "INSERT INTO logs SELECT g % 100, 'line ' || (g % 100), (g % 3)::smallint FROM generate_series(1, " + logs + ") g");
    }

    public static final List<String> TABLES = List.of("public.accounts", "public.events", "public.logs");

    public Workload(Supplier<Connection> connections, int writers, long seed) {
        for (int w = 0; w < writers; w++) {
            Random random = new Random(seed + w);
            long idBase = 10_000_000L * (w + 1);
            Thread t = new Thread(() -> run(connections, random, idBase), "workload-" + w);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    public Workload start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void run(Supplier<Connection> connections, Random random, long idBase) {
        long next = idBase;
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            try (PreparedStatement insAccount = c.prepareStatement("INSERT INTO accounts (id, owner, balance, opened, note) VALUES (?, ?, ?, now(), ?)");
                 PreparedStatement updAccount = c.prepareStatement(
                         "UPDATE accounts SET balance = balance + ?, note = ? WHERE id = (SELECT id FROM accounts WHERE id >= ? ORDER BY id LIMIT 1)");
                 PreparedStatement moveAccount = c.prepareStatement(
                         "UPDATE accounts SET id = ? WHERE id = (SELECT id FROM accounts WHERE id >= ? ORDER BY id LIMIT 1)");
                 PreparedStatement delAccount = c.prepareStatement(
                         "DELETE FROM accounts WHERE id = (SELECT id FROM accounts WHERE id >= ? ORDER BY id LIMIT 1)");
                 PreparedStatement insEvent = c.prepareStatement("INSERT INTO events VALUES (?, ?, 'live', ?::jsonb, ?, now())");
                 PreparedStatement updEvent = c.prepareStatement(
                         "UPDATE events SET payload = payload || ?::jsonb WHERE id = (SELECT id FROM events WHERE id >= ? ORDER BY id LIMIT 1)");
                 PreparedStatement delEvent = c.prepareStatement(
                         "DELETE FROM events WHERE id = (SELECT id FROM events WHERE id >= ? ORDER BY id LIMIT 1)");
                 PreparedStatement insLog = c.prepareStatement("INSERT INTO logs VALUES (?, ?, ?)");
                 PreparedStatement updLog = c.prepareStatement(
                         "UPDATE logs SET message = message || '+' WHERE ctid = (SELECT ctid FROM logs WHERE line = ? LIMIT 1)");
                 PreparedStatement delLog = c.prepareStatement(
                         "DELETE FROM logs WHERE ctid = (SELECT ctid FROM logs WHERE line = ? LIMIT 1)")) {
                while (running.get()) {
                  try {
                    int ops = 1 + random.nextInt(5);
                    for (int i = 0; i < ops; i++) {
                        int dice = random.nextInt(100);
                        if (dice < 25) {
                            insAccount.setLong(1, next++);
                            insAccount.setString(2, "live " + next);
                            insAccount.setBigDecimal(3, java.math.BigDecimal.valueOf(random.nextInt(100000), 2));
                            insAccount.setString(4, random.nextBoolean() ? null : "note " + random.nextInt());
                            insAccount.executeUpdate();
                        } else if (dice < 45) {
                            updAccount.setBigDecimal(1, java.math.BigDecimal.valueOf(random.nextInt(1000) - 500, 2));
                            updAccount.setString(2, "upd " + random.nextInt(1000));
                            updAccount.setLong(3, random.nextInt(60_000));
                            updAccount.executeUpdate();
                        } else if (dice < 50) {
                            moveAccount.setLong(1, next++);
                            moveAccount.setLong(2, random.nextInt(60_000));
                            moveAccount.executeUpdate();
                        } else if (dice < 58) {
                            delAccount.setLong(1, random.nextInt(60_000));
                            delAccount.executeUpdate();
                        } else if (dice < 70) {
                            insEvent.setObject(1, UUID.randomUUID());
                            insEvent.setLong(2, random.nextInt(1000));
                            insEvent.setString(3, "{\"live\": " + random.nextInt() + "}");
                            byte[] data = new byte[random.nextInt(64)];
                            random.nextBytes(data);
                            insEvent.setBytes(4, data);
                            insEvent.executeUpdate();
                        } else if (dice < 78) {
                            updEvent.setString(1, "{\"u\": " + random.nextInt(100) + "}");
                            updEvent.setObject(2, new UUID(random.nextLong(), random.nextLong()));
                            updEvent.executeUpdate();
                        } else if (dice < 83) {
                            delEvent.setObject(1, new UUID(random.nextLong(), random.nextLong()));
                            delEvent.executeUpdate();
                        } else if (dice < 91) {
                            insLog.setInt(1, random.nextInt(100));
                            insLog.setString(2, "live " + random.nextInt(10));
                            insLog.setShort(3, (short) random.nextInt(3));
                            insLog.executeUpdate();
                        } else if (dice < 96) {
                            updLog.setInt(1, random.nextInt(100));
                            updLog.executeUpdate();
                        } else {
                            delLog.setInt(1, random.nextInt(100));
                            delLog.executeUpdate();
                        }
                    }
                    if (random.nextInt(20) == 0) {
                        c.rollback(); // rolled-back work must never reach the target
                    } else {
                        c.commit();
                        transactions.incrementAndGet();
                    }
                  } catch (SQLException e) {
                    // Writers collide on the same rows now and then; a deadlock victim just tries again.
                    if (!"40P01".equals(e.getSQLState()) && !"40001".equals(e.getSQLState())) {
                        throw e;
                    }
                    c.rollback();
                  }
                }
            }
        } catch (Throwable e) {
            synchronized (failures) {
                failures.add(e);
            }
        }
    }

    public long transactions() {
        return transactions.get();
    }

    /** Stops the writers and rethrows the first failure of any. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                throw new IllegalStateException("workload failed", failures.get(0));
            }
        }
    }

    static long max(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
