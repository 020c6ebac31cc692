package dev.arbor.bench;

import dev.arbor.annotation.Internal;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import dev.arbor.search.LikelihoodResult;
import dev.arbor.search.PrefixCacheConfig;
import dev.arbor.search.ProcessRewardModel;
import dev.arbor.search.SearchEngine;
import dev.arbor.search.SearchOutcome;
import dev.arbor.search.SearchRequest;
import dev.arbor.search.SearchStrategy;
import dev.arbor.search.StepSpec;
import dev.arbor.search.VerifierSpec;
import java.util.ArrayList;
import java.util.Comparator;
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
 * Step-level beam search with a process reward model ({@value #BEAMS} beams x {@value #EXPANSIONS}
 * expansions, {@value #STEPS} steps of {@value #STEP_TOKENS} tokens) three ways, on the same models:
 * <ul>
 * <li>{@code arbor}: one {@code step_beam} request: the problem prefilled once, every step's children
 *     forking its cells, the PRM's branches following the tree;</li>
 * <li>{@code resending} / {@code resendingCached}: the search done the way libraries outside the
 *     engine do it (Hugging Face's search-and-learn, its_hub): every round, each beam's every
 *     expansion is a new request that re-sends the problem and the steps so far and stops at the step
 *     delimiter, and each candidate is scored by re-sending its whole text to the PRM; with the
 *     engines' prefix caches off, then on.</li>
 * </ul>
 * The step delimiter never occurs in the synthetic models' text, so every step is {@value #STEP_TOKENS}
 * tokens, in all three.
 */
@Internal
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StepBeamBenchmark {
    static final int BEAMS = 4;
    static final int EXPANSIONS = 4;
    static final int STEPS = 8;
    static final int STEP_TOKENS = 64;
    static final int PROMPT = 128;
    static final String DELIMITER = "\n\n";

    @Param({"SMALL"})
    public String size;

    private LlamaModel policy;
    private LlamaModel reward;
    private LlamaContext policyContext;
    private LlamaContext prmContext;
    private String problem;

    @Setup(Level.Trial)
    public void load() {
        policy = LlamaModel.load(BenchModels.file(size));
        reward = LlamaModel.load(BenchModels.file(SyntheticArchitecture.QWEN3.name(), size));
        problem = policy.detokenize(BenchModels.prompt(policy, PROMPT));
    }

    @Setup(Level.Iteration)
    public void contexts() {
        policyContext = LlamaContext.create(policy, BenchModels.context().nCtx(16384).nBatch(512).nSeqMax(32)
                .build());
        prmContext = LlamaContext.create(reward, BenchModels.context().nCtx(32768).nBatch(512).nSeqMax(64).build());
    }

    @TearDown(Level.Iteration)
    public void closeContexts() {
        policyContext.close();
        prmContext.close();
    }

    @TearDown(Level.Trial)
    public void close() {
        policy.close();
        reward.close();
    }

    @Benchmark
    public double arbor() throws Exception {
        return stepBeam(true);
    }

    /**
     * The same search scored by the policy's own mean token logprob, which the search has already:
     * what the PRM costs per step is the difference from {@link #arbor()}, divided by {@value #STEPS}.
     */
    @Benchmark
    public double arborWithoutPrm() throws Exception {
        return stepBeam(false);
    }

    private double stepBeam(boolean prm) throws Exception {
        try (SearchEngine engine = SearchEngine.builder(policyContext)
                .processRewardModel(ProcessRewardModel.mathShepherd(prmContext)).build()) {
            SearchRequest.Builder request = SearchRequest.builder("bench").prompt(problem)
                    .strategy(SearchStrategy.STEP_BEAM).width(BEAMS * EXPANSIONS)
                    .maxNewTokens(STEPS * STEP_TOKENS).stopAtEndOfGeneration(false).seed(1)
                    .sampler(SamplerParams.builder().temperature(0.8f).build())
                    .steps(new StepSpec(DELIMITER, STEP_TOKENS, STEPS, EXPANSIONS));
            if (prm) {
                request.verifier(VerifierSpec.prm(VerifierSpec.Aggregation.LAST));
            } else {
                request.scorerNamed("logprob");
            }
            SearchOutcome result = engine.submit(request.build()).get();
            if (result.isError()) {
                throw new IllegalStateException(result.error().message());
            }
            return result.winner().score();
        }
    }

    @Benchmark
    public double resending() throws Exception {
        return resend(PrefixCacheConfig.DISABLED);
    }

    @Benchmark
    public double resendingCached() throws Exception {
        return resend(PrefixCacheConfig.defaults());
    }

    /** The same search, every step a new request that re-sends the whole text, every score a re-sent PRM pass. */
    private double resend(PrefixCacheConfig cache) throws Exception {
        try (SearchEngine engine = new SearchEngine(policyContext, 64, cache);
                SearchEngine scorer = new SearchEngine(prmContext, 64, cache)) {
            List<String> beams = List.of("");
            double best = 0;
            for (int step = 0; step < STEPS; step++) {
                List<CompletableFuture<SearchOutcome>> expansions = new ArrayList<>();
                List<String> prefixes = new ArrayList<>();
                for (int b = 0; b < beams.size(); b++) {
                    int count = step == 0 ? BEAMS * EXPANSIONS : EXPANSIONS;
                    for (int e = 0; e < count; e++) {
                        prefixes.add(beams.get(b));
                        expansions.add(engine.submit(SearchRequest.builder("r" + step + "-" + b + "-" + e)
                                .prompt(problem + beams.get(b)).strategy(SearchStrategy.BEST_OF_N).width(1)
                                .maxNewTokens(STEP_TOKENS).stop(List.of(DELIMITER)).stopAtEndOfGeneration(false)
                                .seed(step * 1000L + b * 10L + e)
                                .sampler(SamplerParams.builder().temperature(0.8f).build()).build()));
                    }
                }
                List<CompletableFuture<LikelihoodResult>> scores = new ArrayList<>();
                List<String> candidates = new ArrayList<>();
                for (int i = 0; i < expansions.size(); i++) {
                    SearchOutcome outcome = expansions.get(i).get();
                    if (outcome.isError()) {
                        throw new IllegalStateException(outcome.error().message());
                    }
                    String text = prefixes.get(i) + outcome.winner().text() + DELIMITER;
                    candidates.add(text);
                    scores.add(scorer.likelihood("s" + step + "-" + i, problem + "\n" + text.replace(DELIMITER,
                            DELIMITER + ProcessRewardModel.DEFAULT_STEP_TAG), ProcessRewardModel.DEFAULT_GOOD));
                }
                List<Integer> order = new ArrayList<>();
                double[] values = new double[candidates.size()];
                for (int i = 0; i < candidates.size(); i++) {
                    order.add(i);
                    values[i] = scores.get(i).get().sumLogprob();
                }
                order.sort(Comparator.comparingDouble((Integer i) -> values[i]).reversed());
                List<String> kept = new ArrayList<>();
                for (int i = 0; i < BEAMS; i++) {
                    kept.add(candidates.get(order.get(i)));
                }
                beams = kept;
                best = values[order.get(0)];
            }
            return best;
        }
    }
}
