package dev.ferry.cli;

import dev.ferry.core.Ferry;
import dev.ferry.core.FerryException;
import dev.ferry.core.task.FerryTask;
import dev.ferry.core.task.TaskState;
import dev.ferry.core.task.TaskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code ferry run TASK.yaml}: runs a task until it ends (full load) or until Ctrl-C (CDC). */
@Command(name = "run", description = "Run a task file: full load, then CDC until Ctrl-C.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TASK.yaml", description = "The task file.")
    Path taskFile;

    @Option(names = "--reload", description = "Forget the task's checkpoint and start again with a full load.")
    boolean reload;

    @Option(names = "--progress-seconds", defaultValue = "5", description = "Seconds between progress lines (default 5).")
    int progressSeconds;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        TaskFile tf = TaskFile.load(taskFile);
        FerryTask task = Ferry.task(tf.name()).source(tf.source()).target(tf.target()).migrationType(tf.migrationType())
                .tableMappings(tf.mappings()).settings(tf.settings()).cdcStart(tf.cdcStart()).cdcStop(tf.cdcStop())
                .reload(reload).build();
        out.printf("ferry: task %s (%s): %s -> %s%n", tf.name(), tf.migrationType(), describe(tf.source()), describe(tf.target()));
        AtomicBoolean reported = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            try {
                out.println("ferry: stopping (the batch in flight is committed first)...");
                task.stop();
                report(task.status(), out, reported);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                task.close();
            }
        }, "ferry-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Progress progress = new Progress(task, out, progressSeconds * 1000L)) {
            task.start();
            while (!task.awaitFinished(Duration.ofSeconds(1))) {
                // runs until the task ends or Ctrl-C stops it
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook stops the task and reports; the JVM ends when it is done
            hook.join();
            return 0;
        }
        task.close();
        TaskStatus status = task.status();
        report(status, out, reported);
        if (status.state() == TaskState.FAILED) {
            throw new FerryException("task " + tf.name() + " failed: " + status.error());
        }
        return 0;
    }

    private static void report(TaskStatus status, PrintStream out, AtomicBoolean reported) {
        if (reported.compareAndSet(false, true)) {
            if (!status.tables().isEmpty()) {
                out.println();
                out.print(StatsTable.render(status, null, null));
            }
            if (status.state() != TaskState.FAILED) { // a failure is reported on stderr, once
                out.printf("ferry: task %s %s%n", status.taskName(), status.state().label().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    /** {@code postgres host:5432/db}: an endpoint for messages, without any secret. */
    static String describe(dev.ferry.core.spi.EndpointConfig c) {
        String port = c.get("port", "sqlserver".equals(c.type()) ? "1433" : "5432");
        String where = c.get("url") != null ? c.get("url") : c.get("host") + ":" + port + "/" + c.get("database");
        return c.type() + " " + where;
    }
}
