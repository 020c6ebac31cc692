package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Step-level search through the engine: steps end exactly at their delimiter (or their token
 * limit), the scored tree links every step to the one it continues and the winner's text is its
 * steps in order, step_beam keeps what an independent re-decode oracle keeps, a scorer that throws
 * fails only its request, and the same request gives the same tree twice.
 */
class StepSearchTest {
    /** A frequent letter, so that steps end at their delimiter on a model of random text. */
    static final String DELIMITER = "e";
    private static LlamaModel model;
    /**
     * A score of the text alone, so that the oracle's ranking never depends on logprobs that differ by
     * llama.cpp's batch spread (two nearly tied partial solutions could swap places).
     */
    static final Scorer TEXT_SCORE = completion -> {
        double sum = 0;
        String text = completion.text();
        for (int i = 0; i < text.length(); i++) {
            sum += (text.charAt(i) * 31 + i) % 97;
        }
        return sum / (1 + text.length());
    };

    @BeforeAll
    static void load() {
        model = LlamaModel.load(SearchTestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    static SearchRequest.Builder stepBeam(String id, String prompt, Scorer scorer) {
        return SearchRequest.builder(id).prompt(prompt).strategy(SearchStrategy.STEP_BEAM).width(4)
                .maxNewTokens(48).stopAtEndOfGeneration(false).returnCandidates(true).seed(7)
                .sampler(SamplerParams.builder().temperature(1.0f).build()).scorer(scorer)
                .steps(new StepSpec(DELIMITER, 6, 4, 2));
    }

    @Test
    void stepsEndAtTheirDelimiterAndTheTreeSpellsTheWinner() throws Exception {
        try (EngineFixture fixture = new EngineFixture(model, 2048, 16)) {
            SearchOutcome result = fixture.engine.submit(stepBeam("s", "once upon a time", Scorer.MEAN_LOGPROB)
                    .build()).get();
            assertThat(result.error()).isNull();
            SearchDetails details = result.details();
            assertThat(details.tree()).isNotEmpty();
            Map<Integer, ScoredStep> byId = new HashMap<>();
            for (ScoredStep step : details.tree()) {
                byId.put(step.id(), step);
                if (!step.finished()) {
                    // An open step ended at its delimiter, with the token that completed it, or at 6 tokens.
                    int at = step.text().indexOf(DELIMITER);
                    assertThat(at < 0 || at + DELIMITER.length() > step.text().length() - 8).as(step.text()).isTrue();
                }
                assertThat(step.parent() < 0 || byId.containsKey(step.parent())).as("a parent comes first").isTrue();
            }
            assertThat(details.expansions()).isEqualTo(details.tree().size());
            assertThat(details.steps()).isEqualTo(details.tree().size());
            assertThat(details.scorerCalls()).isEqualTo(details.tree().size());
            // The winner is a kept finished node; its text is its steps, root first.
            ScoredStep last = details.tree().stream().filter(s -> s.kept() && s.finished())
                    .filter(s -> Math.abs(s.score() - result.winner().score()) < 1e-12).findFirst().orElseThrow();
            List<String> steps = new ArrayList<>();
            for (ScoredStep at = last; at != null; at = byId.get(at.parent())) {
                steps.add(0, at.text());
            }
            assertThat(String.join("", steps)).isEqualTo(result.winner().text());
            assertThat(result.stats().peakLeases()).isLessThanOrEqualTo(4);
            fixture.assertIdleAndEmpty();
        }
    }

    @Test
    void stepBeamKeepsWhatARedecodeOracleKeeps() throws Exception {
        String[] prompts = {"once upon a time", "the king and the sea", "a dog ran home", "there was a cat"};
        try (EngineFixture fixture = new EngineFixture(model, 4096, 16); NaiveStepBeam oracle = new NaiveStepBeam(model)) {
            List<java.util.concurrent.CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
            List<SearchRequest> requests = new ArrayList<>();
            for (int p = 0; p < prompts.length; p++) {
                SearchRequest request = stepBeam("o" + p, prompts[p], TEXT_SCORE).build();
                requests.add(request);
                futures.add(fixture.engine.submit(request));
            }
            for (int p = 0; p < prompts.length; p++) {
                SearchOutcome result = futures.get(p).get();
                assertThat(result.error()).isNull();
                List<NaiveStepBeam.Node> expected = oracle.search(requests.get(p), model.tokenize(prompts[p], true,
                        false));
                List<ScoredStep> tree = result.details().tree();
                assertThat(tree).as("prompt %d", p).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    NaiveStepBeam.Node want = expected.get(i);
                    ScoredStep got = tree.get(i);
                    String where = "prompt " + p + " node " + want.id();
                    assertThat(got.id()).as(where).isEqualTo(want.id());
                    assertThat(got.parent()).as(where).isEqualTo(want.parent());
                    assertThat(got.text()).as(where).isEqualTo(want.step());
                    assertThat(got.kept()).as(where).isEqualTo(want.kept());
                    assertThat(got.finished()).as(where).isEqualTo(want.finished());
                    assertThat(got.score()).as(where).isCloseTo(want.score(), org.assertj.core.data.Offset.offset(1e-3));
                }
            }
            fixture.assertIdleAndEmpty();
        }
    }

    @Test
    void theSameRequestGivesTheSameTreeWhateverRunsBesideIt() throws Exception {
        try (EngineFixture fixture = new EngineFixture(model, 4096, 16)) {
            SearchOutcome alone = fixture.engine.submit(stepBeam("same", "the king", Scorer.MEAN_LOGPROB).build())
                    .get();
            List<java.util.concurrent.CompletableFuture<SearchOutcome>> crowd = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                crowd.add(fixture.engine.submit(stepBeam("other-" + i, "a dog ran home " + i, Scorer.MEAN_LOGPROB)
                        .build()));
            }
            SearchOutcome again = fixture.engine.submit(stepBeam("same", "the king", Scorer.MEAN_LOGPROB).build())
                    .get();
            for (var future : crowd) {
                assertThat(future.get().error()).isNull();
            }
            assertThat(again.winner().tokens()).isEqualTo(alone.winner().tokens());
            assertThat(again.details().tree()).hasSameSizeAs(alone.details().tree());
            for (int i = 0; i < alone.details().tree().size(); i++) {
                assertThat(again.details().tree().get(i).text()).isEqualTo(alone.details().tree().get(i).text());
            }
        }
    }

    @Test
    void aScorerThatThrowsFailsOnlyItsRequest() throws Exception {
        Scorer broken = completion -> {
            throw new IllegalStateException("the scorer broke");
        };
        try (EngineFixture fixture = new EngineFixture(model, 2048, 16)) {
            var bad = fixture.engine.submit(stepBeam("bad", "once upon a time", broken).build());
            var good = fixture.engine.submit(stepBeam("good", "once upon a time", Scorer.MEAN_LOGPROB).build());
            assertThat(bad.get().error()).isNotNull();
            assertThat(bad.get().error().message()).contains("the scorer broke");
            assertThat(good.get().error()).isNull();
            fixture.assertIdleAndEmpty();
        }
    }

    @Test
    void dvtsRunsIndependentSubtreesKeepingOneStepEach() throws Exception {
        try (EngineFixture fixture = new EngineFixture(model, 2048, 16)) {
            SearchOutcome result = fixture.engine.submit(stepBeam("d", "we went home", Scorer.MEAN_LOGPROB)
                    .strategy(SearchStrategy.DVTS).width(6).build()).get();
            assertThat(result.error()).isNull();
            // 6 / 2 expansions = 3 subtrees, each keeping one solution: three finalists.
            assertThat(result.candidates()).hasSize(3);
            int firstRound = (int) result.details().tree().stream().filter(s -> s.round() == 0).count();
            assertThat(firstRound).isEqualTo(6);
            long keptPerRound = result.details().tree().stream().filter(s -> s.round() == 0 && s.kept()).count();
            assertThat(keptPerRound).isEqualTo(3);
        }
    }
}
