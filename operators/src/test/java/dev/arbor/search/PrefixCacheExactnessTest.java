package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prefix cache changes no answer: 200 mixed requests (beam search and best-of-n of widths 1-8,
 * some under a grammar, likelihood measurements; most sharing one of four long prefixes, some
 * sharing nothing) give the
 * same tokens, finish reasons and log-probabilities (within llama.cpp's batch spread, flash
 * attention off) with the cache as without it, while the cache really served most shared prefixes.
 */
class PrefixCacheExactnessTest {
    @Test
    void twoHundredMixedRequestsGiveTheSameAnswersWithAndWithoutTheCache() {
        List<PrefixWorkload.Item> items = PrefixWorkload.mix(200, 13, 8, 4);
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny())) {
            List<PrefixWorkload.Answer> without;
            try (EngineFixture off = new EngineFixture(model, 4096, 16, PrefixCacheConfig.DISABLED)) {
                without = PrefixWorkload.run(off.engine, items);
                assertThat(off.engine.metrics().cacheHits() + off.engine.metrics().cacheMisses()).isZero();
                off.assertIdleAndEmpty();
            }
            try (EngineFixture on = new EngineFixture(model, 4096, 16, PrefixCacheConfig.defaults())) {
                List<PrefixWorkload.Answer> with = PrefixWorkload.run(on.engine, items);
                PrefixWorkload.assertSameAnswers(with, without);

                EngineMetrics metrics = on.engine.metrics();
                System.out.printf("prefix cache: %d hits, %d misses, token hit rate %.2f, %d evictions%n",
                        metrics.cacheHits(), metrics.cacheMisses(), metrics.cacheHitRate(), metrics.cacheEvictions());
                // 140 items share a prefix; how many find a source depends on what runs beside them.
                assertThat(metrics.cacheHits()).as("requests started from the cache").isGreaterThan(40);
                assertThat(metrics.cacheHits() + metrics.cacheMisses()).isEqualTo(200);
                assertThat(metrics.cacheHitRate()).isGreaterThan(0.2);
                long served = 0;
                for (int i = 0; i < items.size(); i++) {
                    SearchOutcome search = with.get(i).search();
                    if (search != null) {
                        RunStats stats = search.stats();
                        assertThat(stats.cachedPromptTokens()).isLessThan(stats.promptTokens());
                        assertThat(without.get(i).search().stats().cachedPromptTokens()).isZero();
                        served += stats.cachedPromptTokens();
                        if (items.get(i).search().grammar() != null) {
                            assertThat(search.winner().completion().text()).as(search.id()).matches("[0-9][0-9 ]*");
                        }
                    }
                }
                assertThat(served).as("searches served from the cache").isPositive()
                        .isLessThanOrEqualTo(metrics.cachedPromptTokens());
                on.assertIdleHoldingOnlyTheCache();
                assertThat(metrics.cacheEntries()).as("one entry per shared prefix at most").isBetween(1, 4);
            }
        }
    }
}
