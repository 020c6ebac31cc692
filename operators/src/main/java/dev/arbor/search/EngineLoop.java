package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import dev.arbor.kv.KvExhaustedException;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link SearchEngine}'s thread does, over and over: take new requests from the inbox,
 * drop cancelled and expired ones, admit what fits ({@link AdmissionBudget}), start the admitted
 * ones (from the {@link PrefixCache} where their prompts match), and run one step of every active
 * request in one batched decode ({@link IsolatingCommit}). Owns the {@link BranchStore}; every
 * method but {@link #submit}, {@link #stop}, {@link #isClosing}, {@link #onAdmit} and
 * {@link #checkInvariants} runs on the engine thread only.
 *
 * <p>Invariants between steps: every admitted request is in {@code active} with its worst case
 * reserved in the budget; every request is answered exactly once (through {@link Outcomes}); a
 * request that leaves, however it leaves, has released its branches and its reservation.
 */
final class EngineLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchEngine.class);
    private static final PendingRequest WAKE_UP = new PendingRequest(null, null);

    private final LlamaContext context;
    private final BranchStore store;
    private final EngineMetrics metrics;
    private final Outcomes outcomes;
    private final LinkedBlockingQueue<PendingRequest> inbox = new LinkedBlockingQueue<>();
    private final ArrayDeque<PendingRequest> waiting = new ArrayDeque<>();
    private final List<RunningRequest> active = new ArrayList<>();
    private final AdmissionBudget budget;
    private final PrefixCache cache;
    private final IsolatingCommit committer;
    private final IsolatingCommit.Outcome stepOutcome = new StepOutcome();
    private volatile boolean closing;
    private volatile Consumer<String> admissionListener = id -> { };
    private volatile Consumer<List<String>> invariantListener;
    private long admissions;
    /** While >= 0, admissions wait until fewer requests than this are active (see {@link #requeue}). */
    private int pausedWhileActive = -1;

    /**
     * @param admissionCells the KV cells admission hands out: the context's, except in tests
     * @param cacheConfig the prefix cache's settings (off with per-sequence KV streams, whatever they say)
     */
    EngineLoop(LlamaContext context, EngineMetrics metrics, long admissionCells, PrefixCacheConfig cacheConfig) {
        this.context = context;
        this.store = new BranchStore(context);
        this.metrics = metrics;
        this.outcomes = new Outcomes(metrics);
        this.budget = new AdmissionBudget(context.nSeqMax(), admissionCells);
        // The tree remembers a few contexts' worth of prompt tokens: enough to notice shared prefixes.
        this.cache = new PrefixCache(store, cacheConfig, metrics, 16L * context.nCtx());
        this.committer = new IsolatingCommit(store, metrics);
    }

    /** Hands a validated request to the engine thread (any thread). */
    void submit(PendingRequest pending) {
        inbox.add(pending);
    }

    /** Asks the loop to end: it answers what it holds with CANCELLED and drains the store (any thread). */
    void stop() {
        closing = true;
        inbox.offer(WAKE_UP);
    }

    boolean isClosing() {
        return closing;
    }

    void onAdmit(Consumer<String> listener) {
        this.admissionListener = listener == null ? id -> { } : listener;
    }

    /** From now on, after every step, {@code listener} gets the violated invariants ({@link EngineInvariants}). */
    void checkInvariants(Consumer<List<String>> listener) {
        this.invariantListener = listener;
    }

    @Override
    public void run() {
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
                Consumer<List<String>> invariants = invariantListener;
                if (invariants != null) {
                    invariants.accept(EngineInvariants.check(context, store, active, cache, budget));
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("search engine stopped by an unexpected error", e);
            failAll(ErrorCode.FAILED, "the engine failed: " + e);
        } finally {
            failAll(ErrorCode.CANCELLED, "the engine closed before the request finished");
            store.drain(); // releases the cache's entries too
            cache.clear();
            updateGauges();
        }
    }

    private void pullSubmissions() {
        if (active.isEmpty() && waiting.isEmpty()) {
            try {
                PendingRequest first = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (first != null && first != WAKE_UP) {
                    waiting.add(first);
                }
            } catch (InterruptedException e) {
                closing = true;
                return;
            }
        }
        pullRemaining();
    }

    private void pullRemaining() {
        PendingRequest next;
        while ((next = inbox.poll()) != null) {
            if (next != WAKE_UP) {
                waiting.add(next);
            }
        }
    }

    private void dropCancelledAndExpired(long now) {
        for (Iterator<PendingRequest> it = waiting.iterator(); it.hasNext(); ) {
            PendingRequest pending = it.next();
            if (pending.future().isDone()) {
                outcomes.cancelled();
                it.remove();
            } else if (pending.prepared().expired(now)) {
                it.remove();
                outcomes.timeOut(pending, RunStats.NONE);
            }
        }
        for (Iterator<RunningRequest> it = active.iterator(); it.hasNext(); ) {
            RunningRequest running = it.next();
            if (running.pending().future().isDone()) {
                outcomes.cancelled();
                release(running);
                it.remove();
            } else if (running.pending().prepared().expired(now)) {
                release(running);
                it.remove();
                outcomes.timeOut(running.pending(), running.stats(now));
            }
        }
    }

    /** Starts waiting requests in order while they fit; prefills their prompts together. */
    private void admit(long now) {
        if (admissionPaused()) {
            return;
        }
        List<PendingRequest> admitted = new ArrayList<>();
        while (!waiting.isEmpty() && budget.tryReserve(waiting.peek().prepared())) {
            admitted.add(waiting.poll());
        }
        if (!admitted.isEmpty()) {
            start(admitted, now);
        }
    }

    /**
     * Prefills the prompts of {@code admitted} (reserved already) in one call. When that fails, each
     * is prefilled on its own, so that a prompt that cannot be prefilled fails only its own request.
     */
    private void start(List<PendingRequest> admitted, long now) {
        List<SearchTask> tasks = new ArrayList<>(admitted.size());
        List<SamplerParams> samplers = new ArrayList<>(admitted.size());
        List<Grammar> grammars = new ArrayList<>(admitted.size());
        try {
            for (PendingRequest pending : admitted) {
                SearchTask task = newTask(pending.prepared());
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
            roots = cache.start(tasks, samplers, grammars, budget); // owns the grammars from here on
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
                active.add(running);
                admissionListener.accept(pending.id());
            } catch (RuntimeException e) {
                running.task().abort();
                unreserve(pending);
                outcomes.fail(pending, ErrorCode.FAILED, "could not start: " + e.getMessage(), running.stats(now));
            }
        }
    }

    private void startOneByOne(List<PendingRequest> admitted, long now) {
        for (int i = 0; i < admitted.size(); i++) {
            int waitingBefore = waiting.size();
            start(List.of(admitted.get(i)), now);
            if (waiting.size() > waitingBefore) {
                // It went back to wait for cells: so do those admitted after it, behind it, in order.
                PendingRequest requeued = waiting.pollFirst();
                for (int later = admitted.size() - 1; later > i; later--) {
                    unreserve(admitted.get(later));
                    waiting.addFirst(admitted.get(later));
                }
                waiting.addFirst(requeued);
                return;
            }
        }
    }

    /** The prefill of one request failed: it waits for cells while others run, or fails. */
    private void refuse(PendingRequest pending, RuntimeException e) {
        unreserve(pending);
        if (e instanceof KvExhaustedException && !active.isEmpty()) {
            requeue(pending);
            return;
        }
        LOG.warn("request {} could not be prefilled: {}", pending.id(), e.toString());
        outcomes.fail(pending, ErrorCode.FAILED, "prefill failed: " + e.getMessage(), RunStats.NONE);
    }

    private SearchTask newTask(PreparedRequest prepared) {
        if (prepared.forcedTokens() != null) {
            return new LikelihoodTask(prepared, store);
        }
        return prepared.request().strategy().start(prepared, store);
    }

    /** Plans every active request, then decodes all their tokens in one commit. */
    private void step() {
        StepPlan plan = new StepPlan();
        boolean finishedAny = false;
        for (Iterator<RunningRequest> it = active.iterator(); it.hasNext(); ) {
            RunningRequest running = it.next();
            plan.startOwner(running);
            boolean done;
            try {
                running.task().plan(plan);
                done = running.task().isDone();
            } catch (RuntimeException e) {
                plan.dropLastOwner();
                it.remove();
                failRunning(running, e);
                continue;
            }
            if (done) {
                plan.dropLastOwner();
                it.remove();
                finish(running);
                finishedAny = true;
            }
        }
        if (finishedAny) {
            cache.fitUnder(budget); // new entries fit what their requests gave back, but maybe not the cell limit
        }
        committer.commit(plan, stepOutcome);
    }

    /** What becomes of the requests of a step's commit (see {@link IsolatingCommit}). */
    private final class StepOutcome implements IsolatingCommit.Outcome {
        @Override
        public void committed(RunningRequest running) {
            running.task().stepDone();
        }

        /**
         * A request that outgrew its reservation, or that ran alone (it can never fit), fails; any
         * other is preempted: its branches are freed and it goes back to the head of the queue. Its
         * seeds derive from its id, so the restart gives the same result.
         */
        @Override
        public void outOfCells(RunningRequest victim, KvExhaustedException e, boolean othersRemain) {
            active.remove(victim);
            boolean overran = victim.overran();
            RunStats stats = victim.stats(System.nanoTime());
            String cells = victim.task().cellsHeld() + " KV cells, admitted for "
                    + AdmissionBudget.cellsOf(victim.pending().prepared());
            release(victim);
            if (overran || !othersRemain) {
                String why = overran ? "the request outgrew its reservation (" + cells + ")"
                        : "the request does not fit even alone (" + cells + ")";
                LOG.warn("request {} failed: {}; {}", victim.id(), e.getMessage(), why);
                outcomes.fail(victim.pending(), ErrorCode.FAILED, e.getMessage() + "; " + why, stats);
                return;
            }
            LOG.debug("request {} preempted (time {}): {}", victim.id(), victim.pending().preemptions() + 1,
                    e.getMessage());
            requeue(victim.pending());
        }

        @Override
        public void failed(RunningRequest running, RuntimeException e) {
            active.remove(running);
            failRunning(running, e);
        }
    }

    /** Puts a request whose cells ran out back at the head of the queue, and pauses admissions. */
    private void requeue(PendingRequest pending) {
        metrics.preempted.incrementAndGet();
        waiting.addFirst(pending.preempted());
        pausedWhileActive = active.size();
    }

    /** After a preemption nothing is admitted until one of the requests running then has left. */
    private boolean admissionPaused() {
        if (pausedWhileActive >= 0 && active.size() < pausedWhileActive) {
            pausedWhileActive = -1;
        }
        return pausedWhileActive >= 0;
    }

    private void finish(RunningRequest running) {
        long now = System.nanoTime();
        SearchOutcome result;
        int[] prompt = running.pending().prepared().promptTokens();
        try {
            result = running.task().finish(running.queuedMs(), running.runMs(now),
                    survivor -> cache.adopt(survivor, prompt));
        } catch (RuntimeException e) {
            failRunning(running, e);
            return;
        }
        unreserve(running.pending());
        outcomes.complete(running.pending(), result);
    }

    /** A request whose own code failed (a scorer, say): release its branches, answer FAILED, carry on. */
    private void failRunning(RunningRequest running, RuntimeException e) {
        // One line: the request's result carries the reason; the stack trace is for debugging.
        LOG.warn("request {} failed: {}", running.id(), e.toString());
        LOG.debug("request {} failed", running.id(), e);
        try {
            release(running);
        } catch (RuntimeException releaseFailure) {
            e.addSuppressed(releaseFailure);
        }
        ErrorCode code = e instanceof RequestFailure failure ? failure.code() : ErrorCode.FAILED;
        outcomes.fail(running.pending(), code, String.valueOf(e.getMessage()), running.stats(System.nanoTime()));
    }

    private void release(RunningRequest running) {
        try {
            running.task().abort();
        } finally {
            unreserve(running.pending());
        }
    }

    private void unreserve(PendingRequest pending) {
        budget.release(pending.prepared());
    }

    private void failAll(ErrorCode code, String message) {
        for (RunningRequest running : active) {
            try {
                running.task().abort();
            } catch (RuntimeException e) {
                LOG.debug("releasing branches of {} failed", running.id(), e);
            }
            outcomes.fail(running.pending(), code, message, running.stats(System.nanoTime()));
        }
        active.clear();
        budget.releaseAll();
        pullRemaining();
        for (PendingRequest pending : waiting) {
            outcomes.fail(pending, code, message, RunStats.NONE);
        }
        waiting.clear();
    }

    private void updateGauges() {
        metrics.activeRequests = active.size();
        metrics.queuedRequests = waiting.size() + inbox.size();
        metrics.liveBranches = store.liveBranches();
        metrics.leasesInUse = store.nSeqMax() - store.available();
        metrics.kvCellsUsed = context.kvUsedCells();
        metrics.cacheEntries = cache.entries();
        metrics.cacheCells = cache.cells();
    }
}
