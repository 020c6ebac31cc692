package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Entries give way: in a context that holds two requests at a time, entries must be released
 * over and over, yet every request completes, with the answers it gets without the cache, no
 * request is ever preempted (short of cells) and the invariants hold after every step; with
 * {@code maxCells} the cache never keeps more cells than that.
 */
class PrefixCacheEvictionTest {
    private static final int N_CTX = 256;
    private static final int N_SEQ_MAX = 8;
    private static LlamaModel model;
    private static List<PrefixWorkload.Item> items;
    private static List<PrefixWorkload.Answer> without;

    @BeforeAll
    static void runWithoutTheCache() {
        model = LlamaModel.load(SearchTestModels.tiny());
        items = PrefixWorkload.mix(60, 41, 4, 4);
        try (EngineFixture off = new EngineFixture(model, N_CTX, N_SEQ_MAX, PrefixCacheConfig.DISABLED)) {
            without = PrefixWorkload.run(off.engine, items);
        }
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @Test
    void underPressureEntriesAreEvictedAndEveryRequestCompletesUnchanged() {
        EngineMetrics metrics = runWithCache(PrefixCacheConfig.defaults());
        assertThat(metrics.cacheEvictions()).as("evictions").isPositive();
        assertThat(metrics.cacheHits()).as("hits").isPositive();
    }

    @Test
    void theCacheKeepsNoMoreCellsThanItsLimit() {
        int limit = 40;
        EngineMetrics metrics = runWithCache(new PrefixCacheConfig(true, limit, 16));
        assertThat(metrics.cacheCells()).isLessThanOrEqualTo(limit);
        assertThat(metrics.cacheHits()).as("prefixes of up to 40 tokens still serve").isPositive();
    }

    /** Runs the workload with the cache, checks answers, invariants and completions; returns the metrics. */
    private static EngineMetrics runWithCache(PrefixCacheConfig cache) {
        try (EngineFixture on = new EngineFixture(model, N_CTX, N_SEQ_MAX, cache)) {
            List<String> violations = new ArrayList<>();
            AtomicInteger checks = new AtomicInteger();
            on.checkInvariants(found -> {
                checks.incrementAndGet();
                synchronized (violations) {
                    violations.addAll(found);
                }
            });
            List<PrefixWorkload.Answer> with = PrefixWorkload.run(on.engine, items);
            PrefixWorkload.assertSameAnswers(with, without);
            on.assertIdleHoldingOnlyTheCache();
            EngineMetrics metrics = on.engine.metrics();
            assertThat(metrics.completed() + metrics.failed()).isEqualTo(items.size());
            assertThat(metrics.failed()).isZero();
            assertThat(metrics.preempted()).as("no request ran short of cells").isZero();
            assertThat(checks.get()).isPositive();
            synchronized (violations) {
                assertThat(violations).isEmpty();
            }
            return metrics;
        }
    }
}
