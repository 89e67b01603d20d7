package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a CDC-only task starts reading changes: DMS's task parameters {@code CdcStartPosition} and
 * {@code CdcStartTime} (parameters of the task, not task settings: DMS takes them with
 * {@code create-replication-task} / {@code start-replication-task}, never in the settings JSON).
 * Exactly one of the two fields is set.
 *
 * @param position a position in the source's own terms (a PostgreSQL LSN {@code 0/16B3748}, a SQL
 *                 Server LSN {@code 0000002a:00000c38:0003}); only the source can read it; null for a time
 * @param time     a commit time: changes committed at or after it are applied; null for a position
 */
public record CdcStart(String position, Instant time) {

    public CdcStart {
        if ((position == null) == (time == null)) {
            throw new IllegalArgumentException("CdcStart needs exactly one of position and time");
        }
        if (position != null && position.isBlank()) {
            throw new ConfigurationException("CdcStartPosition must not be empty");
        }
    }

    public static CdcStart atPosition(String position) {
        return new CdcStart(Objects.requireNonNull(position, "position").strip(), null);
    }

    public static CdcStart atTime(Instant time) {
        return new CdcStart(null, Objects.requireNonNull(time, "time"));
    }

    /**
     * Reads DMS's two parameters, either of which may be null; null when both are. A
     * {@code CdcStartPosition} in DMS's date form ({@code 2018-03-08T12:12:12}) is a time, as in DMS;
     * a DMS checkpoint ({@code checkpoint:V1#...}) is refused: it names a position of DMS's own
     * replication engine, which Ferry cannot read.
     *
     * @throws ConfigurationException when both are given (DMS: "Specifying both values results in an error"),
     *                                or a value cannot be read; the message names the parameter
     */
    public static CdcStart parse(String cdcStartPosition, String cdcStartTime) {
        boolean hasPosition = cdcStartPosition != null && !cdcStartPosition.isBlank();
        boolean hasTime = cdcStartTime != null && !cdcStartTime.isBlank();
        if (hasPosition && hasTime) {
            throw new ConfigurationException("give either CdcStartPosition or CdcStartTime, not both (as in DMS)");
        }
        if (hasTime) {
            return atTime(CdcTimes.parse("CdcStartTime", cdcStartTime.strip(), true));
        }
        if (!hasPosition) {
            return null;
        }
        String p = cdcStartPosition.strip();
        if (p.regionMatches(true, 0, "checkpoint:", 0, "checkpoint:".length())) {
            throw new ConfigurationException("CdcStartPosition '" + p + "' is a DMS recovery checkpoint, a position of DMS's own "
                    + "replication engine that Ferry cannot read; give the source's native position (a PostgreSQL LSN such as "
                    + "0/16B3748, a SQL Server LSN such as 0000002a:00000c38:0003) or a time (2018-03-08T12:12:12, UTC)");
        }
        if (CdcTimes.looksLikeTime(p)) {
            return atTime(CdcTimes.parse("CdcStartPosition", p, false));
        }
        return atPosition(p);
    }

    /** For logs and messages: {@code position 0/16B3748} or {@code time 2018-03-08T12:12:12Z}. */
    public String describe() {
        return position != null ? "position " + position : "time " + time;
    }
}
