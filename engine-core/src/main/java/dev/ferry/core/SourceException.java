package dev.ferry.core;

/** A failure reading from the source endpoint. */
public class SourceException extends FerryException {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
