package dev.ferry.core.task;

/** A task's status, named as DMS shows it. */
public enum TaskState {
    READY("Ready"),
    STARTING("Starting"),
    RUNNING("Running"),
    LOAD_COMPLETE("Load complete"),
    STOPPING("Stopping"),
    STOPPED("Stopped"),
    FAILED("Failed");

    private final String label;

    TaskState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean finished() {
        return this == LOAD_COMPLETE || this == STOPPED || this == FAILED;
    }

    @Override
    public String toString() {
        return label;
    }
}
