package dev.ferry.core.model;

/**
 * Marks a value the source did not send with an update because it did not change (PostgreSQL's
 * unchanged TOAST values, for instance). A target keeps the value it has for such a column.
 * Compare with {@code ==} against {@link #VALUE}.
 */
public final class Unchanged {
    public static final Unchanged VALUE = new Unchanged();

    private Unchanged() {
    }

    @Override
    public String toString() {
        return "<unchanged>";
    }
}
