package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

/** A context and an engine on it, for tests; closes both in the right order. */
final class EngineFixture implements AutoCloseable {
    final LlamaContext context;
    final SearchEngine engine;
    private final EngineInvariants invariants = new EngineInvariants();

    EngineFixture(LlamaModel model, int nCtx, int nSeqMax) {
        this(model, nCtx, nSeqMax, -1);
    }

    /** @param admissionCells when positive, admission believes the context has this many cells (overcommit) */
    EngineFixture(LlamaModel model, int nCtx, int nSeqMax, int admissionCells) {
        this.context = LlamaContext.create(model,
                ContextParams.builder().nCtx(nCtx).nBatch(128).nSeqMax(nSeqMax).threads(2).build());
        SearchEngine.Builder builder = SearchEngine.builder(context).listener(invariants);
        if (admissionCells > 0) {
            builder.overcommit((double) admissionCells / nCtx);
        }
        this.engine = builder.build();
    }

    /** An engine with the prefix cache set up as {@code cache} says. */
    EngineFixture(LlamaModel model, int nCtx, int nSeqMax, PrefixCacheConfig cache) {
        this.context = LlamaContext.create(model,
                ContextParams.builder().nCtx(nCtx).nBatch(128).nSeqMax(nSeqMax).threads(2).build());
        this.engine = SearchEngine.builder(context).capacity(2 * nSeqMax).prefixCache(cache).listener(invariants)
                .build();
    }

    /** From now on, after every pass of the engine, {@code consumer} gets the violated invariants ({@link EngineInvariants}). */
    void checkInvariants(Consumer<List<String>> consumer) {
        invariants.report(consumer);
    }

    SearchOutcome run(SearchRequest request) {
        try {
            return engine.submit(request).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("request " + request.id() + " did not complete", e);
        }
    }

    /** Waits until the engine is idle and checks that it holds no lease and no cell. */
    void assertIdleAndEmpty() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        EngineMetrics metrics = engine.metrics();
        while (System.nanoTime() < deadline && (metrics.activeRequests() > 0 || metrics.queuedRequests() > 0
                || metrics.leasesInUse() > 0 || metrics.kvCellsUsed() > 0)) {
            sleep(5);
        }
        assertThat(metrics.activeRequests()).isZero();
        assertThat(metrics.leasesInUse()).as("leases in use once idle").isZero();
        assertThat(metrics.kvCellsUsed()).as("KV cells once idle").isZero();
    }

    /**
     * Waits until the engine is idle and checks that what it holds is the prefix cache's: every
     * lease an entry's, every cell one only entries see.
     */
    void assertIdleHoldingOnlyTheCache() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        EngineMetrics metrics = engine.metrics();
        while (System.nanoTime() < deadline && (metrics.activeRequests() > 0 || metrics.queuedRequests() > 0
                || metrics.leasesInUse() != metrics.cacheEntries() || metrics.kvCellsUsed() != metrics.cacheCells())) {
            sleep(5);
        }
        assertThat(metrics.activeRequests()).isZero();
        assertThat(metrics.liveBranches()).as("live branches once idle: the entries").isEqualTo(metrics.cacheEntries());
        assertThat(metrics.leasesInUse()).as("leases once idle: the entries'").isEqualTo(metrics.cacheEntries());
        assertThat(metrics.kvCellsUsed()).as("KV cells once idle: the entries'").isEqualTo(metrics.cacheCells());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        engine.close();
        context.close();
    }
}
