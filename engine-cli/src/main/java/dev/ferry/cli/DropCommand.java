package dev.ferry.cli;

import dev.ferry.core.Ferry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ferry drop TASK.yaml}: removes what a task keeps on its source for change capture and its
 * checkpoint on the target, then says what it removed. The target's tables stay.
 */
@Command(name = "drop", description = {
        "Remove a task for good: its change capture on the source (PostgreSQL: its replication slot, which keeps WAL, "
                + "and its publication; SQL Server: its row in dbo.ferry_sync_marker) and its checkpoint on the target.",
        "The target's tables and their rows stay. Refused while the task runs. The next 'ferry run' of the task starts "
                + "with a full load."})
final class DropCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TASK.yaml", description = "The task file.")
    Path taskFile;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        TaskFile tf = TaskFile.load(taskFile);
        Ferry.Dropped dropped = Ferry.drop(tf.name(), tf.source(), tf.target(), tf.settings());
        if (dropped.nothing()) {
            out.printf("ferry: task %s kept nothing to drop on %s or on %s%n", tf.name(), RunCommand.describe(tf.source()),
                    RunCommand.describe(tf.target()));
            return 0;
        }
        out.printf("ferry: dropped task %s%n", tf.name());
        print(out, RunCommand.describe(tf.source()), dropped.source());
        print(out, RunCommand.describe(tf.target()), dropped.target());
        out.println("  the target's tables and their rows are left as they are; the next 'ferry run' of this task starts "
                + "with a full load");
        return 0;
    }

    private static void print(PrintStream out, String endpoint, List<String> removed) {
        out.printf("  %s: %s%n", endpoint, removed.isEmpty() ? "nothing to remove" : String.join(", ", removed));
    }
}
