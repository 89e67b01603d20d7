package dev.ferry.core.spi;

import dev.ferry.core.model.TableId;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a target remembers of a task, committed atomically with the data it covers.
 *
 * @param phase        how far the task got
 * @param position     the serialised source position from which CDC resumes; null for a full-load-only task
 * @param loadedTables the tables whose full load completed and whose changes are applied up to
 *                     {@code position}: a table selected later is not in it and gets its own load on
 *                     resume, a table no longer selected leaves it with the first batch committed
 *                     without it. Sorted and unmodifiable; null when unknown (a checkpoint written by
 *                     a Ferry version that did not record it)
 */
public record Checkpoint(Phase phase, String position, Set<TableId> loadedTables) {

    public Checkpoint {
        if (phase == null) {
            throw new IllegalArgumentException("Checkpoint.phase must not be null");
        }
        if (loadedTables != null) {
            loadedTables = Collections.unmodifiableSet(new TreeSet<>(loadedTables));
        }
    }

    /** A checkpoint that does not say which tables are loaded. */
    public Checkpoint(Phase phase, String position) {
        this(phase, position, null);
    }

    public enum Phase {
        /** The CDC start was recorded and the full load is under way: a restart reloads. */
        FULL_LOAD,
        /** The full load finished and CDC runs from {@code position}. */
        CDC,
        /** A full-load-only task finished. */
        LOAD_COMPLETE
    }
}
