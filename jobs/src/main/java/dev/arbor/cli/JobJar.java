package dev.arbor.cli;

import dev.arbor.annotation.PublicApi;
import java.util.Arrays;
import java.util.Set;

/**
 * The entry point of the job jar under {@code flink run}: {@code flink run arbor-jobs-flink.jar
 * [generate|eval] [options]} runs that command (generate when none is named) with the same options
 * as the {@code arbor} command, in the Flink client's JVM, without exiting it.
 */
@PublicApi
public final class JobJar {
    private static final Set<String> JOBS = Set.of("generate", "eval");

    private JobJar() {}

    public static void main(String[] args) {
        if (args.length > 0 && JOBS.contains(args[0])) {
            ArborCli.runEmbedded(args[0], Arrays.copyOfRange(args, 1, args.length));
        } else {
            ArborCli.runEmbedded("generate", args);
        }
    }
}
