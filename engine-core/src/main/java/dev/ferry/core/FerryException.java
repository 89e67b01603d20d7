package dev.ferry.core;

/**
 * The root of every error Ferry raises. Messages say what failed and where (file, rule, table,
 * column, position); the cause is kept. Subtypes tell configuration, source and target apart.
 */
public class FerryException extends RuntimeException {
    public FerryException(String message) {
        super(message);
    }

    public FerryException(String message, Throwable cause) {
        super(message, cause);
    }
}
