package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaModel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every lease and KV cell comes back whether a request completes, fails, is cancelled or times out. */
class LifecycleTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(SearchTestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private static SearchRequest.Builder longRequest(String id) {
        return SearchRequest.builder(id).prompt("once upon a time there was a king").width(3).maxNewTokens(400)
                .stopAtEndOfGeneration(false);
    }

    @Test
    void completedRequestsGiveEverythingBack() {
        try (EngineFixture fixture = new EngineFixture(model, 2048, 8)) {
            SearchOutcome beam = fixture.run(SearchRequest.builder("beam").prompt("the king").width(4).maxNewTokens(8)
                    .build());
            SearchOutcome best = fixture.run(SearchRequest.builder("best").prompt("the king").width(4).maxNewTokens(8)
                    .strategy(SearchStrategy.BEST_OF_N).build());
            assertThat(beam.isError()).isFalse();
            assertThat(best.isError()).isFalse();
            assertThat(best.stats().peakLeases()).isEqualTo(4);
            assertThat(best.stats().generatedTokens()).isPositive();
            assertThat(best.stats().peakKvCells()).isGreaterThan(best.stats().promptTokens());
            fixture.assertIdleAndEmpty();
        }
    }

    @Test
    void aFailingRequestGivesEverythingBackAndOthersCarryOn() {
        try (EngineFixture fixture = new EngineFixture(model, 2048, 8)) {
            Scorer broken = completion -> {
                throw new IllegalStateException("scorer exploded");
            };
            CompletableFuture<SearchOutcome> failing = fixture.engine.submit(SearchRequest.builder("fails")
                    .prompt("the king").strategy(SearchStrategy.BEST_OF_N).width(3).maxNewTokens(5).scorer(broken).build());
            SearchOutcome other = fixture.run(SearchRequest.builder("fine").prompt("the sea").width(2).maxNewTokens(5)
                    .build());
            SearchOutcome failed = failing.join();
            assertThat(failed.error().code()).isEqualTo(ErrorCode.FAILED);
            assertThat(failed.error().message()).contains("scorer exploded");
            assertThat(other.isError()).isFalse();
            fixture.assertIdleAndEmpty();
            assertThat(fixture.engine.metrics().failed()).isEqualTo(1);
        }
    }

    @Test
    void aCancelledRequestGivesItsBranchesBackAtOnce() throws Exception {
        try (EngineFixture fixture = new EngineFixture(model, 4096, 8)) {
            CompletableFuture<SearchOutcome> running = fixture.engine.submit(longRequest("long").build());
            waitUntil(() -> fixture.engine.metrics().leasesInUse() == 3);
            running.cancel(true);
            fixture.assertIdleAndEmpty();
            assertThat(fixture.engine.metrics().cancelled()).isEqualTo(1);
            assertThat(fixture.run(SearchRequest.builder("after").prompt("hello").width(2).maxNewTokens(4).build())
                    .isError()).isFalse();
        }
    }

    @Test
    void aTimedOutRequestAnswersTimeoutAndGivesEverythingBack() {
        try (EngineFixture fixture = new EngineFixture(model, 4096, 8)) {
            // Best-of-n never stops early (a beam search may), and 1,300 steps take far longer than 100 ms.
            SearchOutcome result = fixture.run(longRequest("slow").strategy(SearchStrategy.BEST_OF_N).maxNewTokens(1300)
                    .timeout(Duration.ofMillis(100)).build());
            assertThat(result.error().code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(result.stats().decodeSteps()).isPositive();
            fixture.assertIdleAndEmpty();
            assertThat(fixture.engine.metrics().timedOut()).isEqualTo(1);
        }
    }

    @Test
    void closingTheEngineAnswersWhatIsPendingAndRefusesNewWork() throws Exception {
        EngineFixture fixture = new EngineFixture(model, 4096, 8);
        CompletableFuture<SearchOutcome> running = fixture.engine.submit(longRequest("running").build());
        CompletableFuture<SearchOutcome> queued = fixture.engine.submit(longRequest("queued").build());
        waitUntil(() -> fixture.engine.metrics().leasesInUse() > 0);
        fixture.close();
        assertThat(running.get(10, TimeUnit.SECONDS).error().code()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(queued.get(10, TimeUnit.SECONDS).error().code()).isEqualTo(ErrorCode.CANCELLED);
        SearchOutcome late = fixture.engine.submit(SearchRequest.builder("late").prompt("hi").build()).get();
        assertThat(late.error().code()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(fixture.engine.metrics().kvCellsUsed()).isZero();
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 30 s");
            }
            EngineFixture.sleep(2);
        }
    }

    @Test
    void samplerSettingsOfBestOfNAreHonoured() {
        try (EngineFixture fixture = new EngineFixture(model, 2048, 8)) {
            SearchOutcome result = fixture.run(SearchRequest.builder("topk").prompt("the sea").strategy(SearchStrategy.BEST_OF_N)
                    .width(2).maxNewTokens(6).sampler(SamplerParams.builder().temperature(2).topK(1).build())
                    .returnCandidates(true).build());
            assertThat(result.candidates().get(0).tokens()).isEqualTo(result.candidates().get(1).tokens());
        }
    }
}
