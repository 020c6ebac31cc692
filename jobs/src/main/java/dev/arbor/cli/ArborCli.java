package dev.arbor.cli;

import dev.arbor.annotation.PublicApi;
import dev.arbor.flink.ModelLoadException;
import dev.arbor.jobs.config.ConfigException;
import java.io.PrintWriter;
import org.apache.flink.util.SerializedThrowable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code arbor} command line: one subcommand per job or tool. Exit codes are {@link ExitCode}'s;
 * bad usage gets a one-line message (the key, file or path at fault) rather than a stack trace.
 */
@Command(name = "arbor", mixinStandardHelpOptions = true, version = "arbor 0.1.0",
        description = "LLM tree search (beam search, best-of-n) on Apache Flink and llama.cpp.",
        subcommands = {GenerateCommand.class, EvalCommand.class, KafkaDevCommand.class, SynthModelCommand.class,
                InfoCommand.class, SchemaCommand.class, GpuCheckCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "In a source checkout, './arbor bench' runs the benchmarks and './arbor demo' the raw-API example."})
@PublicApi
public final class ArborCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (for tests: execute it and look at the exit code). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ArborCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(ArborCli::handle);
        return cli;
    }

    /**
     * Runs one subcommand without exiting the JVM (the entry of the job jar under {@code flink run},
     * which must not call System.exit).
     *
     * @throws IllegalStateException when the command did not succeed
     */
    public static void runEmbedded(String command, String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        int code = commandLine().execute(all);
        if (code != 0) {
            throw new IllegalStateException("arbor " + command + " failed (exit code " + code + ")");
        }
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String command = cli.getCommandName();
        if (e instanceof ConfigException) {
            err.println("arbor " + command + ": " + e.getMessage());
            err.flush();
            return ExitCode.BAD_USAGE.code();
        }
        String modelProblem = modelLoadFailure(e);
        if (modelProblem != null) {
            // A model that can never load is a configuration error, reported once (Flink did not retry).
            err.println("arbor " + command + ": " + modelProblem + " (model.path)");
            err.flush();
            return ExitCode.BAD_USAGE.code();
        }
        err.println("arbor " + command + " failed: " + describe(e));
        if (System.getenv(STACK_TRACES) != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set " + STACK_TRACES + "=1 for the full stack trace)");
        }
        err.flush();
        return ExitCode.JOB_FAILED.code();
    }

    /**
     * The message of a {@link ModelLoadException} in {@code e}'s causes, or null. Causes that
     * crossed from a job may arrive as Flink's {@link SerializedThrowable}, so the class is told by
     * name.
     */
    static String modelLoadFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t instanceof SerializedThrowable serialized ? serialized.getOriginalErrorClassName()
                    : t.getClass().getName();
            if (ModelLoadException.class.getName().equals(type)) {
                String message = t.getMessage() == null ? "" : t.getMessage();
                // A SerializedThrowable's message starts with the original class name.
                return message.startsWith(type + ": ") ? message.substring(type.length() + 2) : message;
            }
        }
        return null;
    }

    /** Environment variable that makes failures print their stack trace. */
    static final String STACK_TRACES = "ARBOR_STACK_TRACES";

    /**
     * The error and its causes, one line each, innermost last: Flink wraps a task's failure in
     * several layers, and the useful message is usually the last.
     */
    static String describe(Throwable e) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && lines.size() < 12; t = t.getCause() == t ? null : t.getCause()) {
            String line = t.getClass().getSimpleName() + (t.getMessage() == null ? ""
                    : ": " + t.getMessage().lines().findFirst().orElse(""));
            if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(line)) {
                lines.add(line);
            }
        }
        return String.join("\n  caused by ", lines);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
