package dev.ferry.cli;

import dev.ferry.core.Ferry;
import dev.ferry.core.FerryException;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import dev.ferry.core.task.TaskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ferry demo}: two embedded PostgreSQL servers, a sample shop schema on the source, a
 * full-load-and-cdc task while a writer changes the source, then a count and checksum comparison
 * of every table. Exits 0 only when source and target match.
 */
@Command(name = "demo", description = "Replicate a sample schema between two embedded PostgreSQL servers and verify the result.")
final class DemoCommand implements Callable<Integer> {

    static final List<String> TABLES = List.of("shop.customers", "shop.products", "shop.orders", "shop.audit_log");

    @Option(names = "--orders", defaultValue = "1000000", description = "Rows in shop.orders (default 1000000).")
    int orders;

    @Option(names = "--seconds", defaultValue = "20", description = "How long the writer changes the source (default 20).")
    int seconds;

    @Option(names = "--keep", description = "Leave both servers running and print their JDBC URLs; Ctrl-C ends them.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        out.println("ferry demo: starting two embedded PostgreSQL servers...");
        try (EmbeddedServers servers = new EmbeddedServers("shop")) {
            out.printf("  source %s%n  target %s%n", servers.url(servers.source), servers.url(servers.target));
            long t0 = System.nanoTime();
            try (Connection c = servers.connect(servers.source)) {
                createSchema(c, orders);
            }
            out.printf("ferry demo: sample schema created on the source (%s) in %.1f s%n", String.join(", ", TABLES),
                    (System.nanoTime() - t0) / 1e9);
            TaskStatus status;
            Writer writer = new Writer(servers);
            try (FerryTask task = Ferry.task("demo").source(servers.endpoint(servers.source))
                    .target(servers.endpoint(servers.target))
                    .migrationType(MigrationType.FULL_LOAD_AND_CDC).build();
                 Progress progress = new Progress(task, out, 2000)) {
                out.printf("ferry demo: running full-load-and-cdc while a writer inserts, updates and deletes for %d s%n", seconds);
                writer.start();
                long start = System.nanoTime();
                task.start();
                if (!task.awaitFullLoad(Duration.ofMinutes(10))) {
                    throw new FerryException("the full load did not finish in 10 minutes");
                }
                double loadSeconds = (System.nanoTime() - start) / 1e9;
                out.printf("ferry demo: full load done: %,d rows in %.1f s (%,.0f rows/s)%n", task.status().fullLoadRows(),
                        loadSeconds, task.status().fullLoadRows() / loadSeconds);
                long left = seconds * 1000L - (System.nanoTime() - start) / 1_000_000;
                if (left > 0) {
                    Thread.sleep(left);
                }
                writer.stop();
                out.printf("ferry demo: writer stopped after %,d transactions; waiting until the target is in sync...%n",
                        writer.transactions.get());
                long syncStart = System.nanoTime();
                if (!task.awaitInSync(Duration.ofMinutes(5))) {
                    throw new FerryException("the target did not catch up within 5 minutes");
                }
                out.printf("ferry demo: in sync %.1f s after the writer stopped%n", (System.nanoTime() - syncStart) / 1e9);
                status = task.status();
                task.stop();
            } finally {
                writer.stop();
            }
            Map<String, String> verdict = new LinkedHashMap<>();
            boolean allMatch = true;
            try (Connection s = servers.connect(servers.source);
                 Connection t = servers.connect(servers.target)) {
                for (String table : TABLES) {
                    String a = checksum(s, table);
                    String b = checksum(t, table);
                    boolean match = a.equals(b);
                    allMatch &= match;
                    verdict.put(table, match ? "match (" + a + ")" : "DIFFERENT: source " + a + ", target " + b);
                }
            }
            out.println();
            out.print(StatsTable.render(status, verdict, "source = target (rows, checksum)"));
            out.println();
            if (!allMatch) {
                throw new FerryException("source and target differ; see the table above");
            }
            out.printf("ferry demo: source and target match on all %d tables%n", TABLES.size());
            if (keep) {
                out.printf("ferry demo: servers kept running (user postgres, no password):%n  source %s%n  target %s%n"
                                + "Press Ctrl-C to stop them.%n", servers.url(servers.source),
                        servers.url(servers.target));
                Thread.currentThread().join();
            }
        }
        return 0;
    }

    static void createSchema(Connection c, int orders) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA shop");
            st.execute("CREATE TABLE shop.customers (id bigint PRIMARY KEY, name text NOT NULL, email text, "
                    + "country char(2), credit numeric(12,2), created timestamptz NOT NULL, profile jsonb)");
            st.execute("CREATE TABLE shop.products (id int PRIMARY KEY, sku varchar(32) NOT NULL, name text NOT NULL, "
                    + "price numeric(10,2) NOT NULL, weight_kg real, photo bytea, active boolean NOT NULL)");
            st.execute("CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, product_id int, "
                    + "quantity int NOT NULL, total numeric(14,2), placed_at timestamptz NOT NULL, ref uuid NOT NULL, "
                    + "note text, details jsonb)");
            st.execute("CREATE TABLE shop.audit_log (at timestamptz NOT NULL, actor text, action text, payload bytea)");
            st.execute("ALTER TABLE shop.audit_log REPLICA IDENTITY FULL");
            st.execute("INSERT INTO shop.customers SELECT g, (ARRAY['Zoë', 'José', 'Łukasz', '李娜', 'Ana 😀'])[1 + g % 5] || ' ' || g, "
                    + "CASE WHEN g % 9 = 0 THEN NULL ELSE 'c' || g || '@example.com' END, (ARRAY['PL','PT','CN','DE','US'])[1 + g % 5], "
                    + "CASE WHEN g % 4 = 0 THEN NULL ELSE (g % 10000) / 7.0 END, timestamptz '2020-01-01 00:00:00+00' + g * interval '13 minutes', "
                    + "CASE WHEN g % 3 = 0 THEN NULL ELSE jsonb_build_object('tier', g % 4, 'tags', jsonb_build_array('a', g % 7)) END "
                    + "FROM generate_series(1, 20000) g");
            st.execute("INSERT INTO shop.products SELECT g, 'SKU-' || lpad(g::text, 6, '0'), 'Product ' || g || ' ✓', "
                    + "(g % 500) + 0.99, CASE WHEN g % 5 = 0 THEN NULL ELSE g / 100.0 END, "
                    + "CASE WHEN g % 2 = 0 THEN decode(md5(g::text), 'hex') END, g % 10 <> 0 FROM generate_series(1, 1000) g");
            st.execute("INSERT INTO shop.orders SELECT g, 1 + g % 20000, CASE WHEN g % 50 = 0 THEN NULL ELSE 1 + g % 1000 END, "
                    + "1 + g % 5, (g % 100000) / 100.0, timestamptz '2023-01-01 00:00:00+00' + g * interval '1 second', "
                    + "md5(g::text)::uuid, CASE WHEN g % 11 = 0 THEN 'gift wrap, ünïcödé' END, "
                    + "CASE WHEN g % 6 = 0 THEN NULL ELSE jsonb_build_object('channel', 'web', 'n', g) END "
                    + "FROM generate_series(1, " + orders + ") g");
            st.execute("INSERT INTO shop.audit_log SELECT timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute', "
                    + "'user' || (g % 10), 'login', CASE WHEN g % 2 = 0 THEN '\\xdeadbeef'::bytea END FROM generate_series(1, 10000) g");
            st.execute("ANALYZE");
        }
    }

    /** Row count and an order-independent checksum of every row's text. */
    static String checksum(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(hashtextextended(x::text, 0)::numeric), 0) FROM "
                     + table + " x")) {
            rs.next();
            BigDecimal sum = rs.getBigDecimal(2);
            return rs.getLong(1) + " rows, " + Long.toHexString(sum.longValue() ^ sum.unscaledValue().shiftRight(64).longValue());
        }
    }

    /** Changes the source while the task runs: inserts, updates and deletes in small transactions. */
    private static final class Writer {
        private final EmbeddedServers servers;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong transactions = new AtomicLong();
        private Thread thread;
        private volatile Exception failure;

        Writer(EmbeddedServers servers) {
            this.servers = servers;
        }

        void start() {
            thread = new Thread(this::run, "demo-writer");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join();
            }
            if (failure != null) {
                throw new FerryException("the demo writer failed: " + failure.getMessage(), failure);
            }
        }

        private void run() {
            Random random = new Random(1);
            long nextOrder = 10_000_000;
            try (Connection c = servers.connect(servers.source)) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO shop.orders VALUES (?, ?, ?, ?, ?, now(), ?, ?, NULL)");
                     PreparedStatement update = c.prepareStatement("UPDATE shop.orders SET quantity = quantity + 1, total = total + ?, "
                             + "note = ? WHERE id = ?");
                     PreparedStatement delete = c.prepareStatement("DELETE FROM shop.orders WHERE id = ?");
                     PreparedStatement credit = c.prepareStatement("UPDATE shop.customers SET credit = coalesce(credit, 0) + ? WHERE id = ?");
                     PreparedStatement audit = c.prepareStatement("INSERT INTO shop.audit_log VALUES (now(), ?, ?, ?)");
                     PreparedStatement forget = c.prepareStatement("DELETE FROM shop.audit_log WHERE ctid = "
                             + "(SELECT ctid FROM shop.audit_log WHERE actor = ? LIMIT 1)")) {
                    while (running.get()) {
                        for (int i = 0; i < 10; i++) {
                            int dice = random.nextInt(100);
                            if (dice < 35) {
                                insert.setLong(1, nextOrder++);
                                insert.setLong(2, 1 + random.nextInt(20000));
                                insert.setInt(3, 1 + random.nextInt(1000));
                                insert.setInt(4, 1 + random.nextInt(5));
                                insert.setBigDecimal(5, BigDecimal.valueOf(random.nextInt(100000), 2));
                                insert.setObject(6, UUID.randomUUID());
                                insert.setString(7, random.nextBoolean() ? null : "live order ✓");
                                insert.executeUpdate();
                            } else if (dice < 70) {
                                update.setBigDecimal(1, BigDecimal.valueOf(random.nextInt(1000), 2));
                                update.setString(2, "updated " + random.nextInt(100));
                                update.setLong(3, 1 + random.nextInt(1_000_000));
                                update.executeUpdate();
                            } else if (dice < 85) {
                                delete.setLong(1, 1 + random.nextInt(1_000_000));
                                delete.executeUpdate();
                            } else if (dice < 93) {
                                credit.setBigDecimal(1, BigDecimal.valueOf(random.nextInt(10000) - 5000, 2));
                                credit.setLong(2, 1 + random.nextInt(20000));
                                credit.executeUpdate();
                            } else if (dice < 98) {
                                audit.setString(1, "user" + random.nextInt(10));
                                audit.setString(2, "demo");
                                audit.setBytes(3, random.nextBoolean() ? null : new byte[]{1, 2, 3});
                                audit.executeUpdate();
                            } else {
                                forget.setString(1, "user" + random.nextInt(10));
                                forget.executeUpdate();
                            }
                        }
                        c.commit();
                        transactions.incrementAndGet();
                        Thread.sleep(2);
                    }
                }
            } catch (Exception e) {
                failure = e;
            }
        }
    }
}
