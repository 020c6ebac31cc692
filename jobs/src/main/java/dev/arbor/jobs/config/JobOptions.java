package dev.arbor.jobs.config;

import dev.arbor.annotation.PublicApi;
import dev.arbor.flink.ArborOptions;
import dev.arbor.jobs.io.OutputFormat;
import dev.arbor.jobs.io.RecordFormat;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The settings of Arbor's jobs that are not the operator's ({@link ArborOptions}):
 * where records come from and go to, how the job runs, and how evaluation scores. In YAML files they
 * are the sections {@code input:}, {@code output:}, {@code job:} and {@code eval:}; as keys they are
 * {@code arbor.<section>.<name>}, like the operator's options.
 */
@PublicApi
public final class JobOptions {
    private JobOptions() {}

    /** What makes an evaluation item count as correct in the accuracy. */
    public enum Metric {
        /** The generated text equals the reference, both trimmed. */
        EXACT,
        /** The generated text contains the (trimmed) reference. */
        CONTAINS,
        /** The item's (or eval.regex's) regular expression is found in the generated text. */
        REGEX
    }

    public static final ConfigOption<String> INPUT_PATH = ConfigOptions.key("arbor.input.path").stringType()
            .noDefaultValue().withDescription("Input file or directory (generate), or the directory to watch "
                    + "(eval). Directories are read recursively; hidden files (. or _) are skipped.");

    public static final ConfigOption<RecordFormat> INPUT_FORMAT = ConfigOptions.key("arbor.input.format")
            .enumType(RecordFormat.class).defaultValue(RecordFormat.AUTO)
            .withDescription("AUTO, JSONL or AVRO. In a directory, JSONL reads *.jsonl, *.json and *.ndjson "
                    + "files, AVRO reads *.avro files.");

    public static final ConfigOption<Duration> INPUT_MONITOR_INTERVAL = ConfigOptions
            .key("arbor.input.monitor-interval").durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("eval: how often the watched directory is listed for new files.");

    public static final ConfigOption<Duration> INPUT_SETTLE_TIME = ConfigOptions.key("arbor.input.settle-time")
            .durationType().defaultValue(Duration.ofSeconds(3))
            .withDescription("eval: a file in the watched directory is read when its size and modification time "
                    + "have not changed for this long, so that a file still being written is never read in part. "
                    + "Files moved in whole (written elsewhere, then renamed into the directory) are complete "
                    + "from the start. Each content is read once: a file of a name already read is read again when "
                    + "its content differs.");

    public static final ConfigOption<String> OUTPUT_PATH = ConfigOptions.key("arbor.output.path").stringType()
            .noDefaultValue().withDescription("Output directory; the job writes sub-directories into it.");

    public static final ConfigOption<List<OutputFormat>> OUTPUT_FORMATS = ConfigOptions
            .key("arbor.output.formats").enumType(OutputFormat.class).asList()
            .defaultValues(OutputFormat.AVRO, OutputFormat.JSONL)
            .withDescription("generate: result formats, any of AVRO and JSONL.");

    public static final ConfigOption<Boolean> OUTPUT_PREFERENCE_PAIRS = ConfigOptions
            .key("arbor.output.preference-pairs").booleanType().defaultValue(false)
            .withDescription("generate: also write preference pairs (chosen = winner, rejected = each loser); "
                    + "turns arbor.search.return-candidates on.");

    public static final ConfigOption<Boolean> OUTPUT_OVERWRITE = ConfigOptions.key("arbor.output.overwrite")
            .booleanType().defaultValue(false)
            .withDescription("Replace the outputs of an earlier run in the output directory (only files Arbor "
                    + "wrote are deleted; others stay); otherwise such a directory is an error. eval: without it, "
                    + "a run resumes where the earlier one stopped.");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("arbor.job.parallelism").intType()
            .defaultValue(1).withDescription("Parallel subtasks; each holds one llama.cpp context.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions
            .key("arbor.job.checkpoint-interval").durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval: results are committed to the output files at each "
                    + "checkpoint (and at the end of a bounded job). 0 turns checkpoints off (generate only).");

    public static final ConfigOption<Integer> RESTART_ATTEMPTS = ConfigOptions.key("arbor.job.restart-attempts")
            .intType().defaultValue(3).withDescription("Restarts after a failure before the job fails.");

    public static final ConfigOption<String> CLUSTER = ConfigOptions.key("arbor.job.cluster").stringType()
            .noDefaultValue().withDescription("host:port of a Flink cluster's REST endpoint; unset runs the job "
                    + "on an in-process MiniCluster (or on the cluster of `flink run`).");

    public static final ConfigOption<String> JAR = ConfigOptions.key("arbor.job.jar").stringType()
            .noDefaultValue().withDescription("Job jar shipped to a remote cluster (--cluster); default: "
                    + "arbor-jobs-flink.jar next to the CLI's jar.");

    public static final ConfigOption<SyntheticArchitecture> SYNTHETIC_MODEL = ConfigOptions
            .key("arbor.model.synthetic").enumType(SyntheticArchitecture.class).defaultValue(SyntheticArchitecture.LLAMA)
            .withDescription("The synthetic model used when model.path is empty: LLAMA (SentencePiece vocabulary, no "
                    + "chat template), QWEN3 (byte-level BPE, a ChatML chat template), or one of the other memory kinds "
                    + "of arbor synth-model --arch (QWEN3MOE, GEMMA3, QWEN35, LFM2, MAMBA2). Random weights: random "
                    + "text.");

    public static final ConfigOption<String> NAME = ConfigOptions.key("arbor.job.name").stringType()
            .noDefaultValue().withDescription("Flink job name; default arbor-generate / arbor-eval.");

    public static final ConfigOption<Duration> PROGRESS_INTERVAL = ConfigOptions
            .key("arbor.job.progress-interval").durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("How often the progress line is refreshed.");

    public static final ConfigOption<Duration> EVAL_WINDOW = ConfigOptions.key("arbor.eval.window")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Size of the processing-time tumbling windows of the aggregates.");

    public static final ConfigOption<Metric> EVAL_METRIC = ConfigOptions.key("arbor.eval.metric")
            .enumType(Metric.class).defaultValue(Metric.EXACT)
            .withDescription("What the accuracy counts as correct: EXACT, CONTAINS or REGEX.");

    public static final ConfigOption<String> EVAL_REGEX = ConfigOptions.key("arbor.eval.regex").stringType()
            .noDefaultValue().withDescription("Regular expression searched for in every generated text, for "
                    + "items that carry no regex of their own.");

    /** Every option, for validation of configuration files and for documentation. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>(List.of(INPUT_PATH, INPUT_FORMAT, INPUT_MONITOR_INTERVAL,
                INPUT_SETTLE_TIME, OUTPUT_PATH, OUTPUT_FORMATS, OUTPUT_PREFERENCE_PAIRS, OUTPUT_OVERWRITE, PARALLELISM,
                CHECKPOINT_INTERVAL, RESTART_ATTEMPTS, CLUSTER, JAR, NAME, PROGRESS_INTERVAL, EVAL_WINDOW, EVAL_METRIC,
                EVAL_REGEX, SYNTHETIC_MODEL));
        all.addAll(KafkaOptions.all());
        return List.copyOf(all);
    }

    /** Options whose values are file paths: relative ones in a YAML file resolve against its directory. */
    public static List<String> pathKeys() {
        return List.of(ArborOptions.MODEL_PATH.key(), ArborOptions.PRM_MODEL.key(), INPUT_PATH.key(), OUTPUT_PATH.key(),
                JAR.key());
    }
}
