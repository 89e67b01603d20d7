package dev.ferry.core.spi;

import java.time.Duration;

/**
 * How a change stream should cut its chunks, from the task settings (ChangeProcessingTuning):
 * at most {@code maxChanges} changes, and no longer than {@code maxWait} to fill one.
 */
public record BatchLimits(int maxChanges, Duration maxWait) {
    public BatchLimits {
        if (maxChanges < 1) {
            throw new IllegalArgumentException("BatchLimits.maxChanges must be >= 1, was " + maxChanges);
        }
        if (maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("BatchLimits.maxWait must be > 0, was " + maxWait);
        }
    }
}
