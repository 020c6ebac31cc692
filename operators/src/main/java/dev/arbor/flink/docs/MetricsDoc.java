package dev.arbor.flink.docs;

import static dev.arbor.flink.EngineMetricsBinding.ACTIVE_REQUESTS;
import static dev.arbor.flink.EngineMetricsBinding.CACHED_PROMPT_TOKENS;
import static dev.arbor.flink.EngineMetricsBinding.CACHE_CELLS;
import static dev.arbor.flink.EngineMetricsBinding.CACHE_ENTRIES;
import static dev.arbor.flink.EngineMetricsBinding.CACHE_EVICTIONS;
import static dev.arbor.flink.EngineMetricsBinding.CHECKPOINTS;
import static dev.arbor.flink.EngineMetricsBinding.CHECKPOINT_BYTES;
import static dev.arbor.flink.EngineMetricsBinding.CHECKPOINT_RESTORES;
import static dev.arbor.flink.EngineMetricsBinding.REPLAYED_TOKENS;
import static dev.arbor.flink.EngineMetricsBinding.CACHE_HITS;
import static dev.arbor.flink.EngineMetricsBinding.CACHE_HIT_RATE;
import static dev.arbor.flink.EngineMetricsBinding.CACHE_MISSES;
import static dev.arbor.flink.EngineMetricsBinding.DECODE_STEP_LATENCY;
import static dev.arbor.flink.EngineMetricsBinding.GENERATED_TOKENS_PER_SECOND;
import static dev.arbor.flink.EngineMetricsBinding.KV_CELLS_USED;
import static dev.arbor.flink.EngineMetricsBinding.KV_PRESSURE;
import static dev.arbor.flink.EngineMetricsBinding.LEASES_IN_USE;
import static dev.arbor.flink.EngineMetricsBinding.LIVE_BRANCHES;
import static dev.arbor.flink.EngineMetricsBinding.LLAMA_DECODE_CALLS;
import static dev.arbor.flink.EngineMetricsBinding.LLAMA_DECODE_LATENCY;
import static dev.arbor.flink.EngineMetricsBinding.MODEL_LOADS;
import static dev.arbor.flink.EngineMetricsBinding.MODEL_LOAD_FAILURES;
import static dev.arbor.flink.EngineMetricsBinding.MODEL_PEAK_USERS;
import static dev.arbor.flink.EngineMetricsBinding.MODEL_USERS;
import static dev.arbor.flink.EngineMetricsBinding.PROMPT_TOKENS_PER_SECOND;
import static dev.arbor.flink.EngineMetricsBinding.QUEUE_DEPTH;
import static dev.arbor.flink.EngineMetricsBinding.REQUESTS_COMPLETED;
import static dev.arbor.flink.EngineMetricsBinding.REQUESTS_FAILED;
import static dev.arbor.flink.EngineMetricsBinding.REQUESTS_REJECTED;
import static dev.arbor.flink.EngineMetricsBinding.REQUESTS_TIMED_OUT;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.EngineMetricsBinding;
import dev.arbor.search.ErrorCode;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The metrics table of the user guide: every metric {@link EngineMetricsBinding} registers, with
 * its kind and meaning (a test checks that none is missing).
 */
@Internal
public final class MetricsDoc {
    /** One metric: its name in the {@code arbor} group, Flink's kind of metric, and what it measures. */
    public record Metric(String name, String kind, String meaning) {}

    private MetricsDoc() {}

    public static List<Metric> metrics() {
        return List.of(
                new Metric(GENERATED_TOKENS_PER_SECOND, "meter", "Tokens decoded for generation, over all branches"),
                new Metric(PROMPT_TOKENS_PER_SECOND, "meter", "Prompt tokens of admitted requests, prefilled or "
                        + "served from the prefix cache"),
                new Metric(LIVE_BRANCHES, "gauge", "Branches (KV sequences with state) alive now"),
                new Metric(LEASES_IN_USE, "gauge", "Sequence ids leased, out of `n-seq-max`"),
                new Metric(KV_CELLS_USED, "gauge", "KV cells in use"),
                new Metric(KV_PRESSURE, "gauge", "`kvCellsUsed / n-ctx`, from 0 to 1"),
                new Metric(QUEUE_DEPTH, "gauge", "Requests submitted but not yet admitted (waiting for cells or "
                        + "sequences)"),
                new Metric(ACTIVE_REQUESTS, "gauge", "Requests being searched"),
                new Metric(REQUESTS_COMPLETED, "counter", "Results with a winner"),
                new Metric(REQUESTS_REJECTED, "counter", "Error results for bad input: " + badInputCodes()),
                new Metric(REQUESTS_FAILED, "counter", "Error results `FAILED` or `CANCELLED`"),
                new Metric(REQUESTS_TIMED_OUT, "counter", "Error results `TIMEOUT`"),
                new Metric(DECODE_STEP_LATENCY, "histogram", "Time of each batched decode step, in microseconds "
                        + "(last 1024 steps)"),
                new Metric(LLAMA_DECODE_LATENCY, "histogram", "Time inside llama.cpp's `llama_decode` of each step "
                        + "(its decode and the prefills since the step before), in microseconds (last 1024 steps): "
                        + "what the step spent in the model rather than in Arbor"),
                new Metric(LLAMA_DECODE_CALLS, "gauge", "`llama_decode` calls of the subtask's context so far (a "
                        + "batch larger than `n-batch` takes several)"),
                new Metric(CACHE_HITS, "gauge", "Requests (counted since the subtask started) that started from a "
                        + "cached prefix"),
                new Metric(CACHE_MISSES, "gauge", "Requests that found no cached prefix (counted while the cache is on)"),
                new Metric(CACHED_PROMPT_TOKENS, "gauge", "Prompt tokens served from the prefix cache instead of "
                        + "prefilled"),
                new Metric(CACHE_HIT_RATE, "gauge", "`" + CACHED_PROMPT_TOKENS + "` / prompt tokens of admitted "
                        + "requests, from 0 to 1"),
                new Metric(CACHE_ENTRIES, "gauge", "Prefix cache entries held now (one sequence each)"),
                new Metric(CACHE_CELLS, "gauge", "KV cells only the prefix cache holds now: what emptying it would free"),
                new Metric(CACHE_EVICTIONS, "gauge", "Entries released so far to make room for requests or to stay "
                        + "under `arbor.cache.max-cells`"),
                new Metric(CHECKPOINTS, "gauge", "Checkpoints held now: saved recurrent states and window cells of "
                        + "hybrid, recurrent and sliding-window models (0 on dense ones)"),
                new Metric(CHECKPOINT_BYTES, "gauge", "Bytes the checkpoints hold now, within "
                        + "`arbor.context.checkpoint-bytes`"),
                new Metric(CHECKPOINT_RESTORES, "gauge", "Checkpoints restored so far to start a branch below "
                        + "another's head (prefix cache hits on such models)"),
                new Metric(REPLAYED_TOKENS, "gauge", "Tokens decoded again from a checkpoint below the position "
                        + "asked for (what going back cost)"),
                new Metric(MODEL_LOADS, "gauge", "Times this TaskManager loaded the subtask's model (1 while its "
                        + "slots share one copy)"),
                new Metric(MODEL_LOAD_FAILURES, "gauge", "Loads of the subtask's model that failed in this "
                        + "TaskManager"),
                new Metric(MODEL_USERS, "gauge", "Slots (and prefix routers) of this TaskManager holding the "
                        + "subtask's model now"),
                new Metric(MODEL_PEAK_USERS, "gauge", "Most holders of the subtask's model at once"));
    }

    private static String badInputCodes() {
        return Arrays.stream(ErrorCode.values()).filter(ErrorCode::isBadInput).map(code -> "`" + code + "`")
                .collect(Collectors.joining(", "));
    }

    public static String table() {
        MarkdownTable table = new MarkdownTable("Metric", "Kind", "Meaning");
        for (Metric metric : metrics()) {
            table.row(MarkdownTable.code(metric.name()), metric.kind(), MarkdownTable.text(metric.meaning()));
        }
        return table.toString();
    }
}
