package dev.arbor.cli;

import dev.arbor.jobs.eval.EvalJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arbor eval}: the unbounded streaming-evaluation job ({@link EvalJob}). */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a stream: watch a directory for JSONL items (id, prompt, reference, optional regex "
                + "and metadata), generate, score each item and emit windowed aggregates. Runs until stopped (Ctrl-C).",
                "With no arguments: conf/eval.yaml, i.e. watches arbor-out/eval/incoming/ (copy "
                        + "conf/examples/eval/*.jsonl there), output in arbor-out/eval/."})
final class EvalCommand implements Callable<Integer> {
    @Mixin
    JobFlags flags;

    @Option(names = "--window", paramLabel = "DURATION", description = "eval.window, e.g. 30 s")
    String window;

    @Option(names = "--metric", paramLabel = "EXACT|CONTAINS|REGEX", description = "eval.metric")
    String metric;

    @Option(names = "--regex", paramLabel = "REGEX", description = "eval.regex, for items without their own")
    String regex;

    @Override
    public Integer call() throws Exception {
        if (window != null) {
            flags.set.putIfAbsent("eval.window", window);
        }
        if (metric != null) {
            flags.set.putIfAbsent("eval.metric", metric);
        }
        if (regex != null) {
            flags.set.putIfAbsent("eval.regex", regex);
        }
        EvalJob.run(flags.load("eval.yaml"), System.err);
        return ExitCode.SUCCESS.code();
    }
}
