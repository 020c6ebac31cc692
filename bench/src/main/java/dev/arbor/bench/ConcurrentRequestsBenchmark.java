package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.FlashAttention;
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
 * 16 best-of-4 requests through one engine: all submitted at once (continuous batching: every
 * step decodes the live branches of all of them together) against one at a time. Both generate the
 * same {@value #TOKENS_PER_OP} tokens (fixed length, end-of-generation off). Measured for each
 * flash-attention setting and KV layout: without flash attention every token attends over all the
 * cells of its KV buffer (masked), so batching many requests in one unified buffer pays for their
 * combined history; flash attention skips masked cells, and per-sequence streams
 * ({@code kvUnified=false}) give every sequence a buffer of its own.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConcurrentRequestsBenchmark {
    static final int REQUESTS = 16;
    static final int N = 4;
    static final int NEW_TOKENS = 32;
    static final int TOKENS_PER_OP = REQUESTS * N * NEW_TOKENS;

    @Param({"SMALL"})
    public String size;

    /** Flash attention skips the cells of other sequences: it decides how well many requests batch. */
    @Param({"ON", "OFF"})
    public FlashAttention flashAttention;

    /** One KV buffer for all sequences (a fork shares cells) or one stream per sequence. */
    @Param({"true", "false"})
    public boolean kvUnified;

    private LlamaModel model;
    private LlamaContext context;
    private SearchEngine engine;
    private List<SearchRequest> requests;

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(size));
        context = LlamaContext.create(model, BenchModels.context().nCtx(REQUESTS * (32 + N * NEW_TOKENS) + 256)
                .nBatch(512).nSeqMax(REQUESTS * N).flashAttention(flashAttention).kvUnified(kvUnified).build());
        engine = new SearchEngine(context);
        requests = new ArrayList<>();
        String[] topics = {"the king", "a dog", "the sea", "my home", "the old man", "a big tree", "the sun",
            "two cats"};
        for (int i = 0; i < REQUESTS; i++) {
            requests.add(SearchRequest.builder("request-" + i).prompt("once upon a time " + topics[i % topics.length]
                    + " went to the " + topics[(i + 3) % topics.length]).strategy(SearchStrategy.BEST_OF_N).width(N)
                    .maxNewTokens(NEW_TOKENS).stopAtEndOfGeneration(false).seed(i)
                    .sampler(SamplerParams.builder().temperature(0.8f).topP(0.95f).build()).build());
        }
    }

    @Benchmark
    public long together() throws Exception {
        List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
        for (SearchRequest request : requests) {
            futures.add(engine.submit(request));
        }
        long tokens = 0;
        for (CompletableFuture<SearchOutcome> future : futures) {
            tokens += generated(future.get());
        }
        return tokens;
    }

    @Benchmark
    public long oneAtATime() throws Exception {
        long tokens = 0;
        for (SearchRequest request : requests) {
            tokens += generated(engine.submit(request).get());
        }
        return tokens;
    }

    private static long generated(SearchOutcome result) {
        if (result.isError()) {
            throw new IllegalStateException(result.error().message());
        }
        return result.stats().generatedTokens();
    }

    @TearDown(Level.Trial)
    public void close() {
        engine.close();
        context.close();
        model.close();
    }
}
