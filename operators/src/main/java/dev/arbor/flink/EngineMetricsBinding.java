package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.llama.LlamaContext;
import dev.arbor.search.EngineMetrics;
import dev.arbor.search.ErrorCode;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Exports one subtask's {@link EngineMetrics}, the time its context spends inside llama.cpp's
 * {@code llama_decode}, the use of its shared model ({@link ModelRegistry}) and the outcome of its
 * records as Flink metrics, in the group {@value #GROUP} of the operator's metric group.
 *
 * <p>Gauges read the engine's live figures when a reporter asks; meters turn its token counters
 * into rates; the step-latency and llama_decode histograms are fed by the engine thread (which alone
 * may touch the context: a reporter reads what it sampled). The outcome counters count
 * the results the operator emits, by their error code ({@link #count}), so they add up to the
 * records answered. All metrics are safe to update from any thread.
 */
@Internal
public final class EngineMetricsBinding {
    /** The metric group, under the operator's, that holds every Arbor metric. */
    public static final String GROUP = "arbor";

    // Metric names (documented in docs/flink.md).
    public static final String GENERATED_TOKENS_PER_SECOND = "generatedTokensPerSecond";
    public static final String PROMPT_TOKENS_PER_SECOND = "promptTokensPerSecond";
    public static final String LIVE_BRANCHES = "liveBranches";
    public static final String LEASES_IN_USE = "leasesInUse";
    public static final String KV_CELLS_USED = "kvCellsUsed";
    public static final String KV_PRESSURE = "kvPressure";
    public static final String QUEUE_DEPTH = "queueDepth";
    public static final String ACTIVE_REQUESTS = "activeRequests";
    public static final String REQUESTS_COMPLETED = "requestsCompleted";
    public static final String REQUESTS_REJECTED = "requestsRejected";
    public static final String REQUESTS_FAILED = "requestsFailed";
    public static final String REQUESTS_TIMED_OUT = "requestsTimedOut";
    public static final String DECODE_STEP_LATENCY = "decodeStepLatencyMicros";
    public static final String CACHE_HITS = "prefixCacheHits";
    public static final String CACHE_MISSES = "prefixCacheMisses";
    public static final String CACHE_HIT_RATE = "prefixCacheHitRate";
    public static final String CACHED_PROMPT_TOKENS = "prefixCacheTokens";
    public static final String CACHE_ENTRIES = "prefixCacheEntries";
    public static final String CACHE_CELLS = "prefixCacheCells";
    public static final String CACHE_EVICTIONS = "prefixCacheEvictions";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String CHECKPOINT_BYTES = "checkpointBytes";
    public static final String CHECKPOINT_RESTORES = "checkpointRestores";
    public static final String REPLAYED_TOKENS = "replayedTokens";
    public static final String LLAMA_DECODE_LATENCY = "llamaDecodeMicros";
    public static final String LLAMA_DECODE_CALLS = "llamaDecodeCalls";
    public static final String MODEL_LOADS = "modelLoads";
    public static final String MODEL_LOAD_FAILURES = "modelLoadFailures";
    public static final String MODEL_USERS = "modelUsers";
    public static final String MODEL_PEAK_USERS = "modelPeakUsers";

    /** The codes of bad input; a code from a newer engine is not among them: counted as failed, never lost. */
    private static final Set<String> BAD_INPUT_CODES = Arrays.stream(ErrorCode.values()).filter(ErrorCode::isBadInput)
            .map(ErrorCode::name).collect(Collectors.toUnmodifiableSet());

    private static final int HISTOGRAM_WINDOW = 1024;

    private final MetricGroup group;
    private final Counter completed;
    private final Counter rejected;
    private final Counter failed;
    private final Counter timedOut;

    private EngineMetricsBinding(MetricGroup group, EngineMetrics engine, LlamaContext context) {
        this.group = group;
        group.meter(GENERATED_TOKENS_PER_SECOND, new MeterView((Gauge<Long>) engine::generatedTokens));
        group.meter(PROMPT_TOKENS_PER_SECOND, new MeterView((Gauge<Long>) engine::promptTokens));
        group.gauge(LIVE_BRANCHES, (Gauge<Integer>) engine::liveBranches);
        group.gauge(LEASES_IN_USE, (Gauge<Integer>) engine::leasesInUse);
        group.gauge(KV_CELLS_USED, (Gauge<Integer>) engine::kvCellsUsed);
        group.gauge(KV_PRESSURE, (Gauge<Double>) engine::kvPressure);
        group.gauge(QUEUE_DEPTH, (Gauge<Integer>) engine::queuedRequests);
        group.gauge(ACTIVE_REQUESTS, (Gauge<Integer>) engine::activeRequests);
        // The cache's counts live in the engine, written by its thread: gauges read them.
        group.gauge(CACHE_HITS, (Gauge<Long>) engine::cacheHits);
        group.gauge(CACHE_MISSES, (Gauge<Long>) engine::cacheMisses);
        group.gauge(CACHE_HIT_RATE, (Gauge<Double>) engine::cacheHitRate);
        group.gauge(CACHED_PROMPT_TOKENS, (Gauge<Long>) engine::cachedPromptTokens);
        group.gauge(CACHE_ENTRIES, (Gauge<Integer>) engine::cacheEntries);
        group.gauge(CACHE_CELLS, (Gauge<Integer>) engine::cacheCells);
        group.gauge(CACHE_EVICTIONS, (Gauge<Long>) engine::cacheEvictions);
        group.gauge(CHECKPOINTS, (Gauge<Integer>) engine::checkpoints);
        group.gauge(CHECKPOINT_BYTES, (Gauge<Long>) engine::checkpointBytes);
        group.gauge(CHECKPOINT_RESTORES, (Gauge<Long>) engine::checkpointRestores);
        group.gauge(REPLAYED_TOKENS, (Gauge<Long>) engine::replayedTokens);
        completed = group.counter(REQUESTS_COMPLETED, new ThreadSafeSimpleCounter());
        rejected = group.counter(REQUESTS_REJECTED, new ThreadSafeSimpleCounter());
        failed = group.counter(REQUESTS_FAILED, new ThreadSafeSimpleCounter());
        timedOut = group.counter(REQUESTS_TIMED_OUT, new ThreadSafeSimpleCounter());
        DescriptiveStatisticsHistogram stepLatency = group.histogram(DECODE_STEP_LATENCY,
                new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        DescriptiveStatisticsHistogram decodeLatency = group.histogram(LLAMA_DECODE_LATENCY,
                new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        DecodeClock decodes = new DecodeClock(context);
        group.gauge(LLAMA_DECODE_CALLS, (Gauge<Long>) decodes::calls);
        engine.onStep(nanos -> {
            stepLatency.update(nanos / 1_000);
            decodeLatency.update(decodes.sinceLastStepNanos() / 1_000);
        });
    }

    /**
     * Registers the metrics of {@code engine}, which runs on {@code context}, in {@code
     * operatorGroup}/{@value #GROUP}.
     */
    public static EngineMetricsBinding bind(MetricGroup operatorGroup, EngineMetrics engine, LlamaContext context) {
        return new EngineMetricsBinding(operatorGroup.addGroup(GROUP), engine, context);
    }

    /**
     * Adds the gauges of the model this subtask runs, as {@code registry} shares it among the slots of
     * this JVM: how often it was loaded (once while its users share it), how often loading it failed,
     * and how many hold it now and at most.
     */
    public EngineMetricsBinding withModel(ModelRegistry registry, ModelRegistry.Key model) {
        group.gauge(MODEL_LOADS, (Gauge<Integer>) () -> registry.loads(model));
        group.gauge(MODEL_LOAD_FAILURES, (Gauge<Integer>) () -> registry.failedLoads(model));
        group.gauge(MODEL_USERS, (Gauge<Integer>) () -> registry.users(model));
        group.gauge(MODEL_PEAK_USERS, (Gauge<Integer>) () -> registry.peakUsers(model));
        return this;
    }

    /**
     * The time a context spends inside {@code llama_decode}, read after each step on the engine
     * thread (the one thread that may use the context, which a reporter may ask after it closed).
     */
    private static final class DecodeClock {
        private final LlamaContext context;
        /** Engine thread only. */
        private long lastNanos;
        private volatile long calls;

        DecodeClock(LlamaContext context) {
            this.context = context;
        }

        /** Nanoseconds inside llama_decode since the last call (the step's prefill and decode). */
        long sinceLastStepNanos() {
            long now = context.decodeNanos();
            long since = now - lastNanos;
            lastNanos = now;
            calls = context.decodeCalls();
            return since;
        }

        long calls() {
            return calls;
        }
    }

    private static boolean isBadInput(String code) {
        return BAD_INPUT_CODES.contains(code);
    }

    /** Counts an emitted result: completed, or by its error code rejected, timed out or failed. */
    public void count(SearchResult result) {
        if (result.getError() == null) {
            completed.inc();
            return;
        }
        String code = result.getError().getCode();
        if (isBadInput(code)) {
            rejected.inc();
        } else if (ErrorCode.TIMEOUT.name().equals(code)) {
            timedOut.inc();
        } else {
            failed.inc();
        }
    }
}
