package dev.ferry.core.settings;

import dev.ferry.core.ConfigurationException;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * When a task's CDC stops by itself: DMS's task parameter {@code CdcStopPosition},
 * {@code server_time:2018-02-09T12:12:12} or {@code commit_time:2018-02-09T12:12:12} (UTC).
 * Either way no change committed after {@link #at} is applied, and the task ends STOPPED with its
 * checkpoint at the last change it applied, so that a start without the stop position goes on from
 * there. They differ in what ends the task:
 * <ul>
 * <li>{@link Mode#COMMIT_TIME}: the change stream shows a change committed after {@code at}. On a
 * source where nothing changes after {@code at}, the task waits for the next change.</li>
 * <li>{@link Mode#SERVER_TIME}: the clock passes {@code at}. Once Ferry's clock has passed it, the
 * task asks the source for a sync point (the source server's "now") and stops when everything
 * committed before it is applied, or when a change committed after {@code at} shows up first.</li>
 * </ul>
 *
 * @param mode which clock ends the task
 * @param at   the stop point
 */
public record CdcStop(Mode mode, Instant at) {

    public enum Mode {
        SERVER_TIME("server_time"), COMMIT_TIME("commit_time");

        private final String prefix;

        Mode(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    public CdcStop {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(at, "at");
    }

    /**
     * Reads {@code server_time:...} or {@code commit_time:...}; null for null or blank.
     *
     * @throws ConfigurationException naming CdcStopPosition and the two accepted forms
     */
    public static CdcStop parse(String cdcStopPosition) {
        if (cdcStopPosition == null || cdcStopPosition.isBlank()) {
            return null;
        }
        String v = cdcStopPosition.strip();
        int colon = v.indexOf(':');
        String prefix = colon < 0 ? "" : v.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        for (Mode m : Mode.values()) {
            if (m.prefix.equals(prefix)) {
                return new CdcStop(m, CdcTimes.parse("CdcStopPosition", v.substring(colon + 1).strip(), false));
            }
        }
        throw new ConfigurationException("CdcStopPosition '" + v + "' must be server_time:YYYY-MM-DDThh:mm:ss or "
                + "commit_time:YYYY-MM-DDThh:mm:ss (UTC), as in DMS");
    }

    /** DMS's text form: {@code commit_time:2018-02-09T12:12:12Z}. */
    public String describe() {
        return mode.prefix + ":" + at;
    }

    /** Whether a change committed at {@code commitMillis} (epoch milliseconds) lies after the stop point. */
    public boolean after(long commitMillis) {
        return commitMillis > at.toEpochMilli();
    }
}
