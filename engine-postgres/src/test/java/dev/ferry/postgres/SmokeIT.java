package dev.ferry.postgres;

import dev.ferry.core.Ferry;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.MigrationType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeIT {
    @Test
    void smoke() throws Exception {
        try (PgTestServer server = new PgTestServer()) {
            String src = server.newDatabase("src");
            String dst = server.newDatabase("dst");
            try (Connection c = server.connect(src); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id int PRIMARY KEY, v text, n numeric(10,2), ts timestamptz)");
                st.execute("INSERT INTO t SELECT g, 'v' || g, g * 1.5, now() FROM generate_series(1, 1000) g");
            }
            try (FerryTask task = Ferry.task("smoke").source(server.endpoint(src)).target(server.endpoint(dst))
                    .migrationType(MigrationType.FULL_LOAD_AND_CDC).build()) {
                task.start();
                assertThat(task.awaitFullLoad(Duration.ofSeconds(60))).isTrue();
                try (Connection c = server.connect(src); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO t VALUES (5000, 'new', 1.25, now())");
                    st.execute("UPDATE t SET v = 'changed' WHERE id = 1");
                    st.execute("DELETE FROM t WHERE id = 2");
                }
                assertThat(task.awaitInSync(Duration.ofSeconds(60))).isTrue();
                System.out.println(task.status());
            }
            try (Connection c = server.connect(dst); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), sum(id), max(v) FILTER (WHERE id = 1) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1000);
                assertThat(rs.getLong(2)).isEqualTo(500500 - 2 + 5000);
                assertThat(rs.getString(3)).isEqualTo("changed");
            }
        }
    }
}
