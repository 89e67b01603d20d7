package dev.ferry.postgres.source;

import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.SourceFactory;
import dev.ferry.postgres.PgEndpoint;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code postgres} source. Options: {@code url} or {@code host}/{@code port}/{@code database};
 * {@code user}, {@code password}; {@code slotName} and {@code publicationName} (default
 * {@code ferry_<task>}); {@code cdcBatchSize} (changes per capture batch, default 20000) and
 * {@code cdcPollMillis} (longest wait to fill one, default 500).
 */
public final class PostgresSourceFactory implements SourceFactory {

    @Override
    public String identifier() {
        return "postgres";
    }

    @Override
    public Set<String> requiredOptions() {
        return Set.of("user");
    }

    @Override
    public Set<String> optionalOptions() {
        Set<String> s = new HashSet<>(PgEndpoint.CONNECTION_KEYS);
        s.remove("user");
        s.addAll(Set.of("slotName", "publicationName", "cdcBatchSize", "cdcPollMillis"));
        return s;
    }

    @Override
    public List<String> validate(EndpointConfig config) {
        return PgEndpoint.validate(config);
    }

    @Override
    public Source create(EndpointConfig config) {
        int batch = config.get("cdcBatchSize") == null ? PostgresSource.defaultBatch() : Integer.parseInt(config.get("cdcBatchSize"));
        long poll = config.get("cdcPollMillis") == null ? 500 : Long.parseLong(config.get("cdcPollMillis"));
        return new PostgresSource(PgEndpoint.of(config), config.get("slotName"), config.get("publicationName"), batch, poll);
    }
}
