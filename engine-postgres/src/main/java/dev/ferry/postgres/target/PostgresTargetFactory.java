package dev.ferry.postgres.target;

import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.Target;
import dev.ferry.core.spi.TargetFactory;
import dev.ferry.postgres.PgEndpoint;

import java.util.List;
import java.util.Set;

/** The {@code postgres} target. Options: {@code url} or {@code host}/{@code port}/{@code database}; {@code user}, {@code password}. */
public final class PostgresTargetFactory implements TargetFactory {

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
        return PgEndpoint.OPTIONAL_KEYS;
    }

    @Override
    public List<String> validate(EndpointConfig config) {
        return PgEndpoint.validate(config);
    }

    @Override
    public Target create(EndpointConfig config) {
        return new PostgresTarget(PgEndpoint.of(config));
    }
}
