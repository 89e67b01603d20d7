package dev.ferry.core;

/** A failure writing to the target endpoint. */
public class TargetException extends FerryException {
    public TargetException(String message) {
        super(message);
    }

    public TargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
