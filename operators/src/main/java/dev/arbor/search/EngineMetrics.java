package dev.arbor.search;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Live figures of one {@link SearchEngine}, written by its thread and readable from any thread
 * (counters are atomic, gauges volatile): what the Flink operator exports as metrics.
 */
@dev.arbor.annotation.PublicApi
public final class EngineMetrics {
    final AtomicLong submitted = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong cancelled = new AtomicLong();
    final AtomicLong preempted = new AtomicLong();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong generatedTokens = new AtomicLong();
    final AtomicLong steps = new AtomicLong();
    final AtomicLong stepNanos = new AtomicLong();
    final AtomicLong cacheHits = new AtomicLong();
    final AtomicLong cacheMisses = new AtomicLong();
    final AtomicLong cachedPromptTokens = new AtomicLong();
    final AtomicLong cacheEvictions = new AtomicLong();
    volatile int checkpoints;
    volatile long checkpointBytes;
    volatile long checkpointPeakBytes;
    volatile long checkpointRestores;
    volatile long replayedTokens;
    volatile int cacheEntries;
    volatile int cacheCells;
    volatile int activeRequests;
    volatile int queuedRequests;
    volatile int liveBranches;
    volatile int leasesInUse;
    volatile int kvCellsUsed;
    volatile int nCtx;
    volatile long lastStepNanos;
    private volatile LongConsumer stepListener = nanos -> { };

    /** Requests submitted (accepted or rejected). */
    public long submitted() {
        return submitted.get();
    }

    /** Requests that finished with a winner. */
    public long completed() {
        return completed.get();
    }

    /** Requests answered with a validation error (never admitted). */
    public long rejected() {
        return rejected.get();
    }

    /** Requests that failed while running (llama.cpp errors). */
    public long failed() {
        return failed.get();
    }

    public long timedOut() {
        return timedOut.get();
    }

    public long cancelled() {
        return cancelled.get();
    }

    /**
     * Times a running request gave way because the KV cache ran out of cells without its fault: it
     * was requeued and restarted later (0 while admission's accounting holds).
     */
    public long preempted() {
        return preempted.get();
    }

    /** Prompt tokens of all admitted requests, prefilled or served from the prefix cache. */
    public long promptTokens() {
        return promptTokens.get();
    }

    /** Tokens decoded for generation, over all requests and branches. */
    public long generatedTokens() {
        return generatedTokens.get();
    }

    /** Decode steps taken (each one batched decode of every live branch). */
    public long steps() {
        return steps.get();
    }

    public long totalStepNanos() {
        return stepNanos.get();
    }

    public long lastStepNanos() {
        return lastStepNanos;
    }

    public int activeRequests() {
        return activeRequests;
    }

    /** Requests submitted but not yet admitted. */
    public int queuedRequests() {
        return queuedRequests;
    }

    public int liveBranches() {
        return liveBranches;
    }

    public int leasesInUse() {
        return leasesInUse;
    }

    public int kvCellsUsed() {
        return kvCellsUsed;
    }

    /** Fraction of KV cells in use, 0..1. */
    public double kvPressure() {
        int cells = nCtx;
        return cells == 0 ? 0 : (double) kvCellsUsed / cells;
    }

    /** Admitted requests that started from a cached prefix: a cache entry or a running request's prompt. */
    public long cacheHits() {
        return cacheHits.get();
    }

    /** Admitted requests that found no prefix cache entry to start from (counted only while the cache is on). */
    public long cacheMisses() {
        return cacheMisses.get();
    }

    /** Prompt tokens served from the prefix cache instead of prefilled. */
    public long cachedPromptTokens() {
        return cachedPromptTokens.get();
    }

    /** Share of admitted prompt tokens served from the prefix cache, 0..1. */
    public double cacheHitRate() {
        long prompts = promptTokens.get();
        return prompts == 0 ? 0 : (double) cachedPromptTokens.get() / prompts;
    }

    /** Prefix cache entries released to make room for requests (or to stay under the cache's cell limit). */
    public long cacheEvictions() {
        return cacheEvictions.get();
    }

    /** Prefix cache entries held now (each one sequence lease). */
    public int cacheEntries() {
        return cacheEntries;
    }

    /** KV cells only the prefix cache holds now (no running request): what emptying it would free. */
    public int cacheCells() {
        return cacheCells;
    }

    /**
     * Checkpoints held now: saved recurrent states and window cells (hybrid, recurrent and
     * sliding-window models; always 0 on a dense one).
     */
    public int checkpoints() {
        return checkpoints;
    }

    /** Bytes the checkpoints hold now (within the engine's checkpoint budget). */
    public long checkpointBytes() {
        return checkpointBytes;
    }

    /** The most bytes the checkpoints held at once so far. */
    public long checkpointPeakBytes() {
        return checkpointPeakBytes;
    }

    /** Times a checkpoint was restored to start a branch below another's head (the prefix cache's hits on such models). */
    public long checkpointRestores() {
        return checkpointRestores;
    }

    /** Tokens decoded again from a checkpoint below the position asked for: what going back cost. */
    public long replayedTokens() {
        return replayedTokens;
    }

    /** Called on the engine thread with each step's decode time, in nanoseconds (for histograms). */
    public void onStep(LongConsumer listener) {
        this.stepListener = listener == null ? nanos -> { } : listener;
    }

    void recordStep(long nanos, int tokens) {
        steps.incrementAndGet();
        stepNanos.addAndGet(nanos);
        lastStepNanos = nanos;
        generatedTokens.addAndGet(tokens);
        stepListener.accept(nanos);
    }
}
