package dev.ferry.core.model;

/**
 * A SQL interval kept in its three independent parts, as PostgreSQL keeps it, so that
 * '1 mon' and '30 days' stay different values.
 */
public record Interval(int months, int days, long micros) {
    @Override
    public String toString() {
        return months + " mons " + days + " days " + micros + " us";
    }
}
