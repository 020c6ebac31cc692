package dev.arbor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code arbor} command line: one subcommand per job or tool. Exit codes: 0 success,
 * 1 the job failed, 2 bad usage or configuration (picocli's convention).
 */
@Command(name = "arbor", mixinStandardHelpOptions = true, version = "arbor 0.1.0",
        description = "LLM tree search (beam search, best-of-n) on Apache Flink and llama.cpp.",
        subcommands = {DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class ArborCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ArborCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
