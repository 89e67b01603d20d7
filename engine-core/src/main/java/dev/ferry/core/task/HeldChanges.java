package dev.ferry.core.task;

import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The changes of tables that were added to a task in CDC, held while those tables load, so that
 * the changes of the other tables go on being applied meanwhile. Held changes come after the load's
 * start position and are not in the target; they are applied, in commit order, the moment the load
 * ends, in one transaction with the checkpoint that first lists the tables as loaded. Until then the
 * checkpoint does not list them, so a crash or stop before loses nothing: they load again.
 *
 * <p>Memory is bounded: once {@link #full()} (by changes or by estimated bytes) the task stops taking
 * changes from the stream until the load ends; the source keeps the rest.
 * Not thread-safe: the task's CDC thread only.
 */
final class HeldChanges {

    private final Set<TableId> loading;
    private final int maxChanges;
    private final long maxBytes;
    private final List<ChangeEvent> held = new ArrayList<>();
    private long bytes;

    HeldChanges(Set<TableId> loading, int maxChanges, long maxBytes) {
        this.loading = Set.copyOf(loading);
        this.maxChanges = maxChanges;
        this.maxBytes = maxBytes;
    }

    /** The tables whose changes are held. */
    Set<TableId> tables() {
        return loading;
    }

    /** True when {@code event} belongs to a loading table: it is then held, not to be applied now. */
    boolean hold(ChangeEvent event) {
        if (!loading.contains(event.table())) {
            return false;
        }
        held.add(event);
        bytes += estimate(event);
        return true;
    }

    /** True when the held changes reached the bound: take no more from the stream until the load ends. */
    boolean full() {
        return held.size() >= maxChanges || bytes >= maxBytes;
    }

    int size() {
        return held.size();
    }

    /** The held changes in commit order. */
    List<ChangeEvent> changes() {
        return held;
    }

    private static long estimate(ChangeEvent e) {
        if (e instanceof ChangeEvent.Insert i) {
            return RowSize.estimate(i.after());
        }
        if (e instanceof ChangeEvent.Update u) {
            return RowSize.estimate(u.after()) + (u.before() == null ? 0 : RowSize.estimate(u.before()));
        }
        if (e instanceof ChangeEvent.Delete d) {
            return RowSize.estimate(d.before());
        }
        return 16;
    }
}
