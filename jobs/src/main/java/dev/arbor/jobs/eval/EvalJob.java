package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.TreeSearch;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.config.ConfigException;
import dev.arbor.jobs.config.JobOptions;
import dev.arbor.jobs.config.ModelChoice;
import dev.arbor.jobs.io.InputFiles;
import dev.arbor.jobs.io.InputRecord;
import dev.arbor.jobs.io.JsonLines;
import dev.arbor.jobs.io.OutputLayout;
import dev.arbor.jobs.io.OutputLock;
import dev.arbor.jobs.io.RejectedRecord;
import dev.arbor.jobs.io.Sinks;
import dev.arbor.jobs.io.Sources;
import dev.arbor.jobs.kafka.KafkaSettings;
import dev.arbor.jobs.kafka.KafkaWatch;
import dev.arbor.jobs.records.PromptLineParser;
import dev.arbor.jobs.records.RequestAdmission;
import dev.arbor.jobs.records.ResultRouter;
import dev.arbor.jobs.run.Environments;
import dev.arbor.jobs.run.JobInput;
import dev.arbor.jobs.run.JobRunner;
import dev.arbor.jobs.run.JobSetup;
import dev.arbor.jobs.run.LockedJobClient;
import dev.arbor.jobs.run.LiveTokens;
import dev.arbor.jobs.run.ProgressReporter;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;

/**
 * The unbounded streaming-evaluation job: watches a directory for JSONL evaluation items (id,
 * prompt, reference, optional regex and metadata), searches each, scores it ({@link EvalScorer}),
 * and writes per-item scores plus processing-time windowed aggregates ({@link EvalAggregator}, also
 * logged) as JSON Lines. It runs until stopped; output files are committed at each checkpoint.
 * With {@code kafka.bootstrap} set it reads a topic and writes topics instead ({@link
 * KafkaEvalPipeline}); the output directory then holds only the job's state, so that a stopped run
 * resumes at its offsets.
 *
 * <pre>
 * watched dir -> RequestAdmission -> TreeSearch -> ResultRouter -> ScoreFunction -> scores/
 *                                                                       \ window -> aggregates/ (+ log)
 *                  \ invalid, search errors -> rejected/
 * </pre>
 */
@Internal
public final class EvalJob {
    public static final String SCORES = "scores";
    public static final String AGGREGATES = "aggregates";
    public static final String REJECTED = "rejected";

    private EvalJob() {}

    /**
     * Everything checked and resolved on the client before submission.
     *
     * @param input the watched directory; empty when the items come from Kafka
     * @param kafka the topics, when the items come from Kafka (then {@code output} holds only state)
     * @param resumeFrom the restore point of an earlier run this one continues, if any
     * @param lock the output (or, with Kafka, state) directory held for this run: close it when the job has ended
     */
    public record Plan(Configuration config, Optional<JobInput> input, Optional<KafkaSettings> kafka,
            OutputLayout output, ArborConfig arbor, ModelChoice model, EvalScorer scorer, Duration window,
            EvalState state, Optional<Path> resumeFrom, OutputLock lock) {
        public String jobName() {
            return JobSetup.jobName(config, "arbor-eval");
        }

        /** The job's configuration plus where its checkpoints and savepoints go and what it resumes from. */
        Configuration withState() {
            Configuration all = new Configuration(config);
            all.addAll(state.flinkOptions(resumeFrom));
            return all;
        }
    }

    /**
     * Validates and prepares a run: watched directory, model, settings and scorer checked, then the
     * output directory locked for this run and made ready. When the output holds the state of an
     * earlier run that stopped (or crashed), this run resumes it, keeping its outputs; with {@code
     * output.overwrite} it starts afresh instead. Every check comes before the output is touched.
     */
    public static Plan prepare(Configuration config, boolean local) {
        if (config.get(JobOptions.CHECKPOINT_INTERVAL).isZero()) {
            throw new ConfigException("invalid configuration: job.checkpoint-interval must be positive for eval "
                    + "(its outputs are committed at checkpoints)");
        }
        Optional<KafkaSettings> kafka = KafkaSettings.enabled(config) ? Optional.of(KafkaSettings.forEval(config))
                : Optional.empty();
        kafka.ifPresent(KafkaEvalPipeline::check); // before anything of an earlier run is touched
        Optional<JobInput> input = kafka.isPresent() ? Optional.empty() : Optional.of(JobInput.watched(config));
        JobSetup.Operator operator = JobSetup.operator(config, local, builder -> builder);
        EvalScorer scorer = new EvalScorer(config.get(JobOptions.EVAL_METRIC), config.get(JobOptions.EVAL_REGEX));
        List<String> fileOutputs = kafka.isPresent() ? List.of() : List.of(SCORES, AGGREGATES, REJECTED);
        Path root = JobSetup.outputRoot(config);
        input.ifPresent(watched -> JobSetup.checkOutputOutsideInput(watched, root));
        List<OutputLayout.Entry> entries = new ArrayList<>();
        fileOutputs.forEach(name -> entries.add(OutputLayout.Entry.parts(name, name, ".jsonl")));
        entries.add(OutputLayout.Entry.state(EvalState.DIRECTORY));
        OutputLayout output = new OutputLayout(root, entries);
        OutputLock lock = JobSetup.lock(output, kafka.isPresent() ? "arbor eval (Kafka)" : "arbor eval");
        Optional<Path> resumeFrom;
        EvalState state;
        try {
            state = new EvalState(root);
            boolean overwrite = config.get(JobOptions.OUTPUT_OVERWRITE);
            resumeFrom = overwrite ? Optional.empty() : state.latestRestorePoint();
            // Before the state is touched: it resumes on the Kafka cluster it was made against only.
            Optional<String> cluster = kafka.isPresent() ? Optional.of(KafkaRunGuard.checkSameCluster(state,
                    kafka.get(), resumeFrom.isPresent())) : Optional.empty();
            if (resumeFrom.isPresent()) {
                output.prepareToResume();
                state.keepOnly(resumeFrom.get());
            } else {
                output.prepare(overwrite);
            }
            output.createDirectories(fileOutputs);
            if (cluster.isPresent()) {
                KafkaRunGuard.remember(state, cluster.get());
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e instanceof IOException ? new ConfigException(e.getMessage(), e) : (RuntimeException) e;
        }
        return new Plan(config, input, kafka, output, operator.arbor(), operator.model(), scorer,
                config.get(JobOptions.EVAL_WINDOW), state, resumeFrom, lock);
    }

    /** Adds the job to {@code env}. */
    public static void build(StreamExecutionEnvironment env, Plan plan) {
        if (plan.kafka().isPresent()) {
            KafkaEvalPipeline.addChecked(env, plan.kafka().get(), plan.arbor(), plan.scorer(), plan.window());
            return;
        }
        JobInput input = plan.input().orElseThrow();
        DataStream<InputRecord> items = Sources.files(env, input.path(), input.format(),
                plan.config().get(JobOptions.INPUT_MONITOR_INTERVAL), plan.config().get(JobOptions.INPUT_SETTLE_TIME));
        SingleOutputStreamOperator<PromptRequest> requests = items
                .process(new RequestAdmission(PromptLineParser.Mode.EVAL))
                .returns(new AvroTypeInfo<>(PromptRequest.class)).name("Parse items").uid("parse-items");
        TreeSearch.Results searched = TreeSearch.with(plan.arbor()).uid("tree-search").apply(requests);
        SingleOutputStreamOperator<SearchResult> results = searched.all().process(new ResultRouter())
                .returns(new AvroTypeInfo<>(SearchResult.class)).name("Route results").uid("route-results");
        SingleOutputStreamOperator<EvalScore> scores = results.map(new ScoreFunction(plan.scorer()))
                .name("Score items").uid("score-items");

        OutputLayout out = plan.output();
        scores.sinkTo(Sinks.jsonLines(out.resolve(SCORES), "scores", JsonLines.encoder()))
                .name("Write scores").uid("scores");
        scores.windowAll(TumblingProcessingTimeWindows.of(plan.window())).trigger(new FlushOnDrainTrigger())
                .aggregate(new EvalAggregator.Sum(), new EvalAggregator.Emit()).name("Aggregate window")
                .uid("aggregate")
                .sinkTo(Sinks.jsonLines(out.resolve(AGGREGATES), "aggregates", JsonLines.encoder()))
                .name("Write aggregates").uid("aggregates");
        requests.getSideOutput(RequestAdmission.REJECTED).union(results.getSideOutput(ResultRouter.REJECTED))
                .sinkTo(Sinks.jsonLines(out.resolve(REJECTED), "rejected", JsonLines.encoder(RejectedRecord::fileRow)))
                .name("Write rejected records").uid("rejected");
    }

    /**
     * Prepares, builds and submits the job; the caller stops it (for tests and embedding). The output
     * stays locked until the job ends; stopping or cancelling through the returned client completes
     * once it is released ({@link LockedJobClient}).
     */
    public static JobClient start(Configuration config) throws Exception {
        Plan plan = prepare(config, Environments.isLocal(Environments.create(config)));
        try {
            StreamExecutionEnvironment env = Environments.create(plan.withState());
            build(env, plan);
            return new LockedJobClient(env.executeAsync(plan.jobName()), plan.lock());
        } catch (Exception | Error e) {
            plan.lock().close();
            throw e;
        }
    }

    /**
     * Prepares and runs the job until it is stopped. Ctrl-C stops it with a savepoint; running the
     * same command again resumes from it (see {@link EvalState}).
     */
    public static void run(Configuration config, PrintStream progress) throws Exception {
        Plan plan = prepare(config, Environments.isLocal(Environments.create(config)));
        try (OutputLock held = plan.lock()) {
            run(plan, progress);
        }
    }

    private static void run(Plan plan, PrintStream progress) throws Exception {
        Configuration config = plan.config();
        StreamExecutionEnvironment env = Environments.create(plan.withState());
        describe(plan, progress);
        if (plan.resumeFrom().isPresent()) {
            progress.println("  resuming the run that stopped there (" + committed(plan) + " so far), from "
                    + InputFiles.displayName(plan.resumeFrom().get()));
        }
        build(env, plan);
        JobRunner.OnExit onExit = JobRunner.OnExit.suspend(() -> committed(plan) + " committed; items in flight and "
                + (plan.kafka().isPresent() ? "messages" : "lines") + " not read yet are kept: run the same command to "
                + "resume (--overwrite starts afresh)").releasing(plan.lock());
        ProgressReporter reporter = ProgressReporter.evaluation(progress, ProgressReporter.isTerminal(),
                LiveTokens::total);
        if (plan.kafka().isEmpty()) {
            JobRunner.run(env, plan.jobName(), config.get(JobOptions.PROGRESS_INTERVAL), reporter, onExit);
            return;
        }
        KafkaSettings kafka = plan.kafka().get();
        try (KafkaWatch watch = KafkaWatch.start(kafka, progress, KAFKA_WATCH_EVERY)) {
            try {
                JobRunner.run(env, plan.jobName(), config.get(JobOptions.PROGRESS_INTERVAL), reporter,
                        KafkaRunGuard.guard(onExit, watch, kafka, plan.state()));
            } catch (Exception e) {
                throw KafkaRunGuard.explain(e, watch, kafka, plan.state(), plan.resumeFrom().isPresent());
            }
        }
    }

    /** How often a Kafka run looks whether its broker answers. */
    private static final Duration KAFKA_WATCH_EVERY = Duration.ofSeconds(2);

    private static void describe(Plan plan, PrintStream progress) {
        long commitEvery = plan.config().get(JobOptions.CHECKPOINT_INTERVAL).toSeconds();
        if (plan.kafka().isPresent()) {
            KafkaSettings kafka = plan.kafka().get();
            progress.println("arbor eval: reading items from Kafka topic " + kafka.inputTopic() + " at "
                    + kafka.bootstrap() + " (group " + kafka.groupId() + "; Ctrl-C stops, the same command resumes)");
            progress.println("  model " + plan.model().describe());
            progress.println("  scores to " + kafka.outputTopic() + ", aggregates (every " + plan.window().toSeconds()
                    + " s) to " + kafka.aggregatesTopic() + ", dead letters to " + kafka.deadLetterTopic()
                    + ", committed every " + commitEvery + " s; state in "
                    + InputFiles.displayName(plan.output().root()) + "/");
            return;
        }
        progress.println("arbor eval: watching " + InputFiles.displayName(plan.input().orElseThrow().path())
                + " for *.jsonl items (a file is read once it has not changed for "
                + plan.config().get(JobOptions.INPUT_SETTLE_TIME).toMillis() + " ms, and once per content: the same "
                + "name with new content is read again; Ctrl-C stops, the same command resumes)");
        progress.println("  model " + plan.model().describe());
        progress.println("  scores, aggregates (every " + plan.window().toSeconds() + " s) and rejected items in "
                + InputFiles.displayName(plan.output().root()) + "/, committed every " + commitEvery + " s");
    }

    /** What the outputs hold: "N items scored, M rejected" (for Kafka: where the outputs are). */
    static String committed(Plan plan) {
        if (plan.kafka().isPresent()) {
            return "the scores in topic " + plan.kafka().get().outputTopic();
        }
        try {
            return JsonLineCount.of(plan.output(), SCORES) + " items scored, "
                    + JsonLineCount.of(plan.output(), REJECTED) + " rejected";
        } catch (IOException e) {
            return "outputs unreadable (" + e.getMessage() + ")";
        }
    }
}
