package dev.ferry.core.spi;

/**
 * The smallest and the largest value of an integer key column, as a source read them to split a
 * table's full load into ranges ({@link Source#keyBounds}). A hint for planning only: rows written
 * after the read may lie outside, so the first and the last range a plan makes are open.
 */
public record KeyBounds(long min, long max) {
    public KeyBounds {
        if (min > max) {
            throw new IllegalArgumentException("KeyBounds.min " + min + " is above max " + max);
        }
    }
}
