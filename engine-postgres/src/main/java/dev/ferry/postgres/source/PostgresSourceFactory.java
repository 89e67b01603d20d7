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
 * {@code ferry_<task>}); {@code cdcBatchSize} (changes per capture batch) and {@code cdcPollMillis}
 * (longest wait to fill one), which default to the task's BatchSplitSize and BatchApplyTimeoutMin.
 */
public final class PostgresSourceFactory implements SourceFactory {

    @Override
    public String identifier() {
        return "postgres";
    }

    @Override
    public Set<String> requiredOptions() {
        return PgEndpoint.REQUIRED_KEYS;
    }

    @Override
    public Set<String> optionalOptions() {
        Set<String> s = new HashSet<>(PgEndpoint.OPTIONAL_KEYS);
        s.addAll(Set.of("slotName", "publicationName", "cdcBatchSize", "cdcPollMillis"));
        return s;
    }

    @Override
    public List<String> validate(EndpointConfig config) {
        List<String> problems = new java.util.ArrayList<>(PgEndpoint.validate(config));
        for (String key : List.of("cdcBatchSize", "cdcPollMillis")) {
            config.checkWholeNumber(key, 1, Integer.MAX_VALUE, problems);
        }
        return problems;
    }

    @Override
    public Source create(EndpointConfig config) {
        // 0: follow the task's ChangeProcessingTuning settings
        int batch = config.get("cdcBatchSize") == null ? 0 : Integer.parseInt(config.get("cdcBatchSize").trim());
        long poll = config.get("cdcPollMillis") == null ? 0 : Long.parseLong(config.get("cdcPollMillis").trim());
        return new PostgresSource(PgEndpoint.of(config), config.get("slotName"), config.get("publicationName"), batch, poll);
    }
}
