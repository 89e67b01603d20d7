package dev.ferry.core.spi;

import java.util.Set;

/**
 * What source and target factories share: an identifier and the options they accept, so that
 * one check reports every missing or unknown key at once before anything connects.
 */
public interface EndpointFactory {

    /** The identifier used in task files and in {@link EndpointConfig#type()}: {@code postgres}. */
    String identifier();

    /** Keys that must be present. Alternatives (a URL or host/port) are checked by {@link #validate}. */
    Set<String> requiredOptions();

    /** Keys that may be present. */
    Set<String> optionalOptions();

    /**
     * Further checks across keys; returns one line per problem, empty when the settings are fine.
     * Must not connect to anything.
     */
    default java.util.List<String> validate(EndpointConfig config) {
        return java.util.List.of();
    }
}
