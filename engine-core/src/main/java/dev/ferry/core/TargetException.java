package dev.ferry.core;

/**
 * A failure writing to the target endpoint. {@link #isTransient()} says whether the same work may
 * succeed when tried again on a new connection (a dropped connection, a deadlock, a server restart);
 * the task runner retries only those, a bounded number of times.
 */
public class TargetException extends FerryException {
    private final boolean transientFailure;

    public TargetException(String message) {
        this(message, null, false);
    }

    public TargetException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public TargetException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
