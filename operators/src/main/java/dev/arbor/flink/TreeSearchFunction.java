package dev.arbor.flink;

import dev.arbor.annotation.PublicApi;
import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Flink's async function for tree search: each parallel instance owns one llama.cpp context and
 * one {@link dev.arbor.search.SearchEngine} (one context per task slot) on a model shared through
 * the JVM's {@link ModelRegistry}, and answers every {@link PromptRequest} with exactly one
 * {@link SearchResult}.
 *
 * <p>Lifecycle: {@link #open} creates the slot's {@link SlotRuntime}; {@link #close} drains and
 * releases it. The function holds no Flink state: the async operator around it checkpoints the
 * records in flight and re-issues them after a restore, and since sampling seeds derive from the
 * record id the re-run gives the same result.
 *
 * <p>Bad input never fails the job: invalid records, engine errors and timeouts all become error
 * results (see {@link dev.arbor.search.ErrorCode}). Serializable: only the configuration travels;
 * the runtime is transient and created in {@link #open}. Build it with {@link TreeSearch}.
 */
@PublicApi
public class TreeSearchFunction extends RichAsyncFunction<PromptRequest, SearchResult> {
    private static final long serialVersionUID = 1L;

    private final ArborConfig config;
    private final int capacity;
    private final Duration asyncTimeout;

    private transient SlotHolder slot;
    private transient int taskSlots = 1;
    // Searches in flight by the operator's handle, so that timeout() can cancel the one it gives up on.
    private transient Map<ResultFuture<SearchResult>, CompletableFuture<SearchResult>> inFlight;

    /**
     * @param capacity the records the async operator keeps in flight (the engine's capacity hint)
     * @param asyncTimeout the async operator's timeout, for the message of a TIMEOUT result
     */
    public TreeSearchFunction(ArborConfig config, int capacity, Duration asyncTimeout) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.config = config;
        this.capacity = capacity;
        this.asyncTimeout = asyncTimeout;
    }

    /**
     * Reads the TaskManager's slot count from the operator's own context, which RichAsyncFunction
     * hides behind a narrower one from here on.
     */
    @Override
    public void setRuntimeContext(RuntimeContext context) {
        taskSlots = TaskSlots.of(context);
        super.setRuntimeContext(context);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        inFlight = Collections.synchronizedMap(new IdentityHashMap<>());
        slot = SlotHolder.open(config, taskSlots, capacity,
                getRuntimeContext().getMetricGroup());
    }

    @Override
    public void asyncInvoke(PromptRequest input, ResultFuture<SearchResult> resultFuture) {
        SlotHolder holder = slot;
        CompletableFuture<SearchResult> result = holder.runtime().submit(input);
        inFlight.put(resultFuture, result);
        result.whenComplete((record, error) -> {
            inFlight.remove(resultFuture);
            // null: cancelled by timeout(), which answered already. While closing, results (CANCELLED)
            // are dropped: the records are in the last checkpoint and will be re-issued.
            if (record != null && !holder.isClosing()) {
                resultFuture.complete(List.of(record));
            }
        });
    }

    /** Answers with a TIMEOUT result instead of failing the job, and frees the search's branches. */
    @Override
    public void timeout(PromptRequest input, ResultFuture<SearchResult> resultFuture) {
        CompletableFuture<SearchResult> running = inFlight.remove(resultFuture);
        if (running != null) {
            running.cancel(false);
        }
        resultFuture.complete(List.of(slot.runtime().timedOut(input, asyncTimeout)));
    }

    /** Drains and releases this slot's engine, context and model lease. */
    @Override
    public void close() throws Exception {
        try {
            if (slot != null) {
                slot.close();
            }
        } finally {
            slot = null;
            super.close();
        }
    }

    /** The slot's runtime while open (for tests and tracing); null before open and after close. */
    SlotRuntime runtime() {
        return slot == null ? null : slot.runtime();
    }

    public ArborConfig config() {
        return config;
    }

    public int capacity() {
        return capacity;
    }
}
