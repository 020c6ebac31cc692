package dev.arbor.jobs.generate;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.TreeSearch;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.jobs.config.ModelChoice;
import dev.arbor.jobs.io.AvroJson;
import dev.arbor.jobs.io.InputFiles;
import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.OutputFormat;
import dev.arbor.jobs.io.OutputLock;
import dev.arbor.jobs.io.OutputLayout;
import dev.arbor.jobs.io.RejectedRecord;
import dev.arbor.jobs.io.Sinks;
import dev.arbor.jobs.io.Sources;
import dev.arbor.jobs.kafka.KafkaResultSink;
import dev.arbor.jobs.kafka.KafkaSettings;
import dev.arbor.jobs.records.PromptLineParser;
import dev.arbor.jobs.records.RequestAdmission;
import dev.arbor.jobs.records.ResultRouter;
import dev.arbor.jobs.run.Environments;
import dev.arbor.jobs.run.JobInput;
import dev.arbor.jobs.run.JobRunner;
import dev.arbor.jobs.run.JobSetup;
import dev.arbor.jobs.run.LiveTokens;
import dev.arbor.jobs.run.ProgressReporter;
import dev.arbor.jobs.run.PromptEnd;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The bounded dataset-generation job: prompt records from JSONL or Avro files, a tree search per
 * record, results to Avro and/or JSONL files (Flink FileSinks, exactly once), rejected records with
 * file, line and reason, and optionally preference pairs.
 *
 * <pre>
 * files -> RequestAdmission -> TreeSearch -> ResultRouter -> results (avro/, jsonl/) -> pairs/
 *              \ invalid ------------------------\ search errors -> rejected/
 * </pre>
 *
 * <p>Under {@code flink run} the job jar's entry point ({@link dev.arbor.cli.JobJar}) runs it with
 * the same arguments as {@code arbor generate}.
 */
@Internal
public final class GenerateJob {
    /** Entries of the output directory. */
    public static final String AVRO = "avro";
    public static final String JSONL = "jsonl";
    public static final String REJECTED = "rejected";
    public static final String PAIRS = "pairs";
    public static final String SUMMARY = "summary.json";
    /** Prefix of the result part files. */
    static final String RESULTS = "results";

    private GenerateJob() {}

    /**
     * Everything checked and resolved on the client before submission.
     *
     * @param input the input, counted
     * @param output the output directory, prepared
     * @param arbor the operator's configuration, model resolved
     * @param kafka the topic that also receives the results, when {@code kafka.bootstrap} is set
     * @param lock the output directory held for this run: close it when the job has ended
     */
    public record Plan(Configuration config, JobInput input, OutputLayout output, List<OutputFormat> formats,
            boolean pairs, ArborConfig arbor, ModelChoice model, Optional<KafkaSettings> kafka, OutputLock lock) {
        public String jobName() {
            return JobSetup.jobName(config, "arbor-generate");
        }
    }

    /**
     * Validates and prepares a run: input readable and counted, model and settings checked, then the
     * output locked for this run and made ready. Every check comes before the output is touched: a
     * refused run never deletes an earlier run's files, not even with {@code output.overwrite}.
     */
    public static Plan prepare(Configuration config, boolean local) {
        JobInput input = JobInput.bounded(config);
        Optional<KafkaSettings> kafka = kafka(config);
        boolean pairs = config.get(JobOptions.OUTPUT_PREFERENCE_PAIRS);
        List<OutputFormat> formats = config.get(JobOptions.OUTPUT_FORMATS);
        // Pairs are built from the ranked candidates.
        JobSetup.Operator operator = JobSetup.operator(config, local,
                builder -> pairs ? builder.set(ArborOptions.RETURN_CANDIDATES, true) : builder);
        OutputLayout output = new OutputLayout(JobSetup.outputRoot(config), List.of(
                OutputLayout.Entry.parts(AVRO, RESULTS, ".avro"), OutputLayout.Entry.parts(JSONL, RESULTS, ".jsonl"),
                OutputLayout.Entry.parts(REJECTED, REJECTED, ".jsonl"),
                OutputLayout.Entry.parts(PAIRS, PAIRS, ".jsonl"), OutputLayout.Entry.file(SUMMARY)));
        JobSetup.checkOutputOutsideInput(input, output.root());
        OutputLock lock = JobSetup.lock(output, "arbor generate");
        try {
            output.prepare(config.get(JobOptions.OUTPUT_OVERWRITE));
            output.createDirectories(directories(formats, pairs));
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e instanceof IOException ? new ConfigException(e.getMessage(), e) : (RuntimeException) e;
        }
        return new Plan(config, input, output, formats, pairs, operator.arbor(), operator.model(), kafka, lock);
    }

    private static Optional<KafkaSettings> kafka(Configuration config) {
        if (!KafkaSettings.enabled(config)) {
            return Optional.empty();
        }
        if (config.get(JobOptions.CHECKPOINT_INTERVAL).isZero()) {
            throw new ConfigException("invalid configuration: job.checkpoint-interval must be positive to send "
                    + "results to Kafka (they are committed at checkpoints)");
        }
        KafkaSettings settings = KafkaSettings.forGenerate(config);
        KafkaResultSink.check(settings); // before anything of an earlier run is touched
        return Optional.of(settings);
    }

    private static List<String> directories(List<OutputFormat> formats, boolean pairs) {
        List<String> directories = new java.util.ArrayList<>(List.of(REJECTED));
        if (formats.contains(OutputFormat.AVRO)) {
            directories.add(AVRO);
        }
        if (formats.contains(OutputFormat.JSONL)) {
            directories.add(JSONL);
        }
        if (pairs) {
            directories.add(PAIRS);
        }
        return directories;
    }

    /** Adds the job to {@code env}. */
    public static void build(StreamExecutionEnvironment env, Plan plan) {
        DataStream<InputRecord> records = Sources.files(env, plan.input().path(), plan.input().format());
        SingleOutputStreamOperator<PromptRequest> requests = records
                .process(new RequestAdmission(PromptLineParser.Mode.GENERATE))
                .returns(new AvroTypeInfo<>(PromptRequest.class)).name("Parse records").uid("parse-records");
        TreeSearch.Results searched = TreeSearch.with(plan.arbor()).uid("tree-search").apply(requests);
        SingleOutputStreamOperator<SearchResult> results = searched.all().process(new ResultRouter())
                .returns(new AvroTypeInfo<>(SearchResult.class)).name("Route results").uid("route-results");

        OutputLayout out = plan.output();
        if (plan.formats().contains(OutputFormat.AVRO)) {
            results.sinkTo(Sinks.avroResults(out.resolve(AVRO), RESULTS)).name("Write Avro results").uid("avro");
        }
        if (plan.formats().contains(OutputFormat.JSONL)) {
            results.sinkTo(Sinks.jsonLines(out.resolve(JSONL), RESULTS, JsonLines.encoder(AvroJson::toJson)))
                    .name("Write JSONL results").uid("jsonl");
        }
        plan.kafka().ifPresent(kafka -> KafkaResultSink.attachChecked(results, kafka));
        if (plan.pairs()) {
            results.flatMap(new PreferencePairs()).name("Preference pairs").uid("pairs")
                    .sinkTo(Sinks.jsonLines(out.resolve(PAIRS), PAIRS, JsonLines.encoder()))
                    .name("Write preference pairs").uid("pairs-sink");
        }
        requests.getSideOutput(RequestAdmission.REJECTED).union(results.getSideOutput(ResultRouter.REJECTED))
                .sinkTo(Sinks.jsonLines(out.resolve(REJECTED), REJECTED, JsonLines.encoder(RejectedRecord::fileRow)))
                .name("Write rejected records").uid("rejected");
    }

    /**
     * Prepares, runs to the end (progress on {@code progress}) and summarizes a generate job.
     *
     * @return the summary, or null when the job was submitted detached
     */
    public static GenerateSummary run(Configuration config, PrintStream progress) throws Exception {
        StreamExecutionEnvironment env = Environments.create(config);
        Plan plan = prepare(config, Environments.isLocal(env));
        try (OutputLock held = plan.lock()) {
            return run(env, plan, progress);
        }
    }

    private static GenerateSummary run(StreamExecutionEnvironment env, Plan plan, PrintStream progress)
            throws Exception {
        Configuration config = plan.config();
        long total = plan.input().total();
        progress.println("arbor generate: " + (total >= 0 ? total + " records" : "records") + " from "
                + InputFiles.consoleName(plan.input().path()) + " (" + plan.input().format() + ")");
        progress.println("  model " + plan.model().describe());
        for (String damage : plan.input().damage()) {
            progress.println("  WARNING " + damage + " (what can be read is; the rest goes to rejected/ as "
                    + RejectedRecord.DAMAGED + ")");
        }
        plan.kafka().ifPresent(kafka -> progress.println("  results also to Kafka topic " + kafka.outputTopic()
                + " at " + kafka.bootstrap()));
        build(env, plan);
        ProgressReporter reporter = new ProgressReporter(progress, "generate", plan.input().total(),
                ProgressReporter.isTerminal(), LiveTokens::total, (long) plan.arbor().get(ArborOptions.WIDTH)
                        * plan.arbor().get(ArborOptions.MAX_NEW_TOKENS));
        long start = System.nanoTime();
        JobExecutionResult result = JobRunner.run(env, plan.jobName(), config.get(JobOptions.PROGRESS_INTERVAL),
                reporter, JobRunner.OnExit.cancel().releasing(plan.lock()),
                new PromptEnd(total, Environments.restEndpoint(env, config)));
        if (result == null) {
            return null;
        }
        GenerateSummary summary = GenerateSummary.of(plan, result.getAllAccumulatorResults(),
                Duration.ofNanos(System.nanoTime() - start));
        summary.write();
        return summary;
    }
}
