package dev.ferry.core.task;

/**
 * Receives task progress: after each table state change, each committed CDC batch, and at the end.
 * Called from task threads; implementations must be quick and thread-safe, must not throw, and
 * must not call {@link FerryTask#stop()} or {@link FerryTask#close()} (they wait for those threads).
 */
@FunctionalInterface
public interface TaskListener {

    void onStatus(TaskStatus status);

    TaskListener NONE = status -> { };
}
