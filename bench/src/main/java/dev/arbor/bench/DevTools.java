package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.examples.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The development tools of a source checkout, outside the released artifacts: {@code arbor bench}
 * (the JMH benchmarks and the soak run) and {@code arbor demo} (the raw-API example). The
 * {@code arbor} script sends those two commands here.
 */
@Command(name = "arbor", mixinStandardHelpOptions = true, version = "arbor 0.1.0",
        description = "Arbor's development tools (a source checkout only).",
        subcommands = {BenchCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
@Internal
public final class DevTools implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new DevTools());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
