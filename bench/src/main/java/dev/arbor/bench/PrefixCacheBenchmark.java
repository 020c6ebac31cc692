package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.PrefixCacheConfig;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The engine's prefix cache (issue 13), on and off, over two workloads of {@value #REQUESTS}
 * best-of-{@value #N} requests x {@value #NEW_TOKENS} tokens, all submitted at once to an engine
 * with the default context (n-ctx 4096, 16 sequences):
 * <ul>
 * <li>{@code shared*}: every prompt is one {@value #PREFIX}-token prefix (a system prompt) and a
 *     {@value #SUFFIX}-token suffix of its own; with the cache each request after the first few
 *     prefills only its suffix;</li>
 * <li>{@code distinct*}: prompts of {@value #DISTINCT_PROMPT} random tokens that share nothing
 *     but BOS: the cache finds nothing to keep, and the comparison shows what its bookkeeping
 *     costs.</li>
 * </ul>
 * Each iteration starts with a fresh context and engine (a cold cache). {@code arch} picks the
 * model's architecture (every memory kind: {@code -p arch=QWEN35} is a hybrid, {@code GEMMA3} a
 * sliding window); on models whose decodes overwrite history the cache works from checkpoints, and
 * the aux counter {@code checkpointPeakMiB} says what they held at most.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PrefixCacheBenchmark {
    static final int REQUESTS = 256;
    static final int PREFIX = 512;
    static final int SUFFIX = 16;
    static final int DISTINCT_PROMPT = 128;
    static final int N = 4;
    static final int NEW_TOKENS = 16;
    static final int TOKENS_PER_OP = REQUESTS * N * NEW_TOKENS;

    @Param({"SMALL"})
    public String size;

    @Param({"LLAMA"})
    public String arch;

    /** What the cached engine's checkpoints held at most, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Checkpoints {
        double peakMiB;

        @Setup(Level.Iteration)
        public void reset() {
            peakMiB = 0;
        }

        public double checkpointPeakMiB() {
            return peakMiB;
        }
    }

    private LlamaModel model;
    private List<SearchRequest> shared;
    private List<SearchRequest> distinct;
    private LlamaContext cachedContext;
    private LlamaContext plainContext;
    private SearchEngine cached;
    private SearchEngine plain;

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(arch, size));
        int[] prefix = BenchModels.prompt(model, PREFIX);
        shared = new ArrayList<>(REQUESTS);
        distinct = new ArrayList<>(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            Random random = new Random(i);
            int[] prompt = Arrays.copyOf(prefix, PREFIX + SUFFIX);
            prompt[PREFIX] = 3 + i; // a first token of its own: prompts part right after the prefix
            for (int t = PREFIX + 1; t < prompt.length; t++) {
                prompt[t] = 3 + random.nextInt(model.nVocab() - 3);
            }
            shared.add(request("shared-" + i, prompt));
            int[] own = new int[DISTINCT_PROMPT];
            own[0] = prefix[0]; // BOS
            for (int t = 1; t < own.length; t++) {
                own[t] = 3 + random.nextInt(model.nVocab() - 3);
            }
            distinct.add(request("distinct-" + i, own));
        }
    }

    private static SearchRequest request(String id, int[] prompt) {
        return SearchRequest.builder(id).promptTokens(prompt).strategy(SearchStrategy.BEST_OF_N).width(N)
                .maxNewTokens(NEW_TOKENS).stopAtEndOfGeneration(false)
                .sampler(SamplerParams.builder().temperature(0.8f).topP(0.95f).build()).build();
    }

    @Setup(Level.Iteration)
    public void freshEngines() {
        cachedContext = LlamaContext.create(model, BenchModels.context().nCtx(4096).nBatch(512).nSeqMax(16).build());
        plainContext = LlamaContext.create(model, BenchModels.context().nCtx(4096).nBatch(512).nSeqMax(16).build());
        cached = new SearchEngine(cachedContext, 32, PrefixCacheConfig.defaults());
        plain = new SearchEngine(plainContext, 32, PrefixCacheConfig.DISABLED);
    }

    @Benchmark
    public long sharedCached(Checkpoints checkpoints) throws Exception {
        long served = run(cached, shared);
        checkpoints.peakMiB = cached.metrics().checkpointPeakBytes() / (1024.0 * 1024.0);
        return served;
    }

    @Benchmark
    public long sharedUncached() throws Exception {
        return run(plain, shared);
    }

    @Benchmark
    public long distinctCached(Checkpoints checkpoints) throws Exception {
        long served = run(cached, distinct);
        checkpoints.peakMiB = cached.metrics().checkpointPeakBytes() / (1024.0 * 1024.0);
        return served;
    }

    @Benchmark
    public long distinctUncached() throws Exception {
        return run(plain, distinct);
    }

    /** Submits every request at once; returns the prompt tokens the cache served (a check, not a time). */
    private static long run(SearchEngine engine, List<SearchRequest> requests) throws Exception {
        List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>(requests.size());
        for (SearchRequest request : requests) {
            futures.add(engine.submit(request));
        }
        long served = 0;
        for (CompletableFuture<SearchOutcome> future : futures) {
            SearchOutcome result = future.get();
            if (result.isError()) {
                throw new IllegalStateException(result.error().message());
            }
            served += result.stats().cachedPromptTokens();
        }
        return served;
    }

    @TearDown(Level.Iteration)
    public void closeEngines() {
        cached.close();
        plain.close();
        cachedContext.close();
        plainContext.close();
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }
}
