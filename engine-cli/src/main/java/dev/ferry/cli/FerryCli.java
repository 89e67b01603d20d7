package dev.ferry.cli;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.FerryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;

/** The ferry command. Errors print as one line per problem; stack traces only with --verbose. */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "ferry 0.1.0",
        description = "Full load and CDC into PostgreSQL, driven by DMS table mappings and task settings.",
        subcommands = {RunCommand.class, AssessCommand.class, PrepareSourceCommand.class, DropCommand.class, DemoCommand.class,
                BenchCommand.class, ImportDmsCommand.class})
public final class FerryCli {

    @CommandLine.Option(names = {"-v", "--verbose"}, description = "Log what happens and show stack traces.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
        configureLogging(verbose);
        CommandLine cl = new CommandLine(new FerryCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("ferry: " + (ex instanceof ConfigurationException ? "" : "error: ") + FerryException.describe(ex));
            if (verbose) {
                ex.printStackTrace(err);
            } else if (!(ex instanceof FerryException)) {
                err.println("ferry: (run with --verbose for details)");
            }
            err.flush();
            return ex instanceof ConfigurationException ? 2 : 1;
        });
        return cl.execute(args);
    }

    /** Quiet by default (the CLI prints progress itself); --verbose shows Ferry's log and warnings of the libraries. */
    static void configureLogging(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.dev.ferry", "info");
        } else {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
            System.setProperty("org.slf4j.simpleLogger.log.dev.ferry", "warn");
            // the CLI reports a failed task itself, once
            System.setProperty("org.slf4j.simpleLogger.log.dev.ferry.core.task.FerryTask", "off");
        }
    }
}
