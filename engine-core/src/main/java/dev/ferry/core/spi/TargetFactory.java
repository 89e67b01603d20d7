package dev.ferry.core.spi;

/** Creates {@link Target}s of one kind; found with {@link java.util.ServiceLoader}. */
public interface TargetFactory extends EndpointFactory {

    Target create(EndpointConfig config);
}
