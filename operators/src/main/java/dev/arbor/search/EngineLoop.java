package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import dev.arbor.kv.KvExhaustedException;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link SearchEngine}'s thread does, over and over; the whole protocol is {@link #run()}:
 *
 * <pre>
 *   while not closing:
 *       queue.pull()                          submitted requests join the queue
 *       drop cancelled and expired ones       answered CANCELLED / TIMEOUT, branches released
 *       admitted = admission.admit(queue)     in order, each when its footprint fits
 *       start(admitted)                       roots from the prefix cache or prefilled together
 *       step.run()                            every running request plans, one batched decode
 *       listeners.afterPass(view)             gauges (and, in tests, invariant checks)
 * </pre>
 *
 * <p>Owns the {@link BranchStore}; who keeps what: {@link RequestQueue} the requests by state,
 * {@link Admission} the reservations, {@link PrefixCache} the cached prefixes, {@link EngineStep} the
 * step, {@link RequestEnds} how a request leaves. Every method but {@link #submit}, {@link #stop},
 * {@link #isClosing} and {@link #onAdmit} runs on the engine thread only.
 *
 * <p>Invariants between passes: every RUNNING request has its footprint reserved; every request is
 * answered exactly once (through {@link Outcomes}); a request that leaves, however it leaves, has
 * released its branches and its reservation.
 */
final class EngineLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchEngine.class);

    private final LlamaContext context;
    private final BranchStore store;
    private final EngineMetrics metrics;
    private final Outcomes outcomes;
    private final RequestQueue queue = new RequestQueue();
    private final Admission admission;
    private final PrefixCache cache;
    private final Verifiers verifiers;
    private final RequestEnds ends;
    private final EngineStep step;
    private final List<EngineListener> listeners;
    private volatile boolean closing;
    private volatile Consumer<String> admissionListener = id -> { };
    private long admissions;

    /**
     * @param admissionCells the KV cells admission hands out: the context's, times the overcommit factor
     * @param cacheConfig the prefix cache's settings (off with per-sequence KV streams, whatever they say)
     * @param listeners told after every pass, in order (the gauges first)
     */
    EngineLoop(LlamaContext context, EngineMetrics metrics, long admissionCells, PrefixCacheConfig cacheConfig,
            long checkpointBytes, ProcessRewardModel prm, List<EngineListener> listeners) {
        this.context = context;
        this.store = new BranchStore(context, checkpointBytes);
        this.metrics = metrics;
        this.outcomes = new Outcomes(metrics);
        this.verifiers = prm == null ? Verifiers.NONE : new Verifiers(prm, prm.newStore());
        this.admission = prm == null ? new Admission(context.nSeqMax(), admissionCells, 0, 0)
                : new Admission(context.nSeqMax(), admissionCells, prm.context().nSeqMax(), prm.context().nCtx());
        // The tree remembers a few contexts' worth of prompt tokens: enough to notice shared prefixes.
        this.cache = new PrefixCache(store, cacheConfig, metrics, 16L * context.nCtx());
        this.ends = new RequestEnds(queue, admission, cache, outcomes, metrics);
        this.step = new EngineStep(queue, ends, cache, admission, new IsolatingCommit(store, metrics));
        List<EngineListener> all = new ArrayList<>();
        all.add(new Gauges(metrics));
        all.addAll(listeners);
        this.listeners = List.copyOf(all);
    }

    /** Hands a validated request to the engine thread (any thread). */
    void submit(PendingRequest pending) {
        queue.submit(pending);
    }

    /** Asks the loop to end: it answers what it holds with CANCELLED and drains the store (any thread). */
    void stop() {
        closing = true;
        queue.wakeUp();
    }

    boolean isClosing() {
        return closing;
    }

    void onAdmit(Consumer<String> listener) {
        this.admissionListener = listener == null ? id -> { } : listener;
    }

    @Override
    public void run() {
        try {
            while (!closing) {
                try {
                    queue.pull();
                } catch (InterruptedException e) {
                    closing = true;
                }
                if (closing) {
                    break;
                }
                long now = System.nanoTime();
                dropCancelledAndExpired(now);
                List<PendingRequest> admitted = admission.admit(queue);
                if (!admitted.isEmpty()) {
                    start(admitted, now);
                }
                if (queue.hasRunning()) {
                    step.run();
                }
                tellListeners();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("search engine stopped by an unexpected error", e);
            answerAll(ErrorCode.FAILED, "the engine failed: " + e);
        } finally {
            answerAll(ErrorCode.CANCELLED, "the engine closed before the request finished");
            store.drain(); // releases the cache's entries too
            verifiers.drain();
            cache.clear();
            tellListeners();
        }
    }

    private void tellListeners() {
        EngineView view = new EngineView(context, store, queue.running(), queue.queuedCount(), cache,
                admission.budget());
        for (EngineListener listener : listeners) {
            listener.afterPass(view);
        }
    }

    private void dropCancelledAndExpired(long now) {
        queue.dropQueuedCancelledAndExpired(now, outcomes);
        for (RunningRequest running : new ArrayList<>(queue.running())) {
            if (running.pending().future().isDone()) {
                ends.cancel(running);
            } else if (running.pending().prepared().expired(now)) {
                ends.timeOut(running, now);
            }
        }
    }

    /**
     * STARTING → RUNNING: prefills the prompts of {@code admitted} (reserved already) in one call.
     * When that fails, each is prefilled on its own, so that a prompt that cannot be prefilled fails
     * only its own request.
     */
    private void start(List<PendingRequest> admitted, long now) {
        List<SearchTask> tasks = new ArrayList<>(admitted.size());
        List<SamplerParams> samplers = new ArrayList<>(admitted.size());
        List<Grammar> grammars = new ArrayList<>(admitted.size());
        try {
            for (PendingRequest pending : admitted) {
                SearchTask task = pending.prepared().request().strategy().start(pending.prepared(), store, verifiers);
                tasks.add(task);
                samplers.add(task.rootSampler());
                grammars.add(task.rootGrammar());
            }
        } catch (RuntimeException e) {
            Grammar.closeAll(grammars);
            throw e;
        }
        PrefixCache.Roots roots;
        try {
            roots = cache.start(tasks, samplers, grammars, admission.budget()); // owns the grammars from here on
        } catch (RuntimeException e) {
            if (admitted.size() > 1) {
                startOneByOne(admitted, now);
            } else {
                refuse(admitted.get(0), e);
            }
            return;
        }
        for (int i = 0; i < admitted.size(); i++) {
            PendingRequest pending = admitted.get(i);
            RunningRequest running = new RunningRequest(pending, tasks.get(i), now, admissions++);
            metrics.promptTokens.addAndGet(pending.prepared().promptTokens().length);
            try {
                running.task().start(roots.branches().get(i), roots.cachedTokens()[i]);
                queue.started(running);
                admissionListener.accept(pending.id());
            } catch (RuntimeException e) {
                running.task().abort();
                admission.release(pending);
                outcomes.fail(pending, ErrorCode.FAILED, "could not start: " + e.getMessage(), running.stats(now));
            }
        }
    }

    private void startOneByOne(List<PendingRequest> admitted, long now) {
        for (int i = 0; i < admitted.size(); i++) {
            int queuedBefore = queue.queuedOnly();
            start(List.of(admitted.get(i)), now);
            if (queue.queuedOnly() > queuedBefore) {
                // It went back to wait for cells: so do those admitted after it, behind it, in order.
                PendingRequest sentBack = queue.admitHead();
                List<PendingRequest> behind = new ArrayList<>();
                behind.add(sentBack);
                for (int later = i + 1; later < admitted.size(); later++) {
                    admission.release(admitted.get(later));
                    behind.add(admitted.get(later));
                }
                queue.sendBackInOrder(behind);
                return;
            }
        }
    }

    /** The prefill of one request failed: it waits for cells while others run, or fails. */
    private void refuse(PendingRequest pending, RuntimeException e) {
        admission.release(pending);
        if (e instanceof KvExhaustedException && queue.hasRunning()) {
            ends.sendBack(pending);
            return;
        }
        LOG.warn("request {} could not be prefilled: {}", pending.id(), e.toString());
        outcomes.fail(pending, ErrorCode.FAILED, "prefill failed: " + e.getMessage(), RunStats.NONE);
    }

    private void answerAll(ErrorCode code, String message) {
        RequestQueue.Drained drained = queue.drainAll();
        for (RunningRequest running : drained.running()) {
            try {
                running.task().abort();
            } catch (RuntimeException e) {
                LOG.debug("releasing branches of {} failed", running.id(), e);
            }
            outcomes.fail(running.pending(), code, message, running.stats(System.nanoTime()));
        }
        admission.releaseAll();
        for (PendingRequest pending : drained.queued()) {
            outcomes.fail(pending, code, message, RunStats.NONE);
        }
    }
}
