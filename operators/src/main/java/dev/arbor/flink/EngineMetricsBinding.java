package dev.arbor.flink;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.SearchResult;
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
 * Exports one subtask's {@link EngineMetrics} and the outcome of its records as Flink metrics, in
 * the group {@value #GROUP} of the operator's metric group.
 *
 * <p>Gauges read the engine's live figures when a reporter asks; meters turn its token counters
 * into rates; the step-latency histogram is fed by the engine thread. The outcome counters count
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

    /** The codes of bad input; a code from a newer engine is not among them: counted as failed, never lost. */
    private static final Set<String> BAD_INPUT_CODES = Arrays.stream(ErrorCode.values()).filter(ErrorCode::isBadInput)
            .map(ErrorCode::name).collect(Collectors.toUnmodifiableSet());

    private static final int HISTOGRAM_WINDOW = 1024;

    private final Counter completed;
    private final Counter rejected;
    private final Counter failed;
    private final Counter timedOut;

    private EngineMetricsBinding(MetricGroup group, EngineMetrics engine) {
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
        engine.onStep(nanos -> stepLatency.update(nanos / 1_000));
    }

    /** Registers the metrics of {@code engine} in {@code operatorGroup}/{@value #GROUP}. */
    public static EngineMetricsBinding bind(MetricGroup operatorGroup, EngineMetrics engine) {
        return new EngineMetricsBinding(operatorGroup.addGroup(GROUP), engine);
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
