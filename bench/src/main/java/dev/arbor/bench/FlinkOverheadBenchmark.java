package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.ArborConfig;
import dev.arbor.flink.ArborOptions;
import dev.arbor.flink.TreeSearch;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of Flink around the engine: the same 64 beam-search requests through a Flink job
 * (parallelism 1, on a MiniCluster started once, each operation one job run to its end) against the
 * same configuration's {@link SearchEngine} driven directly. Both load the model and create the
 * context once per operation, as a job does.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FlinkOverheadBenchmark {
    static final int REQUESTS = 64;

    @Param({"SMALL"})
    public String size;

    private ArborConfig config;
    private MiniCluster cluster;
    private StreamExecutionEnvironment env;
    private List<PromptRequest> records;

    @Setup(Level.Trial)
    public void start() throws Exception {
        config = ArborConfig.builder().modelPath(BenchModels.file(size).toString())
                .set(ArborOptions.N_CTX, 4096).set(ArborOptions.N_SEQ_MAX, 16)
                .set(ArborOptions.THREADS, BenchModels.threads()).set(ArborOptions.STRATEGY, SearchStrategy.BEAM.name())
                .set(ArborOptions.WIDTH, 4).set(ArborOptions.MAX_NEW_TOKENS, 24)
                .set(ArborOptions.STOP_AT_EOG, false).build();
        records = new ArrayList<>();
        String[] topics = {"the king", "a dog", "the sea", "my home", "the old man", "a big tree", "the sun", "cats"};
        for (int i = 0; i < REQUESTS; i++) {
            records.add(PromptRequest.newBuilder().setId("request-" + i)
                    .setPrompt("once upon a time " + topics[i % topics.length] + " saw " + topics[(i + 3) % 8])
                    .build());
        }
        Configuration flink = new Configuration();
        flink.set(RestOptions.BIND_PORT, "0");
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(flink)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        env = StreamExecutionEnvironment.getExecutionEnvironment(); // only builds the job graphs
        env.setParallelism(1);
    }

    @Benchmark
    public long flinkJob() throws Exception {
        TreeSearch.Results results = TreeSearch.with(config)
                .apply(env.fromData(records, new AvroTypeInfo<>(PromptRequest.class)));
        results.completed().map(new CountCompleted()).sinkTo(new DiscardingSink<>());
        // Straight to the MiniCluster: no REST polling competing with the job for the two cores.
        JobExecutionResult result = cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
        Long completed = result.getAccumulatorResult(CountCompleted.NAME);
        return require(completed == null ? 0 : completed);
    }

    /** Counts completed results in an accumulator (async functions cannot hold accumulators). */
    public static final class CountCompleted extends RichMapFunction<SearchResult, SearchResult> {
        private static final long serialVersionUID = 1L;
        static final String NAME = "completed";
        private final LongCounter completed = new LongCounter();

        @Override
        public void open(OpenContext context) {
            getRuntimeContext().addAccumulator(NAME, completed);
        }

        @Override
        public SearchResult map(SearchResult result) {
            completed.add(1);
            return result;
        }
    }

    @Benchmark
    public long engineAlone() throws Exception {
        try (LlamaModel model = LlamaModel.load(BenchModels.file(size), config.modelParams());
                LlamaContext context = LlamaContext.create(model, config.contextParams())) {
            long completed = 0;
            try (SearchEngine engine = new SearchEngine(context, config.engineCapacity())) {
                List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
                for (PromptRequest record : records) {
                    futures.add(engine.submit(SearchRequest.builder(record.getId()).prompt(record.getPrompt())
                            .width(4).maxNewTokens(24).stopAtEndOfGeneration(false).build()));
                }
                for (CompletableFuture<SearchOutcome> future : futures) {
                    if (!future.get().isError()) {
                        completed++;
                    }
                }
            }
            return require(completed);
        }
    }

    private static long require(long completed) {
        if (completed != REQUESTS) {
            throw new IllegalStateException(completed + " of " + REQUESTS + " requests completed");
        }
        return completed;
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        cluster.close();
    }
}
