package dev.ferry.sqlserver;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the SQL Server integration tests share: the SQL Server container (one per JVM) and an
 * embedded PostgreSQL target per class. Subclasses carry {@code @Testcontainers(disabledWithoutDocker = true)}.
 */
abstract class SqlServerIntegrationTest {

    static TargetDb target;

    @BeforeAll
    static void startServers() throws Exception {
        SqlServerTestServer.get();
        target = new TargetDb();
    }

    @AfterAll
    static void stopTarget() throws Exception {
        target.close();
    }
}
