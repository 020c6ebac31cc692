package dev.arbor.bench;

import dev.arbor.grammar.GbnfOptions;
import dev.arbor.grammar.SchemaToGbnf;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
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
 * What a search costs outside {@code llama_decode}, at whatever vocabulary the benchmark model has
 * ({@code arbor bench --vocab 151936}): beam search (width 4), best-of-8 (Arbor's default sampler)
 * and JSON-schema beam search (the schema of {@link ConstrainedBeamSearchBenchmark}), each 64 new
 * tokens after a 64-token prompt with end of generation ignored. The aux counters split each search's
 * wall time into the part inside {@code llama_decode} and the part outside it: per-branch row work,
 * sampling, grammar masks, the engine, the JNI.
 *
 * <p>{@link #jsonBeam} repeats one schema, so after the first search its grammar states' masks are
 * shared ({@code Grammar}); {@link #jsonBeamCold} gives every search a grammar text never seen
 * before (the same rules and a different comment), so every state's mask is computed again: the
 * first request of a schema.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SearchStepBenchmark {
    static final int PROMPT = 64;
    static final int NEW_TOKENS = 64;
    static final int BEAM_WIDTH = 4;
    static final int SAMPLES = 8;

    @Param({"SMALL"})
    public String size;

    private LlamaModel model;
    private LlamaContext context;
    private SearchEngine engine;
    private int[] prompt;
    private String grammar;
    private int coldRuns;

    /**
     * Milliseconds inside and outside llama_decode per iteration. JMH sums event counters over the
     * iterations, so the share outside is {@code outsideDecodeMs / (outsideDecodeMs + insideDecodeMs)}
     * of the sums ({@code arbor bench} prints it).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Split {
        long searchNanos;
        long decodeNanos;

        @Setup(Level.Iteration)
        public void reset() {
            searchNanos = 0;
            decodeNanos = 0;
        }

        public double insideDecodeMs() {
            return decodeNanos / 1e6;
        }

        public double outsideDecodeMs() {
            return (searchNanos - decodeNanos) / 1e6;
        }
    }

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(size));
        context = LlamaContext.create(model, BenchModels.context().nCtx(SAMPLES * (PROMPT + NEW_TOKENS) + 64)
                .nBatch(PROMPT).nSeqMax(SAMPLES).build());
        engine = new SearchEngine(context);
        prompt = BenchModels.prompt(model, PROMPT);
        grammar = SchemaToGbnf.convert(ConstrainedBeamSearchBenchmark.SCHEMA, GbnfOptions.UNBOUNDED).text();
    }

    @Benchmark
    public double beam(Split split) throws Exception {
        return run(split, SearchRequest.builder("beam").width(BEAM_WIDTH));
    }

    @Benchmark
    public double bestOfN(Split split) throws Exception {
        return run(split, SearchRequest.builder("best-of-n").strategy(SearchStrategy.BEST_OF_N).width(SAMPLES)
                .sampler(SamplerParams.DEFAULTS));
    }

    @Benchmark
    public double jsonBeam(Split split) throws Exception {
        return run(split, SearchRequest.builder("json-beam").width(BEAM_WIDTH).grammar(grammar));
    }

    @Benchmark
    public double jsonBeamCold(Split split) throws Exception {
        String unseen = grammar + "\n# a grammar text not seen before: " + (++coldRuns) + "\n";
        return run(split, SearchRequest.builder("json-beam-cold").width(BEAM_WIDTH).grammar(unseen));
    }

    private double run(Split split, SearchRequest.Builder builder) throws Exception {
        long decodeBefore = context.decodeNanos();
        long start = System.nanoTime();
        SearchOutcome result = engine.submit(builder.promptTokens(prompt).maxNewTokens(NEW_TOKENS)
                .stopAtEndOfGeneration(false).build()).get();
        split.searchNanos += System.nanoTime() - start;
        split.decodeNanos += context.decodeNanos() - decodeBefore;
        if (result.isError()) {
            throw new IllegalStateException(result.error().message());
        }
        return result.winner().score();
    }

    @TearDown(Level.Trial)
    public void close() {
        engine.close();
        context.close();
        model.close();
    }
}
