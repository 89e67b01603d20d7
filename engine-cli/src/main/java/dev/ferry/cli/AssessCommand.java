package dev.ferry.cli;

import dev.ferry.core.Ferry;
import dev.ferry.core.spi.Assessment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ferry assess TASK.yaml}: the premigration assessment of the task's source, as a table of
 * pass / warn / fail with the fix for each. Exit code 0 without failures, 3 with failures, 1 when
 * the source could not be assessed, 2 for a bad task file.
 */
@Command(name = "assess", description = "Check the task's source before anything moves: capture settings, permissions, keys, types.")
final class AssessCommand implements Callable<Integer> {

    static final int FAILURES = 3;

    @Parameters(index = "0", paramLabel = "TASK.yaml", description = "The task file.")
    Path taskFile;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        TaskFile tf = TaskFile.load(taskFile);
        out.printf("ferry: assessing %s for task %s (%s)%n", RunCommand.describe(tf.source()), tf.name(), tf.migrationType());
        Assessment a = Ferry.assess(tf.source(), tf.mappings(), tf.migrationType());
        out.print(render(a));
        out.printf("ferry: %d pass, %d warn, %d fail%n", a.count(Assessment.Status.PASS), a.count(Assessment.Status.WARN),
                a.count(Assessment.Status.FAIL));
        return a.worst() == Assessment.Status.FAIL ? FAILURES : 0;
    }

    /** The findings as an aligned table; details and fixes of warnings and failures on their own lines. */
    static String render(Assessment a) {
        int subject = "SUBJECT".length();
        int check = "CHECK".length();
        for (Assessment.Finding f : a.findings()) {
            subject = Math.max(subject, f.subject().length());
            check = Math.max(check, f.check().length());
        }
        String row = "%-6s %-" + subject + "s  %-" + check + "s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, row, "STATUS", "SUBJECT", "CHECK", "DETAIL"));
        String indent = " ".repeat(6 + 1 + subject + 2 + check + 2);
        for (Assessment.Finding f : a.findings()) {
            sb.append(String.format(Locale.ROOT, row, f.status(), f.subject(), f.check(), f.detail()));
            if (!f.fix().isEmpty()) {
                sb.append(indent).append("fix: ").append(f.fix()).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }
}
