package dev.ferry.core.spi;

/**
 * Applies CDC batches. Confined to the task's CDC thread.
 */
public interface ChangeApplier extends AutoCloseable {

    /**
     * Applies the net changes of every table in {@code batch} and stores {@code checkpoint} (all of
     * its fields, the loaded tables too), all in one target transaction: after a crash either all
     * of it is there or none of it.
     * Applying is idempotent (upserts and deletes by key) so that replayed changes converge.
     */
    void apply(ChangeBatch batch, Checkpoint checkpoint);

    @Override
    void close();
}
