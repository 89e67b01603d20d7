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

    /**
     * The message chain of a failure for one line of output: each cause's message once, joined by
     * ": ", without stack frames. Stops after a FerryException whose cause is not one, because its
     * message already explains that cause (a driver error, say).
     */
    public static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (sb.indexOf(m) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(m);
            }
            if (c instanceof FerryException && !(c.getCause() instanceof FerryException)) {
                break;
            }
        }
        return sb.toString();
    }

    /**
     * What the network said, when a connection failure's cause chain holds a network error:
     * "unknown host h", "host unreachable or port closed (...)", "connection timed out"; else null.
     * Drivers wrap these differently; endpoints use this before their own explanation.
     */
    public static String networkCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.UnknownHostException) {
                return "unknown host " + c.getMessage();
            }
            if (c instanceof java.net.ConnectException || c instanceof java.net.NoRouteToHostException) {
                return "host unreachable or port closed (" + c.getMessage() + ")";
            }
            if (c instanceof java.net.SocketTimeoutException) {
                return "connection timed out";
            }
        }
        return null;
    }
}
