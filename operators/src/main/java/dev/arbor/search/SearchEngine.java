package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs many search requests at once on one context: one thread owns the {@link BranchStore},
 * and every step commits the next token of every live branch of every active request in one
 * batched decode (continuous batching).
 *
 * <p>Admission: requests start in submission order, each when the leases and KV cells it can
 * need ({@code width} leases, {@code prompt + width x maxNewTokens} cells) are free; a request at
 * the head that does not fit yet holds back those behind it, so none starves. Requests admitted
 * together are prefilled together. A request that can never run is answered at once with an
 * error result ({@link ErrorCode}) and never disturbs the others; so are cancelled and timed-out
 * ones, whose branches are released at the next step.
 *
 * <p>Results complete their futures on the engine thread; callbacks must not block. The engine
 * uses but does not close the context: close the engine first, then the context.
 */
public final class SearchEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchEngine.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Pending WAKE_UP = new Pending(null, null);

    private record Pending(PreparedRequest prepared, CompletableFuture<SearchResult> future) {}

    private record Active(Pending pending, SearchTask task, long admittedNanos) {}

    private final LlamaContext context;
    private final BranchStore store;
    private final RequestValidator validator;
    private final int capacity;
    private final EngineMetrics metrics = new EngineMetrics();
    private final LinkedBlockingQueue<Pending> inbox = new LinkedBlockingQueue<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final List<Active> active = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile Consumer<String> admissionListener = id -> { };
    private final AdmissionBudget budget;

    /** An engine that reports a capacity of twice the context's sequences. */
    public SearchEngine(LlamaContext context) {
        this(context, 2 * context.nSeqMax());
    }

    /**
     * @param capacity how many requests upstream should keep in flight (admitted plus waiting);
     *     a hint for backpressure, not a hard limit
     */
    public SearchEngine(LlamaContext context, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.context = context;
        this.store = new BranchStore(context);
        this.validator = new RequestValidator(context.model(), context.nCtx(), context.nSeqMax());
        this.capacity = capacity;
        this.budget = new AdmissionBudget(context.nSeqMax(), context.nCtx());
        this.metrics.nCtx = context.nCtx();
        this.thread = new Thread(this::run, "arbor-engine-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a request. Never throws for a bad request: the future then completes at once with an
     * error result. Cancelling the future releases the request's branches.
     */
    public CompletableFuture<SearchResult> submit(SearchRequest request) {
        return enqueue(request, null);
    }

    private CompletableFuture<SearchResult> enqueue(SearchRequest request, int[] forcedTokens) {
        CompletableFuture<SearchResult> future = new CompletableFuture<>();
        metrics.submitted.incrementAndGet();
        if (closing) {
            metrics.cancelled.incrementAndGet();
            future.complete(SearchResult.failure(request.id(), ErrorCode.CANCELLED, "the engine is closed",
                    SearchStats.NONE));
            return future;
        }
        try {
            PreparedRequest prepared = validator.prepare(request, System.nanoTime());
            inbox.add(new Pending(forcedTokens == null ? prepared : prepared.withForcedTokens(forcedTokens), future));
        } catch (RequestValidator.Rejected rejected) {
            metrics.rejected.incrementAndGet();
            future.complete(new SearchResult(request.id(), null, List.of(), SearchStats.NONE, rejected.error));
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
        if (continuation == null || continuation.isEmpty()) {
            metrics.submitted.incrementAndGet();
            metrics.rejected.incrementAndGet();
            return CompletableFuture.completedFuture(new LikelihoodResult(id, new int[0], new float[0], 0, Double.NaN,
                    new SearchError(ErrorCode.INVALID_PARAMS, "the continuation to score is empty")));
        }
        int[] forced = context.model().tokenize(continuation, false, false);
        SearchRequest request = SearchRequest.builder(id).prompt(prompt).width(1).maxNewTokens(Math.max(1, forced.length))
                .stopAtEndOfGeneration(false).build();
        CompletableFuture<SearchResult> measurement = enqueue(request, forced);
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

    /** Called on the engine thread with each request id as it is admitted (for tracing and tests). */
    public void onAdmit(Consumer<String> listener) {
        this.admissionListener = listener == null ? id -> { } : listener;
    }

    /**
     * Stops the engine: requests still waiting or running complete with error CANCELLED
     * ("the engine closed"), their branches are released, the store is drained and the thread
     * ends. Idempotent; returns once the thread has stopped.
     */
    @Override
    public void close() {
        closing = true;
        inbox.offer(WAKE_UP);
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the engine thread ----

    private void run() {
        try {
            while (!closing) {
                pullSubmissions();
                if (closing) {
                    break;
                }
                long now = System.nanoTime();
                dropCancelledAndExpired(now);
                admit(now);
                if (!active.isEmpty()) {
                    step();
                }
                updateGauges();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("search engine stopped by an unexpected error", e);
            failAll(ErrorCode.FAILED, "the engine failed: " + e);
        } finally {
            failAll(ErrorCode.CANCELLED, "the engine closed before the request finished");
            store.drain();
            updateGauges();
        }
    }

    private void pullSubmissions() {
        if (active.isEmpty() && waiting.isEmpty()) {
            try {
                Pending first = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (first != null && first != WAKE_UP) {
                    waiting.add(first);
                }
            } catch (InterruptedException e) {
                closing = true;
                return;
            }
        }
        Pending next;
        while ((next = inbox.poll()) != null) {
            if (next != WAKE_UP) {
                waiting.add(next);
            }
        }
    }

    private void dropCancelledAndExpired(long now) {
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
            Pending pending = it.next();
            if (pending.future().isDone()) {
                metrics.cancelled.incrementAndGet();
                it.remove();
            } else if (pending.prepared().expired(now)) {
                it.remove();
                timeOut(pending, SearchStats.NONE);
            }
        }
        for (Iterator<Active> it = active.iterator(); it.hasNext(); ) {
            Active running = it.next();
            if (running.pending().future().isDone()) {
                metrics.cancelled.incrementAndGet();
                release(running);
                it.remove();
            } else if (running.pending().prepared().expired(now)) {
                release(running);
                it.remove();
                timeOut(running.pending(), stats(running, now));
            }
        }
    }

    /** Starts waiting requests in order while they fit; prefills their prompts together. */
    private void admit(long now) {
        List<Pending> admitted = new ArrayList<>();
        while (!waiting.isEmpty() && budget.tryReserve(waiting.peek().prepared())) {
            Pending head = waiting.poll();
            admitted.add(head);
            admissionListener.accept(head.prepared().request().id());
        }
        if (admitted.isEmpty()) {
            return;
        }
        List<SearchTask> tasks = new ArrayList<>(admitted.size());
        List<int[]> prompts = new ArrayList<>(admitted.size());
        List<SamplerParams> samplers = new ArrayList<>(admitted.size());
        for (Pending pending : admitted) {
            SearchTask task = newTask(pending.prepared());
            tasks.add(task);
            prompts.add(pending.prepared().promptTokens());
            samplers.add(task.rootSampler());
        }
        List<Branch> roots;
        try {
            roots = store.createAll(prompts, samplers);
        } catch (RuntimeException e) {
            for (Pending pending : admitted) {
                unreserve(pending);
                fail(pending, ErrorCode.FAILED, "prefill failed: " + e.getMessage(), SearchStats.NONE);
            }
            return;
        }
        for (int i = 0; i < admitted.size(); i++) {
            Pending pending = admitted.get(i);
            Active running = new Active(pending, tasks.get(i), now);
            metrics.promptTokens.addAndGet(pending.prepared().promptTokens().length);
            try {
                running.task().start(roots.get(i));
                active.add(running);
            } catch (RuntimeException e) {
                running.task().abort();
                unreserve(pending);
                fail(pending, ErrorCode.FAILED, "could not start: " + e.getMessage(), stats(running, now));
            }
        }
    }

    private SearchTask newTask(PreparedRequest prepared) {
        if (prepared.forcedTokens() != null) {
            return new LikelihoodTask(prepared, store);
        }
        return prepared.request().strategy() == Strategy.BEAM ? new BeamSearch(prepared, store)
                : new BestOfN(prepared, store);
    }

    /** Plans every active request, then decodes all their tokens in one commit. */
    private void step() {
        StepPlan plan = new StepPlan();
        for (Iterator<Active> it = active.iterator(); it.hasNext(); ) {
            Active running = it.next();
            boolean done;
            try {
                running.task().plan(plan);
                done = running.task().isDone();
            } catch (RuntimeException e) {
                it.remove();
                failRunning(running, e);
                continue;
            }
            if (done) {
                it.remove();
                finish(running);
            }
        }
        if (plan.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            store.commit(plan.branches, plan.tokens());
        } catch (RuntimeException e) {
            LOG.error("a batched decode of {} tokens failed; failing the {} requests in it", plan.branches.size(),
                    active.size(), e);
            for (Active running : active) {
                release(running);
                fail(running.pending(), ErrorCode.FAILED, "decode failed: " + e.getMessage(),
                        stats(running, System.nanoTime()));
            }
            active.clear();
            return;
        }
        metrics.recordStep(System.nanoTime() - start, plan.branches.size());
        for (Active running : active) {
            running.task().stepDone();
        }
    }

    private void finish(Active running) {
        long now = System.nanoTime();
        SearchResult result;
        try {
            result = running.task().finish(queuedMs(running), (now - running.admittedNanos()) / 1_000_000);
        } catch (RuntimeException e) {
            failRunning(running, e);
            return;
        }
        unreserve(running.pending());
        if (result.isError()) {
            metrics.failed.incrementAndGet();
        } else {
            metrics.completed.incrementAndGet();
        }
        running.pending().future().complete(result);
    }

    /** A request whose own code failed (a scorer, say): release its branches, answer FAILED, carry on. */
    private void failRunning(Active running, RuntimeException e) {
        LOG.warn("request {} failed", running.pending().prepared().request().id(), e);
        try {
            release(running);
        } catch (RuntimeException releaseFailure) {
            e.addSuppressed(releaseFailure);
        }
        fail(running.pending(), ErrorCode.FAILED, String.valueOf(e.getMessage()), stats(running, System.nanoTime()));
    }

    private void release(Active running) {
        try {
            running.task().abort();
        } finally {
            unreserve(running.pending());
        }
    }

    private void unreserve(Pending pending) {
        budget.release(pending.prepared());
    }

    private void timeOut(Pending pending, SearchStats stats) {
        metrics.timedOut.incrementAndGet();
        pending.future().complete(SearchResult.failure(pending.prepared().request().id(), ErrorCode.TIMEOUT,
                "the request did not finish within " + pending.prepared().request().timeout(), stats));
    }

    private void fail(Pending pending, ErrorCode code, String message, SearchStats stats) {
        if (code == ErrorCode.CANCELLED) {
            metrics.cancelled.incrementAndGet();
        } else {
            metrics.failed.incrementAndGet();
        }
        pending.future().complete(SearchResult.failure(pending.prepared().request().id(), code, message, stats));
    }

    private void failAll(ErrorCode code, String message) {
        for (Active running : active) {
            try {
                running.task().abort();
            } catch (RuntimeException e) {
                LOG.debug("releasing branches of {} failed", running.pending().prepared().request().id(), e);
            }
            fail(running.pending(), code, message, stats(running, System.nanoTime()));
        }
        active.clear();
        budget.releaseAll();
        pullRemaining();
        for (Pending pending : waiting) {
            fail(pending, code, message, SearchStats.NONE);
        }
        waiting.clear();
    }

    private void pullRemaining() {
        Pending next;
        while ((next = inbox.poll()) != null) {
            if (next != WAKE_UP) {
                waiting.add(next);
            }
        }
    }

    private SearchStats stats(Active running, long now) {
        return running.task().stats(queuedMs(running), (now - running.admittedNanos()) / 1_000_000);
    }

    private static long queuedMs(Active running) {
        return (running.admittedNanos() - running.pending().prepared().submittedNanos()) / 1_000_000;
    }

    private void updateGauges() {
        metrics.activeRequests = active.size();
        metrics.queuedRequests = waiting.size() + inbox.size();
        metrics.liveBranches = store.liveBranches();
        metrics.leasesInUse = store.nSeqMax() - store.available();
        metrics.kvCellsUsed = context.kvUsedCells();
    }
}
