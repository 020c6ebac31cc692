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
                "With --kafka-bootstrap HOST:PORT: items from a Kafka topic; scores, aggregates and dead letters to "
                        + "topics, exactly once (arbor kafka-dev starts a local broker to try it).",
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

    @Option(names = "--input-topic", paramLabel = "TOPIC", description = "kafka.input-topic (with --kafka-bootstrap)")
    String inputTopic;

    @Option(names = "--aggregates-topic", paramLabel = "TOPIC", description = "kafka.aggregates-topic")
    String aggregatesTopic;

    @Option(names = "--group-id", paramLabel = "GROUP", description = "kafka.group-id: the input's consumer group")
    String groupId;

    @Option(names = "--starting-offsets", paramLabel = "COMMITTED|EARLIEST|LATEST",
            description = "kafka.starting-offsets: where a fresh start reads the input topic from")
    String startingOffsets;

    @Override
    public Integer call() throws Exception {
        flags.setIfGiven("eval.window", window);
        flags.setIfGiven("eval.metric", metric);
        flags.setIfGiven("eval.regex", regex);
        flags.setIfGiven("kafka.input-topic", inputTopic);
        flags.setIfGiven("kafka.aggregates-topic", aggregatesTopic);
        flags.setIfGiven("kafka.group-id", groupId);
        flags.setIfGiven("kafka.starting-offsets", startingOffsets);
        EvalJob.run(flags.load("eval.yaml"), System.err);
        return ExitCode.SUCCESS.code();
    }
}
