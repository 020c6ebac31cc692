package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One admitted request as a step-wise state machine over its own branch tree, so that the
 * engine can advance many requests with one decode per step.
 *
 * <p>Lifecycle: {@link #start} with the prefilled root, then {@link #plan} once per step (it may
 * fork and prune, and adds the tokens it wants decoded) until {@link #isDone()}, then
 * {@link #finish()} (keeps one branch with {@code retainOnly}, releases it, builds the result) or,
 * when cancelled or failed, {@link #abort()}. Invariant: every branch the task leased is in
 * {@code live} until released, and all of them are released by finish() or abort() (finish may hand
 * the last one to the prefix cache instead).
 */
abstract class SearchTask {
    final PreparedRequest prepared;
    final SearchRequest request;
    final BranchStore store;
    final LlamaModel model;
    final CellLedger ledger = new CellLedger();
    private final Set<Branch> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private int generated;
    private int steps;
    private int peakLeases;
    private int cachedPromptTokens;
    private Runnable onRelease = () -> { };

    SearchTask(PreparedRequest prepared, BranchStore store) {
        this.prepared = prepared;
        this.request = prepared.request();
        this.store = store;
        this.model = store.context().model();
    }

    /**
     * The footprint of a search whose {@code width} branches share the prompt and each add up to
     * {@code maxNewTokens} cells (beam search, best-of-n): {@code width} leases and
     * {@code prompt + width x maxNewTokens} cells.
     */
    static Footprint widthTimesNewTokens(SearchRequest request, int promptLength) {
        return new Footprint(request.width(), promptLength + (long) request.width() * request.maxNewTokens());
    }

    /** @param cachedTokens how many of the prompt's tokens the root took from the prefix cache */
    final void start(Branch root, int cachedTokens) {
        this.cachedPromptTokens = cachedTokens;
        track(root);
        ledger.root(root, prepared.promptTokens().length);
        begin(root);
    }

    /**
     * How the root branch samples. Only best-of-n draws tokens; the others rank or force them,
     * and a greedy sampler keeps the per-commit sampling metrics cheap (no filtering or sorting).
     */
    SamplerParams rootSampler() {
        return SamplerParams.greedy();
    }

    /**
     * The root's grammar state (the store takes it over), or null without a grammar. Parsed again
     * here, on the engine thread, because a state belongs to one branch and the validator's copy
     * was only a check.
     */
    Grammar rootGrammar() {
        return request.grammar() == null ? null : Grammar.parse(model, request.grammar(), request.grammarRoot());
    }

    /** Sets up the search on the prefilled root (forks for the other samples, ...). */
    abstract void begin(Branch root);

    /** Chooses this step's tokens, adding (branch, token) pairs to {@code step}. */
    abstract void plan(StepPlan step);

    abstract boolean isDone();

    /** Completions kept, best first; only once done. */
    abstract List<RankedCompletion> ranked();

    /**
     * Keeps one branch of the tree with retainOnly and offers it to {@code keeper} (the prefix
     * cache), which may take it; else releases it. Returns the result.
     */
    final SearchOutcome finish(long queuedMs, long runMs, Predicate<Branch> keeper) {
        List<RankedCompletion> ranked = ranked();
        SearchDetails details = details();
        releaseAll(keeper);
        RunStats stats = stats(queuedMs, runMs);
        if (ranked.isEmpty()) {
            return SearchOutcome.failure(request.id(), ErrorCode.FAILED, "the search kept no completion", stats);
        }
        List<RankedCompletion> candidates = request.returnCandidates() ? ranked : List.of();
        return new SearchOutcome(request.id(), ranked.get(0), candidates, stats, null, details);
    }

    /** What the search tells besides its completions (a scored tree, a tally, counts); none by default. */
    SearchDetails details() {
        return SearchDetails.NONE;
    }

    /** Called once the task's branches are released (finished or aborted): what else it holds goes. */
    void released() {}

    /** Releases every branch (cancellation, timeout, failure). */
    final void abort() {
        releaseAll(survivor -> false);
    }

    final RunStats stats(long queuedMs, long runMs) {
        return new RunStats(prepared.promptTokens().length, cachedPromptTokens, generated, steps, peakLeases,
                ledger.peak(), queuedMs, runMs);
    }

    /** Called by the engine once the step's commit succeeded. */
    final void stepDone() {
        steps++;
    }

    // ---- branch bookkeeping for subclasses ----

    final Branch fork(Branch parent) {
        Branch child = parent.fork();
        track(child);
        ledger.fork(parent, child);
        return child;
    }

    final void commitLater(StepPlan step, Branch branch, int token) {
        step.add(branch, token);
        ledger.commit(branch);
        generated++;
    }

    /** Releases a branch that is no longer needed; its children (live forks) move up and live on. */
    final void release(Branch branch) {
        if (branch.isLeaf()) {
            branch.pruneSubtree();
        } else {
            branch.pruneSplice();
        }
        live.remove(branch);
        ledger.release(branch);
    }

    /** Runs {@code hook} once, when the task has released (or handed over) all its branches. */
    final void onRelease(Runnable hook) {
        this.onRelease = hook;
    }

    /** One of the task's live branches (each holds the prompt in its first cells); null before start, after release. */
    final Branch anyLiveBranch() {
        for (Branch branch : live) {
            if (branch.isActive()) {
                return branch;
            }
        }
        return null;
    }

    /** The task's live branches, in no particular order. */
    final List<Branch> branches() {
        List<Branch> branches = new ArrayList<>(live.size());
        for (Branch branch : live) {
            if (branch.isActive()) {
                branches.add(branch);
            }
        }
        return branches;
    }

    final int liveBranches() {
        return live.size();
    }

    /**
     * Whether a completion ending with {@code token} (not yet committed to {@code branch}) is a
     * complete sentence of the request's grammar; null without one.
     */
    final Boolean grammarCompleteAfter(Branch branch, int token) {
        return request.grammar() == null ? null : branch.grammarCompleteAfter(token);
    }

    final int cellsHeld() {
        return ledger.cells();
    }

    private void track(Branch branch) {
        live.add(branch);
        peakLeases = Math.max(peakLeases, live.size());
    }

    /**
     * The request's branches form one tree (pruneSplice keeps it connected), so retainOnly on any
     * of them releases all the others in one call; then the survivor goes too, unless {@code keeper} takes it.
     */
    private void releaseAll(Predicate<Branch> keeper) {
        List<Branch> remaining = branches();
        if (!remaining.isEmpty()) {
            Branch keep = remaining.get(0);
            store.retainOnly(keep);
            for (Branch branch : remaining) {
                if (branch != keep && branch.isActive()) {
                    branch.pruneSubtree(); // only if a branch ever left the tree; never expected
                }
            }
            if (!keeper.test(keep)) {
                keep.prune();
            }
        }
        for (Branch branch : new ArrayList<>(live)) {
            ledger.release(branch);
        }
        live.clear();
        released();
        Runnable hook = onRelease;
        onRelease = () -> { };
        hook.run();
    }
}
