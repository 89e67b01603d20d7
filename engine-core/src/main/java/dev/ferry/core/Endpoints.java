package dev.ferry.core;

import dev.ferry.core.spi.EndpointConfig;
import dev.ferry.core.spi.EndpointFactory;
import dev.ferry.core.spi.Source;
import dev.ferry.core.spi.SourceFactory;
import dev.ferry.core.spi.Target;
import dev.ferry.core.spi.TargetFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds source and target plug-ins by identifier with {@link ServiceLoader} and checks an
 * endpoint's settings against the options its factory declares, reporting every problem at once.
 */
public final class Endpoints {

    private Endpoints() {
    }

    /** Creates the source {@code config} names, after checking its settings. */
    public static Source source(EndpointConfig config) {
        SourceFactory factory = find(SourceFactory.class, config.type(), "source");
        check(factory, config, "source");
        return factory.create(config);
    }

    /** Creates the target {@code config} names, after checking its settings. */
    public static Target target(EndpointConfig config) {
        TargetFactory factory = find(TargetFactory.class, config.type(), "target");
        check(factory, config, "target");
        return factory.create(config);
    }

    /** Identifiers of the plug-ins of {@code kind} on the class path. */
    public static Set<String> known(Class<? extends EndpointFactory> kind) {
        Set<String> ids = new TreeSet<>();
        for (EndpointFactory f : ServiceLoader.load(kind, Endpoints.class.getClassLoader())) {
            ids.add(f.identifier());
        }
        return ids;
    }

    /**
     * The factory of {@code kind} named {@code id}.
     *
     * @param role "source" or "target", for the message
     * @throws ConfigurationException naming the known identifiers when none matches
     */
    public static <F extends EndpointFactory> F find(Class<F> kind, String id, String role) {
        for (F f : ServiceLoader.load(kind, Endpoints.class.getClassLoader())) {
            if (f.identifier().equals(id)) {
                return f;
            }
        }
        throw new ConfigurationException("unknown " + role + " endpoint type '" + id + "'; known types: "
                + String.join(", ", known(kind)));
    }

    /** Checks missing and unknown keys plus the factory's own cross-key rules, all at once. */
    public static void check(EndpointFactory factory, EndpointConfig config, String role) {
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(factory.requiredOptions())) {
            String value = config.get(key);
            if (value == null || value.isBlank()) {
                problems.add("missing key '" + key + "'");
            }
        }
        for (String key : new TreeSet<>(config.settings().keySet())) {
            if (!factory.requiredOptions().contains(key) && !factory.optionalOptions().contains(key)) {
                Set<String> allowed = new TreeSet<>(factory.requiredOptions());
                allowed.addAll(factory.optionalOptions());
                problems.add("unknown key '" + key + "' (known: " + String.join(", ", allowed) + ")");
            }
        }
        problems.addAll(factory.validate(config));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(role + " endpoint (" + config.type() + ")", problems);
        }
    }
}
