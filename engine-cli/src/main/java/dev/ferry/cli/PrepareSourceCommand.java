package dev.ferry.cli;

import dev.ferry.core.Ferry;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ferry prepare-source TASK.yaml --cdc | --change-tracking [--dry-run]}: enables change
 * capture on the source database and on the tables the task selects, where it is not enabled yet.
 */
@Command(name = "prepare-source", description = "Enable change capture (MS-CDC or Change Tracking) on the source for the task's tables.")
final class PrepareSourceCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TASK.yaml", description = "The task file.")
    Path taskFile;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--cdc", required = true, description = "Enable MS-CDC (sys.sp_cdc_enable_db, sys.sp_cdc_enable_table).")
        boolean cdc;

        @Option(names = "--change-tracking", required = true, description = "Enable Change Tracking (ALTER DATABASE/TABLE ... CHANGE_TRACKING).")
        boolean changeTracking;
    }

    @Option(names = "--dry-run", description = "Print the SQL without running it.")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        TaskFile tf = TaskFile.load(taskFile);
        String m = mode.cdc ? "cdc" : "change-tracking";
        List<String> statements = Ferry.prepareSource(tf.source(), tf.mappings(), m, dryRun);
        if (statements.isEmpty()) {
            out.printf("ferry: %s is already enabled on %s for every table of task %s%n", m, RunCommand.describe(tf.source()), tf.name());
            return 0;
        }
        if (dryRun) {
            out.printf("-- ferry prepare-source --%s --dry-run: nothing was run on %s%n", m, RunCommand.describe(tf.source()));
            for (String s : statements) {
                out.println(s + ";");
            }
        } else {
            for (String s : statements) {
                out.println("ran: " + s);
            }
            out.printf("ferry: %s enabled on %s for task %s%n", m, RunCommand.describe(tf.source()), tf.name());
        }
        return 0;
    }
}
