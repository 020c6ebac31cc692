package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests that can never run are answered with a reason, while the engine keeps serving the rest. */
class RejectionTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(SearchTestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @Test
    void eachBadRequestGetsItsCodeAndTheGoodOnesComplete() throws Exception {
        String longPrompt = "the king and the sea ".repeat(200);
        try (EngineFixture fixture = new EngineFixture(model, 512, 4)) {
            List<CompletableFuture<SearchOutcome>> good = new ArrayList<>();
            good.add(fixture.engine.submit(SearchRequest.builder("good-1").prompt("hello world").width(2).maxNewTokens(8)
                    .build()));
            expect(fixture, SearchRequest.builder("null").build(), ErrorCode.EMPTY_PROMPT);
            expect(fixture, SearchRequest.builder("blank").prompt("   ").build(), ErrorCode.EMPTY_PROMPT);
            expect(fixture, SearchRequest.builder("no-tokens").promptTokens(new int[0]).build(), ErrorCode.EMPTY_PROMPT);
            good.add(fixture.engine.submit(SearchRequest.builder("good-2").prompt("once upon a time").width(4)
                    .maxNewTokens(8).build()));
            expect(fixture, SearchRequest.builder("long").prompt(longPrompt).build(), ErrorCode.PROMPT_TOO_LONG);
            expect(fixture, SearchRequest.builder("budget").prompt("hi").width(4).maxNewTokens(200).build(),
                    ErrorCode.PROMPT_TOO_LONG);
            expect(fixture, SearchRequest.builder("wide").prompt("hi").width(5).build(), ErrorCode.WIDTH_TOO_LARGE);
            expect(fixture, SearchRequest.builder("zero-width").prompt("hi").width(0).build(), ErrorCode.INVALID_PARAMS);
            expect(fixture, SearchRequest.builder("no-tokens-wanted").prompt("hi").maxNewTokens(0).build(),
                    ErrorCode.INVALID_PARAMS);
            expect(fixture, SearchRequest.builder("bad-token").promptTokens(new int[] {1, model.nVocab()}).build(),
                    ErrorCode.INVALID_PARAMS);
            expect(fixture, SearchRequest.builder("empty-stop").prompt("hi").stop(List.of("")).build(),
                    ErrorCode.INVALID_PARAMS);
            expect(fixture, SearchRequest.builder("nan").prompt("hi").lengthPenalty(Double.NaN).build(),
                    ErrorCode.INVALID_PARAMS);
            expect(fixture, SearchRequest.builder("timeout").prompt("hi").timeout(Duration.ZERO).build(),
                    ErrorCode.INVALID_PARAMS);
            expect(fixture, SearchRequest.builder("surrogate").prompt("bad \uD800 text").build(), ErrorCode.INVALID_TEXT);
            good.add(fixture.engine.submit(SearchRequest.builder("good-3").prompt("we go home").width(1).maxNewTokens(8)
                    .build()));
            for (CompletableFuture<SearchOutcome> future : good) {
                assertThat(future.get().isError()).isFalse();
            }
            assertThat(fixture.engine.metrics().rejected()).isEqualTo(13);
            assertThat(fixture.engine.metrics().completed()).isEqualTo(3);
            fixture.assertIdleAndEmpty();
        }
    }

    private static void expect(EngineFixture fixture, SearchRequest request, ErrorCode code) throws Exception {
        SearchOutcome result = fixture.engine.submit(request).get();
        assertThat(result.error()).as(request.id()).isNotNull();
        assertThat(result.error().code()).as(request.id() + ": " + result.error().message()).isEqualTo(code);
        assertThat(result.winner()).isNull();
        assertThat(result.id()).isEqualTo(request.id());
    }
}
