package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, defect 1: whatever one request does, the requests beside it complete normally, with
 * the same tokens as alone. A poison request is rejected up front when its budget can never fit
 * (the cell arithmetic must not overflow), and when the cache runs out of cells anyway (here:
 * admission is told the context is larger than it is, as if its accounting were wrong), only the
 * request that cannot fit fails; the others give way for a while and complete.
 */
class IsolationTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(SearchTestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private static List<SearchRequest> goodOnes() {
        String[] prompts = {"once upon a time", "the king and the sea", "we go home", "the old man said",
            "a big tree", "two cats and a dog"};
        List<SearchRequest> good = new ArrayList<>();
        for (int i = 0; i < prompts.length; i++) {
            good.add(SearchRequest.builder("good-" + i).prompt(prompts[i]).width(i % 2 == 0 ? 4 : 2).maxNewTokens(48)
                    .strategy(i % 3 == 2 ? SearchStrategy.BEST_OF_N : SearchStrategy.BEAM).stopAtEndOfGeneration(false)
                    .returnCandidates(true).build());
        }
        return good;
    }

    private static Map<String, SearchOutcome> alone(List<SearchRequest> requests) {
        Map<String, SearchOutcome> results = new LinkedHashMap<>();
        try (EngineFixture fixture = new EngineFixture(model, 1024, 8)) {
            for (SearchRequest request : requests) {
                results.put(request.id(), fixture.run(request));
            }
        }
        return results;
    }

    @Test
    void aPoisonBudgetIsRejectedUpFrontAndTheOthersComplete() throws Exception {
        List<SearchRequest> good = goodOnes();
        Map<String, SearchOutcome> expected = alone(good);
        try (EngineFixture fixture = new EngineFixture(model, 1024, 8)) {
            // 4 x 600,000,000 new tokens: 2.4e9 cells, which wrapped to a negative int budget.
            CompletableFuture<SearchOutcome> poison = fixture.engine.submit(SearchRequest.builder("poison").prompt("x")
                    .width(4).maxNewTokens(600_000_000).build());
            CompletableFuture<SearchOutcome> huge = fixture.engine.submit(SearchRequest.builder("huge").prompt("x")
                    .width(8).maxNewTokens(Integer.MAX_VALUE).build());
            List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
            for (SearchRequest request : good) {
                futures.add(fixture.engine.submit(request));
            }
            for (CompletableFuture<SearchOutcome> rejected : List.of(poison, huge)) {
                SearchOutcome result = rejected.get(30, TimeUnit.SECONDS);
                assertThat(result.error()).as(result.id()).isNotNull();
                assertThat(result.error().code()).isEqualTo(ErrorCode.PROMPT_TOO_LONG);
                assertThat(result.error().message()).contains("the context holds 1024");
            }
            assertThat(poison.get().error().message()).contains("4 x 600000000 new tokens needs 24000000");
            for (CompletableFuture<SearchOutcome> future : futures) {
                assertSameTokens(future.get(120, TimeUnit.SECONDS), expected);
            }
            fixture.assertIdleAndEmpty();
            assertThat(fixture.engine.metrics().failed()).isZero();
        }
    }

    @Test
    void whenTheCacheRunsOutOnlyTheRequestThatCannotFitFails() throws Exception {
        List<SearchRequest> good = goodOnes();
        Map<String, SearchOutcome> expected = alone(good);
        // The context has 256 cells; the engine believes it has 100,000, so it admits what cannot fit
        // together (the good ones, ~900 cells) and a poison that cannot fit even alone (~800 cells).
        try (EngineFixture fixture = new EngineFixture(model, 256, 16, 100_000)) {
            CompletableFuture<SearchOutcome> poison = fixture.engine.submit(SearchRequest.builder("poison")
                    .prompt("the king").width(2).maxNewTokens(400).stopAtEndOfGeneration(false).build());
            List<CompletableFuture<SearchOutcome>> futures = new ArrayList<>();
            for (SearchRequest request : good) {
                futures.add(fixture.engine.submit(request));
            }
            for (CompletableFuture<SearchOutcome> future : futures) {
                assertSameTokens(future.get(120, TimeUnit.SECONDS), expected);
            }
            SearchOutcome failed = poison.get(120, TimeUnit.SECONDS);
            assertThat(failed.error()).isNotNull();
            assertThat(failed.error().code()).isEqualTo(ErrorCode.FAILED);
            assertThat(failed.error().message()).contains("KV cache exhausted").contains("does not fit even alone");
            fixture.assertIdleAndEmpty();
            assertThat(fixture.engine.metrics().failed()).isEqualTo(1);
            assertThat(fixture.engine.metrics().completed()).isEqualTo(good.size());
            assertThat(fixture.engine.metrics().preempted()).as("good ones gave way while the cache was full")
                    .isPositive();
            // A later request runs normally on the engine that survived all this.
            assertThat(fixture.run(SearchRequest.builder("after").prompt("hello").width(2).maxNewTokens(4).build())
                    .isError()).isFalse();
        }
    }

    private static void assertSameTokens(SearchOutcome actual, Map<String, SearchOutcome> expected) {
        assertThat(actual.error()).as("%s", actual.id()).isNull();
        SearchOutcome alone = expected.get(actual.id());
        assertThat(actual.candidates()).hasSameSizeAs(alone.candidates());
        for (int i = 0; i < alone.candidates().size(); i++) {
            assertThat(actual.candidates().get(i).tokens()).as("%s candidate %d", actual.id(), i)
                    .isEqualTo(alone.candidates().get(i).tokens());
        }
    }
}
