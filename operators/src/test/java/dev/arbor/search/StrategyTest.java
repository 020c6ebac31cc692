package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Width-1 beam search and temperature-0 best-of-n are greedy decoding; sampled best-of-n ranks by its scorer. */
class StrategyTest {
    private static final String[] PROMPTS = {"once upon a time", "the old man and the sea", "hello world", "we go home"};
    private static LlamaModel model;
    private EngineFixture fixture;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(SearchTestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @BeforeEach
    void open() {
        fixture = new EngineFixture(model, 2048, 8);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    /** Greedy decoding on the raw Branch API: the reference. */
    private int[] greedy(String prompt, int maxNewTokens) {
        try (LlamaContext context = LlamaContext.create(model, ContextParams.builder().nCtx(512).nSeqMax(1).threads(2)
                .build()); BranchStore store = new BranchStore(context)) {
            Branch branch = Branch.create(store, model.tokenize(prompt, true, false), SamplerParams.greedy());
            int[] tokens = new int[maxNewTokens];
            for (int i = 0; i < maxNewTokens; i++) {
                tokens[i] = branch.sample();
                if (model.isEndOfGeneration(tokens[i])) {
                    return Arrays.copyOf(tokens, i + 1);
                }
                branch.commit(tokens[i]);
            }
            return tokens;
        }
    }

    @Test
    void widthOneBeamSearchIsGreedyDecoding() {
        for (String prompt : PROMPTS) {
            for (double lengthPenalty : new double[] {0.0, 1.0}) {
                SearchOutcome result = fixture.run(SearchRequest.builder(prompt).prompt(prompt).width(1).maxNewTokens(12)
                        .lengthPenalty(lengthPenalty).build());
                assertThat(result.winner().tokens()).as("%s, length penalty %s", prompt, lengthPenalty)
                        .isEqualTo(greedy(prompt, 12));
            }
        }
    }

    @Test
    void bestOfNAtTemperatureZeroGivesGreedyForEveryCandidate() {
        for (String prompt : PROMPTS) {
            SearchOutcome result = fixture.run(SearchRequest.builder(prompt).prompt(prompt).strategy(SearchStrategy.BEST_OF_N)
                    .width(4).maxNewTokens(10).sampler(SamplerParams.greedy()).returnCandidates(true).build());
            assertThat(result.candidates()).hasSize(4);
            for (RankedCompletion candidate : result.candidates()) {
                assertThat(candidate.tokens()).isEqualTo(greedy(prompt, 10));
            }
        }
    }

    @Test
    void sampledBestOfNPicksTheBestScoreAmongDifferentCandidates() {
        SearchOutcome result = fixture.run(SearchRequest.builder("sampled").prompt("the king and the sea")
                .strategy(SearchStrategy.BEST_OF_N).width(6).maxNewTokens(12).seed(7)
                .sampler(SamplerParams.builder().temperature(1).build()).returnCandidates(true).build());
        assertThat(result.candidates()).hasSize(6);
        Set<String> distinct = new HashSet<>();
        double best = Double.NEGATIVE_INFINITY;
        for (RankedCompletion candidate : result.candidates()) {
            distinct.add(Arrays.toString(candidate.tokens()));
            best = Math.max(best, candidate.score());
            assertThat(candidate.score()).isEqualTo(Scorer.MEAN_LOGPROB.score(candidate.completion()));
        }
        assertThat(distinct).as("samples differ").hasSizeGreaterThan(1);
        assertThat(result.winner().score()).isEqualTo(best);
        assertThat(result.candidates().get(0)).isEqualTo(result.winner());
    }

    @Test
    void aCustomScorerDecidesTheWinner() {
        Scorer shortest = completion -> -completion.text().length();
        SearchOutcome result = fixture.run(SearchRequest.builder("custom").prompt("the king and the sea")
                .strategy(SearchStrategy.BEST_OF_N).width(5).maxNewTokens(8).seed(3).scorer(shortest)
                .sampler(SamplerParams.builder().temperature(1).build()).returnCandidates(true).build());
        int shortestLength = result.candidates().stream().mapToInt(c -> c.text().length()).min().orElseThrow();
        assertThat(result.winner().text()).hasSize(shortestLength);
    }

    @Test
    void sumOfLogprobsIsAlsoAvailable() {
        SearchOutcome result = fixture.run(SearchRequest.builder("sum").prompt("hello world")
                .strategy(SearchStrategy.BEST_OF_N).width(3).maxNewTokens(6).scorer(Scorer.SUM_LOGPROB)
                .sampler(SamplerParams.builder().temperature(1).build()).returnCandidates(true).build());
        for (RankedCompletion candidate : result.candidates()) {
            assertThat(candidate.score()).isEqualTo(candidate.sumLogprob());
        }
    }
}
