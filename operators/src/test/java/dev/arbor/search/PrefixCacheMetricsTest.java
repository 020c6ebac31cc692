package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The prefix cache's counts, request by request: a prompt seen once is not kept; the second
 * request sharing its prefix is kept (cut back to the shared 20 tokens) when it finishes; the third
 * starts from it and prefills only its own tail; a request needing every sequence evicts the entry;
 * closing the engine frees its cells.
 */
class PrefixCacheMetricsTest {
    private static final int SHARED = 20;

    /** The shared 20 tokens, then four of the request's own (first one distinct per request). */
    private static int[] prompt(int request) {
        int[] prompt = new int[SHARED + 4];
        for (int i = 0; i < SHARED; i++) {
            prompt[i] = 10 + i;
        }
        for (int i = SHARED; i < prompt.length; i++) {
            prompt[i] = 40 + request * 5 + i - SHARED;
        }
        return prompt;
    }

    private static SearchRequest request(String id, int[] prompt, int width) {
        return SearchRequest.builder(id).promptTokens(prompt).width(width).maxNewTokens(3).build();
    }

    @Test
    void countsFollowTheRequests() {
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny());
                EngineFixture fixture = new EngineFixture(model, 1024, 4, PrefixCacheConfig.defaults())) {
            EngineMetrics metrics = fixture.engine.metrics();

            SearchOutcome first = fixture.run(request("a", prompt(0), 2));
            fixture.assertIdleHoldingOnlyTheCache();
            assertThat(first.stats().cachedPromptTokens()).isZero();
            assertThat(metrics.cacheEntries()).as("a prompt seen once is not kept").isZero();

            SearchOutcome second = fixture.run(request("b", prompt(1), 2));
            fixture.assertIdleHoldingOnlyTheCache();
            assertThat(second.stats().cachedPromptTokens()).isZero();
            assertThat(metrics.cacheEntries()).as("the shared prefix is kept").isEqualTo(1);
            assertThat(metrics.cacheCells()).as("cut back to what the prompts share").isEqualTo(SHARED);
            assertThat(metrics.cacheHits()).isZero();
            assertThat(metrics.cacheMisses()).isEqualTo(2);

            SearchOutcome third = fixture.run(request("c", prompt(2), 2));
            fixture.assertIdleHoldingOnlyTheCache();
            assertThat(third.stats().cachedPromptTokens()).isEqualTo(SHARED);
            assertThat(metrics.cacheHits()).isEqualTo(1);
            assertThat(metrics.cachedPromptTokens()).isEqualTo(SHARED);
            assertThat(metrics.cacheHitRate()).isEqualTo((double) SHARED / (3 * prompt(0).length));
            assertThat(metrics.cacheEntries()).as("still one entry for the prefix").isEqualTo(1);

            int[] same = Arrays.copyOf(prompt(2), SHARED);
            SearchOutcome whole = fixture.run(request("d", same, 1));
            assertThat(whole.stats().cachedPromptTokens()).as("all but the last token, which is prefilled again")
                    .isEqualTo(SHARED - 1);
            assertThat(metrics.cacheEvictions()).isZero();

            SearchOutcome wide = fixture.run(request("e", new int[] {1, 2, 3, 4, 5}, 4));
            assertThat(wide.isError()).isFalse();
            assertThat(metrics.cacheEvictions()).as("a request needing every sequence evicts the entry").isEqualTo(1);
            fixture.assertIdleHoldingOnlyTheCache();
            assertThat(metrics.cacheEntries()).isZero();
            assertThat(metrics.cacheHits() + metrics.cacheMisses()).isEqualTo(5);
            fixture.engine.close();
            assertThat(fixture.context.kvUsedCells()).isZero();
        }
    }
}
