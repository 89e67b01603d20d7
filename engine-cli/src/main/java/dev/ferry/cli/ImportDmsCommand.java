package dev.ferry.cli;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.FerryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code ferry import-dms TASKS.json [--endpoints ENDPOINTS.json] [--out DIR]}: writes one Ferry task
 * file (with its mapping and settings files) per DMS replication task, then prints what it wrote and
 * everything it could not carry over. Nothing is written when any file exists already (unless
 * {@code --force}) or when an input is bad. Exits 0 when every task file can run as written,
 * {@link #INCOMPLETE} when one needs editing first (the lines marked {@code !}).
 */
@Command(name = "import-dms", description = {
        "Turn DMS replication tasks into Ferry task files: the output of 'aws dms describe-replication-tasks' "
                + "(with 'aws dms describe-endpoints' output as --endpoints), or of 'terraform show -json' "
                + "(aws_dms_replication_task and aws_dms_endpoint resources, in any module).",
        "Writes TASK.yaml, TASK-mappings.json and TASK-settings.json per task; passwords are never copied: the task file "
                + "names an environment variable (passwordEnv). Prints everything not carried over; exits 3 when a task "
                + "file needs editing before 'ferry run'."})
final class ImportDmsCommand implements Callable<Integer> {
    static final int INCOMPLETE = 3;

    @Parameters(index = "0", paramLabel = "TASKS.json",
            description = "Output of 'aws dms describe-replication-tasks' or of 'terraform show -json'.")
    Path tasksFile;

    @Option(names = "--endpoints", paramLabel = "ENDPOINTS.json",
            description = "Output of 'aws dms describe-endpoints' (or 'terraform show -json') describing the tasks' endpoints.")
    Path endpointsFile;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the files (default: the current directory).")
    Path out = Path.of(".");

    @Option(names = "--task", paramLabel = "ID", description = "Import only this replication task (its identifier).")
    String only;

    @Option(names = "--force", description = "Overwrite files that exist already.")
    boolean force;

    @Override
    public Integer call() {
        PrintStream o = System.out;
        DmsInput input = DmsInput.read(tasksFile, endpointsFile);
        List<DmsInput.Task> tasks = select(input.tasks);
        String endpointsOrigin = endpointsFile != null ? endpointsFile.toString() : tasksFile.toString();
        refuseExisting(tasks);
        List<DmsImport.Imported> imported = new ArrayList<>();
        for (DmsInput.Task t : tasks) {
            imported.add(DmsImport.convert(t, input.endpoints, endpointsOrigin));
        }
        write(files(imported));

        o.printf("ferry: imported %d DMS task%s from %s (%s)%s into %s%n", imported.size(), imported.size() == 1 ? "" : "s",
                tasksFile, input.format.label, endpointsFile == null ? "" : ", endpoints from " + endpointsFile,
                out.toAbsolutePath().normalize());
        int incomplete = 0;
        Map<String, String> variables = new LinkedHashMap<>();
        for (DmsImport.Imported i : imported) {
            o.printf("%ntask %s: %s%n", i.id(), i.description());
            o.printf("  wrote %s, %s%s%n", i.yamlFile(), i.mappingsFile(), i.settings() == null ? "" : ", " + i.settingsFile());
            variables.putAll(i.passwordVariables());
            if (i.notes().isEmpty()) {
                o.println("  everything carried over");
            } else {
                o.println("  not carried over (! = edit the task file before 'ferry run'):");
                for (DmsImport.Note n : i.notes()) {
                    o.printf("  %s %s%n", n.blocking() ? "!" : "-", n.text());
                }
            }
            if (!i.runnable()) {
                incomplete++;
            }
        }
        o.println();
        o.println("passwords are not copied; set before 'ferry run':");
        for (Map.Entry<String, String> v : variables.entrySet()) {
            o.printf("  %s  (%s)%n", v.getKey(), v.getValue());
        }
        if (incomplete > 0) {
            o.printf("ferry: %d of %d task file%s need%s editing before it runs (the lines marked !)%n", incomplete,
                    imported.size(), imported.size() == 1 ? "" : "s", incomplete == 1 ? "s" : "");
            return INCOMPLETE;
        }
        for (DmsImport.Imported i : imported) {
            o.printf("ferry: ready: ferry run %s%n", out.resolve(i.yamlFile()));
        }
        return 0;
    }

    private List<DmsInput.Task> select(List<DmsInput.Task> all) {
        Set<String> seen = new HashSet<>();
        for (DmsInput.Task t : all) {
            if (!seen.add(t.id())) {
                throw new ConfigurationException(tasksFile + ": two replication tasks are named " + t.id()
                        + " (the second at " + t.where() + "); import one with --task after splitting the file");
            }
        }
        if (only == null) {
            return all;
        }
        List<DmsInput.Task> one = all.stream().filter(t -> t.id().equals(only)).toList();
        if (one.isEmpty()) {
            throw new ConfigurationException(tasksFile + ": no replication task '" + only + "' (tasks: "
                    + String.join(", ", all.stream().map(DmsInput.Task::id).toList()) + ")");
        }
        return one;
    }

    private Map<Path, String> files(List<DmsImport.Imported> imported) {
        Map<Path, String> files = new LinkedHashMap<>();
        for (DmsImport.Imported i : imported) {
            files.put(out.resolve(i.yamlFile()), i.yaml());
            files.put(out.resolve(i.mappingsFile()), i.mappings());
            if (i.settings() != null) {
                files.put(out.resolve(i.settingsFile()), i.settings());
            }
        }
        return files;
    }

    /** All or nothing as far as existing files go: every one is checked before anything is read further or written. */
    private void refuseExisting(List<DmsInput.Task> tasks) {
        if (force) {
            return;
        }
        List<String> existing = new ArrayList<>();
        for (DmsInput.Task t : tasks) {
            for (String name : List.of(t.id() + ".yaml", t.id() + "-mappings.json", t.id() + "-settings.json")) {
                if (Files.exists(out.resolve(name)) && (t.settings() != null || !name.endsWith("-settings.json"))) {
                    existing.add(out.resolve(name).toString());
                }
            }
        }
        if (!existing.isEmpty()) {
            throw new ConfigurationException((existing.size() == 1 ? existing.get(0) + " exists" : String.join(", ", existing)
                    + " exist") + " already; nothing was written (--force overwrites)");
        }
    }

    private void write(Map<Path, String> files) {
        try {
            Files.createDirectories(out);
            for (Map.Entry<Path, String> f : files.entrySet()) {
                Files.writeString(f.getKey(), f.getValue());
            }
        } catch (IOException e) {
            throw new FerryException("cannot write into " + out + ": " + e.getMessage(), e);
        }
    }
}
