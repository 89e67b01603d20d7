package dev.ferry.core.mapping.expr;

import java.time.Instant;

/**
 * The header of the change a row comes with, which DMS exposes to expressions as
 * {@code $AR_H_OPERATION}, {@code $AR_H_TIMESTAMP}, {@code $AR_H_STREAM_POSITION} and
 * {@code $AR_H_CHANGE_SEQ}, and which {@code operation_indicator(...)} reads.
 *
 * @param operation      what happened to the row; {@link Operation#FULL_LOAD} for a row of the full load
 * @param timestamp      when the change happened at the source (commit time); for the full load the time the
 *                       row is loaded. Also the time {@code 'now'} means in date functions.
 * @param streamPosition the source's position of the change (an LSN), empty for the full load
 * @param changeSeq      a number that grows with every change of the task, 0 for the full load
 */
public record ChangeHeader(Operation operation, Instant timestamp, String streamPosition, long changeSeq) {

    /** The kind of change; the full load is its own kind, which DMS reports as an insert. */
    public enum Operation { FULL_LOAD, INSERT, UPDATE, DELETE }

    public ChangeHeader {
        if (operation == null || timestamp == null) {
            throw new IllegalArgumentException("ChangeHeader needs an operation and a timestamp");
        }
        streamPosition = streamPosition == null ? "" : streamPosition;
    }

    /** The header of every row of a full load that runs at {@code loadTime}. */
    public static ChangeHeader fullLoad(Instant loadTime) {
        return new ChangeHeader(Operation.FULL_LOAD, loadTime, "", 0);
    }
}
