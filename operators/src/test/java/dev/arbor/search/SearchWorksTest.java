package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * "Search works", measurably, on random weights: a user's Java scorer that prefers one letter is
 * satisfied by step_beam's winners far more often than by best-of-n's, with the same compute (the
 * same width, the same token budget), because step_beam selects after every step instead of once at
 * the end.
 */
class SearchWorksTest {
    /** The share of the text's letters that are 'e': what the scorer wants more of. */
    static final Scorer MORE_E = completion -> {
        String text = completion.text();
        long letters = text.chars().filter(Character::isLetter).count();
        return letters == 0 ? 0 : (double) text.chars().filter(c -> c == 'e').count() / letters;
    };

    @Test
    void stepBeamFindsWhatTheScorerWantsFarMoreOftenThanBestOfNOfTheSameCompute() throws Exception {
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny());
                EngineFixture fixture = new EngineFixture(model, 8192, 32)) {
            List<CompletableFuture<SearchOutcome>> steps = new ArrayList<>();
            List<CompletableFuture<SearchOutcome>> samples = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String prompt = PrefixWorkload.words(new java.util.Random(i), 4);
                steps.add(fixture.engine.submit(request("s" + i, prompt, SearchStrategy.STEP_BEAM)));
                samples.add(fixture.engine.submit(request("n" + i, prompt, SearchStrategy.BEST_OF_N)));
            }
            double stepMean = 0;
            double sampleMean = 0;
            int stepFound = 0;
            int sampleFound = 0;
            for (int i = 0; i < steps.size(); i++) {
                double stepScore = MORE_E.score(steps.get(i).get().winner().completion());
                double sampleScore = MORE_E.score(samples.get(i).get().winner().completion());
                stepMean += stepScore / steps.size();
                sampleMean += sampleScore / steps.size();
                stepFound += stepScore >= THRESHOLD ? 1 : 0;
                sampleFound += sampleScore >= THRESHOLD ? 1 : 0;
            }
            System.out.printf("share of 'e': step_beam %.3f, best-of-n %.3f; at least %.2f: %d vs %d of %d%n",
                    stepMean, sampleMean, THRESHOLD, stepFound, sampleFound, steps.size());
            assertThat(stepMean).isGreaterThan(sampleMean * 1.3);
            assertThat(stepFound).isGreaterThanOrEqualTo(3 * Math.max(1, sampleFound));
        }
    }

    private static final double THRESHOLD = 0.2;

    private static SearchRequest request(String id, String prompt, SearchStrategy strategy) {
        return SearchRequest.builder(id).prompt(prompt).strategy(strategy).width(8).maxNewTokens(24)
                .stopAtEndOfGeneration(false).seed(1).sampler(SamplerParams.builder().temperature(1.0f).build())
                .scorer(MORE_E).steps(new StepSpec("\n\n", 2, 12, 4)).build();
    }
}
