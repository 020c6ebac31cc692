package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Beam search on branch trees (forks sharing cells, one batched decode per step, many requests
 * at once) keeps the same final hypotheses with the same scores as a naive reference that
 * re-decodes every hypothesis from scratch.
 */
class BeamSearchOracleTest {
    static final String[] PROMPTS = {
        "once upon a time", "the king and the sea", "hello world", "a dog ran home", "we went to the old house",
        "there was a cat", "the sun is up", "my first day", "what is the way home", "he said yes and she said no",
        "in the night the light", "good man", "the fire and the water", "they come back", "where is the tree",
        "who will go", "two big dogs", "the last story", "I think so", "The world is new", "This is a long day",
        "so many small things",
    };
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(SearchTestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void keepsTheSameHypothesesAsANaiveReference(int width) throws Exception {
        int maxNewTokens = 6;
        double lengthPenalty = 1.0;
        List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
        try (EngineFixture fixture = new EngineFixture(model, 2048, 16);
                NaiveBeamSearch reference = new NaiveBeamSearch(model)) {
            for (int p = 0; p < PROMPTS.length; p++) {
                futures.add(fixture.engine.submit(SearchRequest.builder("p" + p).prompt(PROMPTS[p]).width(width)
                        .maxNewTokens(maxNewTokens).lengthPenalty(lengthPenalty).returnCandidates(true).build()));
            }
            for (int p = 0; p < PROMPTS.length; p++) {
                SearchOutcome result = futures.get(p).get();
                assertThat(result.error()).isNull();
                List<NaiveBeamSearch.Hypothesis> expected = reference.search(model.tokenize(PROMPTS[p], true, false),
                        width, maxNewTokens, lengthPenalty);
                assertThat(result.candidates()).as("prompt %d", p).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    RankedCompletion actual = result.candidates().get(i);
                    assertThat(actual.tokens()).as("prompt %d hypothesis %d", p, i).isEqualTo(expected.get(i).tokens());
                    assertThat(actual.score()).isCloseTo(expected.get(i).score(), Offset.offset(1e-3));
                    assertThat(actual.sumLogprob()).isCloseTo(expected.get(i).sumLogprob(), Offset.offset(1e-3));
                }
                assertThat(result.winner().tokens()).isEqualTo(expected.get(0).tokens());
                assertThat(result.stats().peakLeases()).isLessThanOrEqualTo(width);
            }
            fixture.assertIdleAndEmpty();
        }
    }
}
