package dev.ferry.sqlserver;

import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.SourceFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code sqlserver} source. Options: {@code host} (name or IP), {@code port} (1433),
 * {@code database}, {@code user}, {@code password}; {@code encrypt} (true, false or strict;
 * default true), {@code trustServerCertificate} (default false), {@code hostNameInCertificate},
 * {@code connectTimeoutSeconds}; {@code captureMode} ({@code cdc}, the default, or
 * {@code change-tracking}); {@code cdcBatchSize} and {@code cdcPollMillis}, which default to the
 * task's batch settings.
 */
public final class SqlServerSourceFactory implements SourceFactory {

    @Override
    public String identifier() {
        return "sqlserver";
    }

    @Override
    public Set<String> requiredOptions() {
        return SqlServerEndpoint.REQUIRED_KEYS;
    }

    @Override
    public Set<String> optionalOptions() {
        Set<String> s = new HashSet<>(SqlServerEndpoint.OPTIONAL_KEYS);
        s.addAll(Set.of("captureMode", "cdcBatchSize", "cdcPollMillis"));
        return s;
    }

    @Override
    public List<String> validate(EndpointConfig config) {
        List<String> problems = new ArrayList<>(SqlServerEndpoint.validate(config));
        config.checkWholeNumber("cdcBatchSize", 1, Integer.MAX_VALUE, problems);
        config.checkWholeNumber("cdcPollMillis", 1, Integer.MAX_VALUE, problems);
        try {
            CaptureMode.parse(config.get("captureMode"));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public Source create(EndpointConfig config) {
        return createSource(config);
    }

    /** The source with its SQL Server-specific calls (catalog details, assessment, preparation). */
    SqlServerSource createSource(EndpointConfig config) {
        int batch = config.get("cdcBatchSize") == null ? 0 : Integer.parseInt(config.get("cdcBatchSize").trim());
        long poll = config.get("cdcPollMillis") == null ? 0 : Long.parseLong(config.get("cdcPollMillis").trim());
        return new SqlServerSource(SqlServerEndpoint.of(config), CaptureMode.parse(config.get("captureMode")), batch, poll);
    }
}
