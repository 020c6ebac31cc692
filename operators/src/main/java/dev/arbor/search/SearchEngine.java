package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import dev.arbor.llama.LlamaContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs many search requests at once on one context: one thread ({@link EngineLoop}) owns the
 * {@link dev.arbor.kv.BranchStore}, and every step commits the next token of every live branch of
 * every active request in one batched decode (continuous batching).
 *
 * <p>Admission: requests start in submission order, each when the leases and KV cells it can
 * need ({@code width} leases, {@code prompt + width x maxNewTokens} cells) are free; a request at
 * the head that does not fit yet holds back those behind it, so none starves. Requests admitted
 * together are prefilled together. A request that can never run is answered at once with an
 * error result ({@link ErrorCode}) and never disturbs the others; so are cancelled and timed-out
 * ones, whose branches are released at the next step.
 *
 * <p>Prefix cache ({@link PrefixCacheConfig}, off unless asked for): prompt prefixes that requests
 * share are kept in the KV cache after they finish, and a request whose prompt starts the same way
 * prefills only the rest; the entries give way whenever admitted requests need their leases or
 * cells, so a request is admitted exactly when it would be without them (see {@link PrefixCache}).
 *
 * <p>Isolation: whatever one request does, the others complete normally. A failure of a batched
 * prefill or decode is pinned on the request that caused it ({@link IsolatingCommit}); only that
 * one fails, or, when the KV cache ran out of cells without its fault, is preempted: it waits at
 * the head of the queue and starts again once a running request has left.
 *
 * <p>Results complete their futures on the engine thread; callbacks must not block. The engine
 * uses but does not close the context: close the engine first, then the context.
 */
@dev.arbor.annotation.PublicApi
public final class SearchEngine implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final LlamaContext context;
    private final RequestValidator validator;
    private final int capacity;
    private final EngineMetrics metrics = new EngineMetrics();
    private final EngineLoop loop;
    private final Thread thread;

    /** An engine that reports a capacity of twice the context's sequences, without a prefix cache. */
    public SearchEngine(LlamaContext context) {
        this(builder(context));
    }

    /**
     * An engine without a prefix cache.
     *
     * @param capacity how many requests upstream should keep in flight (admitted plus waiting);
     *     a hint for backpressure, not a hard limit
     */
    public SearchEngine(LlamaContext context, int capacity) {
        this(builder(context).capacity(capacity));
    }

    /**
     * @param capacity as in {@link #SearchEngine(LlamaContext, int)}
     * @param cache whether and how prompt prefixes are kept across requests ({@link PrefixCacheConfig})
     */
    public SearchEngine(LlamaContext context, int capacity, PrefixCacheConfig cache) {
        this(builder(context).capacity(capacity).prefixCache(cache));
    }

    private SearchEngine(Builder builder) {
        this.context = builder.context;
        long admissionCells = (long) Math.floor(context.nCtx() * builder.overcommit);
        this.validator = new RequestValidator(context.model(), context.nCtx(), admissionCells, context.nSeqMax(),
                builder.prm);
        this.capacity = builder.capacity;
        this.metrics.nCtx = context.nCtx();
        this.loop = new EngineLoop(context, metrics, admissionCells, builder.cache, builder.checkpointBytes,
                builder.prm, builder.listeners);
        this.thread = new Thread(loop, "arbor-engine-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** A builder for an engine on {@code context}, with the defaults of the constructors. */
    public static Builder builder(LlamaContext context) {
        return new Builder(context);
    }

    /**
     * Settings of a {@link SearchEngine}. Defaults: capacity twice the context's sequences, no prefix
     * cache, no overcommit, checkpoints up to {@link BranchStore#DEFAULT_CHECKPOINT_BYTES}.
     */
    public static final class Builder {
        private final LlamaContext context;
        private int capacity;
        private PrefixCacheConfig cache = PrefixCacheConfig.DISABLED;
        private double overcommit = 1.0;
        private long checkpointBytes = BranchStore.DEFAULT_CHECKPOINT_BYTES;
        private ProcessRewardModel prm;
        private final List<EngineListener> listeners = new ArrayList<>();

        private Builder(LlamaContext context) {
            this.context = context;
            this.capacity = 2 * context.nSeqMax();
        }

        /** How many requests upstream should keep in flight (admitted plus waiting); a hint, not a limit. */
        public Builder capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** Whether and how prompt prefixes are kept across requests. */
        public Builder prefixCache(PrefixCacheConfig cache) {
            this.cache = cache == null ? PrefixCacheConfig.DISABLED : cache;
            return this;
        }

        /**
         * Admits requests as if the context had {@code factor} times its KV cells: on the bet that most
         * requests stop well before their worst case (an end of generation), more run at once. A
         * request whose cells then run out while others run is preempted and restarted later (same
         * result, its seeds derive from its id); one that cannot fit even alone fails. 1 (the default)
         * reserves every request's worst case, so none is ever preempted for cells.
         */
        public Builder overcommit(double factor) {
            if (!(factor >= 1.0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("overcommit must be a finite factor >= 1, was " + factor);
            }
            this.overcommit = factor;
            return this;
        }

        /**
         * The most bytes the engine's checkpoints (saved recurrent and sliding-window states, which
         * make the prefix cache exact on such models) may hold; see {@link BranchStore#checkpointStats()}.
         */
        public Builder checkpointBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("checkpoint bytes must be >= 0, was " + bytes);
            }
            this.checkpointBytes = bytes;
            return this;
        }

        /**
         * A process reward model for requests whose verifier is {@code prm} (step_beam, dvts, best-of-n
         * ranked by it); its context's sequences and cells are admitted like the policy's.
         */
        public Builder processRewardModel(ProcessRewardModel value) {
            this.prm = value;
            return this;
        }

        /** Told after every pass of the engine's loop, on its thread. */
        Builder listener(EngineListener listener) {
            listeners.add(listener);
            return this;
        }

        /** Starts the engine's thread. The engine uses but does not close the context. */
        public SearchEngine build() {
            if (context.isClosed()) {
                throw new IllegalStateException("context is closed");
            }
            return new SearchEngine(this);
        }
    }

    /**
     * Queues a request. Never throws for a bad request: the future then completes at once with an
     * error result. Cancelling the future releases the request's branches.
     */
    public CompletableFuture<SearchOutcome> submit(SearchRequest request) {
        return enqueue(request, null);
    }

    private CompletableFuture<SearchOutcome> enqueue(SearchRequest request, int[] forcedTokens) {
        CompletableFuture<SearchOutcome> future = new CompletableFuture<>();
        metrics.submitted.incrementAndGet();
        if (loop.isClosing()) {
            metrics.cancelled.incrementAndGet();
            future.complete(SearchOutcome.failure(request.id(), ErrorCode.CANCELLED, "the engine is closed",
                    RunStats.NONE));
            return future;
        }
        try {
            PreparedRequest prepared = validator.prepare(request, System.nanoTime(), forcedTokens == null);
            loop.submit(new PendingRequest(forcedTokens == null ? prepared : prepared.withForcedTokens(forcedTokens),
                    future));
        } catch (RequestValidator.Rejected rejected) {
            metrics.rejected.incrementAndGet();
            future.complete(new SearchOutcome(request.id(), null, List.of(), RunStats.NONE, rejected.error));
        } catch (RuntimeException e) { // tokenizing failed: this request's problem, never the caller's
            metrics.failed.incrementAndGet();
            future.complete(SearchOutcome.failure(request.id(), ErrorCode.FAILED, "could not prepare the request: "
                    + e.getMessage(), RunStats.NONE));
        }
        return future;
    }

    /**
     * Measures how likely the model finds {@code continuation} after {@code prompt} (the
     * continuation is tokenized on its own, without BOS; SentencePiece vocabularies read it as
     * starting a new word). Runs through the same queue and batches as searches. Never throws for
     * bad input: the result then carries the error.
     */
    public CompletableFuture<LikelihoodResult> likelihood(String id, String prompt, String continuation) {
        return likelihood(SearchRequest.builder(id).prompt(prompt).build(), continuation);
    }

    /**
     * As {@link #likelihood(String, String, String)}, after the prompt of {@code search} (its id, its
     * prompt as text or tokens, a rendered chat prompt included, and its grammar, if any, under
     * which the continuation is scored).
     */
    public CompletableFuture<LikelihoodResult> likelihood(SearchRequest search, String continuation) {
        String id = search.id();
        String problem = TextCheck.problem(continuation);
        if (continuation == null || continuation.isEmpty() || problem != null) {
            metrics.submitted.incrementAndGet();
            metrics.rejected.incrementAndGet();
            SearchFailure error = problem == null ? new SearchFailure(ErrorCode.INVALID_PARAMS,
                    "the continuation to score is empty") : new SearchFailure(ErrorCode.INVALID_TEXT,
                    "the continuation to score is not valid Unicode text: " + problem);
            return CompletableFuture.completedFuture(new LikelihoodResult(id, new int[0], new float[0], 0, Double.NaN,
                    error));
        }
        int[] forced = context.model().tokenize(continuation, false, false);
        SearchRequest.Builder builder = SearchRequest.builder(id).strategy(SearchStrategy.LIKELIHOOD).width(1)
                .maxNewTokens(Math.max(1, forced.length))
                .stopAtEndOfGeneration(false).grammar(search.grammar(), search.grammarRoot());
        if (search.promptTokens() != null) {
            builder.promptTokens(search.promptTokens());
        } else if (search.promptMarkup()) {
            builder.chatPrompt(search.promptText());
        } else {
            builder.prompt(search.promptText());
        }
        SearchRequest request = builder.build();
        CompletableFuture<SearchOutcome> measurement = enqueue(request, forced);
        CompletableFuture<LikelihoodResult> result = measurement.thenApply(LikelihoodResult::of);
        // Cancelling what the caller holds must release the branch, as it does for a search.
        result.whenComplete((value, failure) -> {
            if (result.isCancelled()) {
                measurement.cancel(true);
            }
        });
        return result;
    }

    /** How many requests upstream should keep in flight to keep this engine busy. */
    public int capacity() {
        return capacity;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    public int nSeqMax() {
        return context.nSeqMax();
    }

    /**
     * Called on the engine thread with each request id as it starts running (for tracing and
     * tests); a preempted request is reported again when it restarts.
     */
    public void onAdmit(Consumer<String> listener) {
        loop.onAdmit(listener);
    }

    /**
     * Stops the engine: requests still waiting or running complete with error CANCELLED
     * ("the engine closed"), their branches are released, the store is drained and the thread
     * ends. Idempotent; returns once the thread has stopped.
     */
    @Override
    public void close() {
        loop.stop();
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
