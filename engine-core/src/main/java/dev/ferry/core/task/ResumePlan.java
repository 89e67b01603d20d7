package dev.ferry.core.task;

import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a task resuming CDC does with each table, from the tables selected now and the tables its
 * checkpoint says were loaded: a table in both keeps its CDC from the checkpoint; a table selected
 * now but never loaded gets a full load of its own (as DMS loads tables added to a stopped task);
 * a table loaded before but no longer selected is dropped, its changes no longer applied.
 *
 * <p>A checkpoint without a loaded set (written by a Ferry that did not record it) is read as
 * "every table selected now was loaded": that is what those versions assumed on every resume.
 *
 * @param load        the selected tables to load, in selection order
 * @param keep        the selected tables whose CDC goes on, in selection order
 * @param dropped     the tables loaded before that are no longer selected, sorted
 * @param loadedKnown false when the checkpoint did not say which tables were loaded
 */
record ResumePlan(List<TableSchema> load, List<TableSchema> keep, Set<TableId> dropped, boolean loadedKnown) {

    ResumePlan {
        load = List.copyOf(load);
        keep = List.copyOf(keep);
        dropped = Set.copyOf(dropped);
    }

    /**
     * @param selected the tables the mappings select now
     * @param loaded   the checkpoint's loaded tables; null when it has none
     */
    static ResumePlan of(List<TableSchema> selected, Set<TableId> loaded) {
        if (loaded == null) {
            return new ResumePlan(List.of(), selected, Set.of(), false);
        }
        List<TableSchema> load = new ArrayList<>();
        List<TableSchema> keep = new ArrayList<>();
        Set<TableId> dropped = new TreeSet<>(loaded);
        for (TableSchema t : selected) {
            (loaded.contains(t.id()) ? keep : load).add(t);
            dropped.remove(t.id());
        }
        return new ResumePlan(load, keep, dropped, true);
    }

    /** The ids of the tables whose CDC goes on from the checkpoint. */
    Set<TableId> keptIds() {
        Set<TableId> ids = new LinkedHashSet<>();
        for (TableSchema t : keep) {
            ids.add(t.id());
        }
        return ids;
    }
}
