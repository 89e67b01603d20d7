package dev.ferry.core;

import dev.ferry.core.task.FerryTask;

/**
 * Entry point of the embedding API:
 * <pre>{@code
 * try (FerryTask task = Ferry.task("orders")
 *         .source(new EndpointConfig("postgres", Map.of("url", src, "user", "app", "password", pw)))
 *         .target(new EndpointConfig("postgres", Map.of("url", dst, "user", "app", "password", pw)))
 *         .migrationType(MigrationType.FULL_LOAD_AND_CDC)
 *         .build()) {
 *     task.start();
 *     task.awaitFullLoad(Duration.ofMinutes(10));
 *     task.awaitInSync(Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class Ferry {
    private Ferry() {
    }

    public static FerryTask.Builder task(String name) {
        return FerryTask.builder(name);
    }
}
