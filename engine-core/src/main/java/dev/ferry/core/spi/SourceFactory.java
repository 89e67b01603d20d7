package dev.ferry.core.spi;

/** Creates {@link Source}s of one kind; found with {@link java.util.ServiceLoader}. */
public interface SourceFactory extends EndpointFactory {

    /** A new, unconnected source. Connecting happens on first use, so a bad password shows there. */
    Source create(EndpointConfig config);
}
