package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A seeded random sequence of admissions, evictions (a context too small to keep every prefix)
 * and cancellations: after every engine step every lease is a live branch of a request or an
 * entry, every sequence holds exactly its branch's cells and the entries fit what admission left
 * unreserved ({@link EngineInvariants}); between rounds the idle engine holds only the cache; what
 * completes equals what the engine gives without the cache; closing frees every cell.
 */
class PrefixCacheInvariantsTest {
    private static final int N_CTX = 512;
    private static final int N_SEQ_MAX = 8;

    @Test
    void invariantsHoldThroughRandomAdmissionsEvictionsAndCancellations() throws Exception {
        List<PrefixWorkload.Item> items = PrefixWorkload.mix(120, 29, 4, 4);
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny())) {
            List<PrefixWorkload.Answer> reference;
            try (EngineFixture off = new EngineFixture(model, N_CTX, N_SEQ_MAX, PrefixCacheConfig.DISABLED)) {
                reference = PrefixWorkload.run(off.engine, items);
            }
            EngineFixture on = new EngineFixture(model, N_CTX, N_SEQ_MAX, PrefixCacheConfig.defaults());
            try {
                List<String> violations = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger checks = new AtomicInteger();
                on.checkInvariants(found -> {
                    checks.incrementAndGet();
                    violations.addAll(found);
                });
                Random random = new Random(5);
                int cancelled = 0;
                for (int round = 0; round * 12 < items.size(); round++) {
                    List<PrefixWorkload.Item> batch = items.subList(round * 12, Math.min(items.size(), round * 12 + 12));
                    cancelled += runRound(on.engine, batch, reference.subList(round * 12, round * 12 + batch.size()),
                            random);
                    on.assertIdleHoldingOnlyTheCache();
                    assertThat(violations).as("after round " + round).isEmpty();
                }
                EngineMetrics metrics = on.engine.metrics();
                assertThat(checks.get()).as("steps checked").isGreaterThan(100);
                assertThat(cancelled).as("cancellations").isPositive();
                assertThat(metrics.cacheHits()).as("hits").isPositive();
                assertThat(metrics.cacheEvictions()).as("evictions").isPositive();
                assertThat(metrics.preempted()).as("the cache never left a request short of cells").isZero();
                on.engine.close();
                assertThat(on.context.kvUsedCells()).as("cells after close").isZero();
            } finally {
                on.close();
            }
        }
    }

    /** Submits the batch, cancels about a quarter after 0-3 ms; returns how many it cancelled. */
    private static int runRound(SearchEngine engine, List<PrefixWorkload.Item> batch,
            List<PrefixWorkload.Answer> expected, Random random) throws Exception {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (PrefixWorkload.Item item : batch) {
            futures.add(item.search() != null ? engine.submit(item.search())
                    : engine.likelihood(item.id(), item.prompt(), item.continuation()));
        }
        int cancelled = 0;
        for (CompletableFuture<?> future : futures) {
            if (random.nextInt(4) == 0) {
                EngineFixture.sleep(random.nextInt(4));
                cancelled += future.cancel(true) ? 1 : 0;
            }
        }
        for (int i = 0; i < futures.size(); i++) {
            Object answer;
            try {
                answer = futures.get(i).get(120, TimeUnit.SECONDS);
            } catch (CancellationException e) {
                continue;
            }
            PrefixWorkload.Answer got = answer instanceof SearchOutcome search ? new PrefixWorkload.Answer(search, null)
                    : new PrefixWorkload.Answer(null, (LikelihoodResult) answer);
            PrefixWorkload.assertSameAnswers(List.of(got), List.of(expected.get(i)));
        }
        return cancelled;
    }
}
