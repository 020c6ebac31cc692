package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
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
 * One beam search (width 4, 128-token prompt, 64 new tokens): Arbor's branch tree (one prefill,
 * forks share cells, one batched decode per step) against {@link NoSharingBeamSearch} (a copy of
 * the history per beam, beams decoded one by one). The KV cells each holds at its peak are a count,
 * not a time: {@link KvFootprintReport} prints them. {@code arch} picks the model's architecture
 * (every memory kind: {@code QWEN35} a hybrid, {@code GEMMA3} a sliding window, {@code MAMBA2}
 * recurrent); beam search only forks at the head, which is exact on all of them.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BeamSearchBenchmark {
    static final int WIDTH = 4;
    static final int PROMPT = 128;
    static final int NEW_TOKENS = 64;

    @Param({"SMALL"})
    public String size;

    @Param({"LLAMA"})
    public String arch;

    private LlamaModel model;
    private LlamaContext arborContext;
    private LlamaContext baselineContext;
    private SearchEngine engine;
    private NoSharingBeamSearch baseline;
    private int[] prompt;

    @Setup(Level.Trial)
    public void load() {
        model = LlamaModel.load(BenchModels.file(arch, size));
        ContextParams params = BenchModels.context().nCtx(WIDTH * (PROMPT + NEW_TOKENS) + 64).nBatch(PROMPT)
                .nSeqMax(WIDTH).build();
        arborContext = LlamaContext.create(model, params);
        // Restoring a copied sequence needs one contiguous run of free cells: give the copies room.
        baselineContext = LlamaContext.create(model, BenchModels.context()
                .nCtx(2 * WIDTH * (PROMPT + NEW_TOKENS) + 256).nBatch(PROMPT).nSeqMax(WIDTH)
                .build());
        engine = new SearchEngine(arborContext);
        baseline = new NoSharingBeamSearch(baselineContext);
        prompt = BenchModels.prompt(model, PROMPT);
    }

    @Benchmark
    public double arbor() throws Exception {
        SearchOutcome result = engine.submit(SearchRequest.builder("bench").promptTokens(prompt).width(WIDTH)
                .maxNewTokens(NEW_TOKENS).stopAtEndOfGeneration(false).build()).get();
        if (result.isError()) {
            throw new IllegalStateException(result.error().message());
        }
        return result.winner().score();
    }

    @Benchmark
    public double noSharing() {
        return baseline.run(prompt, WIDTH, NEW_TOKENS);
    }

    @TearDown(Level.Trial)
    public void close() {
        engine.close();
        arborContext.close();
        baselineContext.close();
        model.close();
    }
}
