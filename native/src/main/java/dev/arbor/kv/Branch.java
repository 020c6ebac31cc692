package dev.arbor.kv;

import dev.arbor.llama.Grammar;
import dev.arbor.llama.LogitsRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One path of generation in a {@link BranchStore}: a leased llama.cpp sequence with its position,
 * the logits of its next token, a sampler, metrics, and its place in a tree of forks.
 *
 * <p>A Branch is a handle (store, slot, generation). Once its branch is released (prune,
 * pruneSubtree, pruneSplice, retainOnly, drain) it reports {@code isActive() == false} and every
 * other method throws {@link IllegalStateException}, except {@link #prune()}, which is then a
 * no-op. A later branch that reuses the slot has a new generation, so an old handle never acts on
 * it. Single-threaded, like the store.
 */
@dev.arbor.annotation.PublicApi
public final class Branch {
    private final BranchStore store;
    private final int slot;
    private final int generation;

    Branch(BranchStore store, int slot, int generation) {
        this.store = store;
        this.slot = slot;
        this.generation = generation;
    }

    /**
     * Takes a lease, prefills {@code prompt} into it and keeps the logits after its last token.
     *
     * @throws NoLeaseException when every sequence id is leased
     * @throws KvExhaustedException when the prompt does not fit the cache (the lease is returned)
     */
    public static Branch create(BranchStore store, int[] prompt, SamplerParams params) {
        return store.createRoot(prompt, params, null);
    }

    /**
     * As {@link #create(BranchStore, int[], SamplerParams)}, constrained by {@code grammar} from the
     * first generated token on (the prompt is not checked against it). The branch owns the grammar
     * state: its forks get copies, and it is closed when the branch is released.
     */
    public static Branch create(BranchStore store, int[] prompt, SamplerParams params, Grammar grammar) {
        return store.createRoot(prompt, params, grammar);
    }

    /**
     * A child on a new lease that shares this branch's cells (a tag per cell, no KV copy) and
     * starts with copies of its logits, sampler state, grammar state, logit bias and metrics; steer
     * is not inherited.
     *
     * @throws NoLeaseException when every sequence id is leased
     */
    public Branch fork() {
        return store.fork(this);
    }

    /**
     * A new root on a new lease that shares this branch's first {@code position} cells (tags, no KV
     * copy) and nothing after them: how a request starts from a cached prefix. The child is a tree
     * of its own (no parent, so pruning or {@code retainOnly} in either tree never touches the
     * other), with a fresh sampler of {@code params}, fresh metrics, no grammar and no bias. Unless a
     * replay (below) produced them, the logits at its position are unknown: it must decode (prefill)
     * at least one token before it samples, scores, reads logits or commits; those throw until then.
     *
     * <p>On a model whose decodes overwrite history the child is exact or not made at all: below the
     * head, a sliding-window model shares the cells while its window is intact, else (and always on a
     * recurrent or hybrid model) the checkpoint at {@code position} is restored, or the deepest one
     * below it and the tokens between are decoded again (a replay, counted in
     * {@link BranchStore#checkpointStats()}; the child then knows its logits).
     *
     * @throws IllegalArgumentException when {@code position} is outside {@code [1, position()]}, or
     *     for a part of a sequence with per-sequence KV streams (llama.cpp copies only whole ones)
     * @throws IllegalStateException when going back to {@code position} cannot be exact on this model
     *     (no intact window, no checkpoint at or below it); the message says why
     * @throws NoLeaseException when every sequence id is leased
     */
    public Branch forkAt(int position, SamplerParams params) {
        return forkAt(position, params, null);
    }

    /**
     * As {@link #forkAt(int, SamplerParams)}, the child constrained by {@code grammar} (null: none)
     * from its first generated token on. The child owns the grammar state from this call on, which
     * closes it when the fork fails.
     */
    public Branch forkAt(int position, SamplerParams params, Grammar grammar) {
        return store.forkAt(this, position, params, grammar);
    }

    /**
     * Shortens this leaf to its first {@code position} tokens: the cells after them are removed and
     * it becomes a bare prefix, as a {@link #forkAt} child is: logits unknown until it decodes again,
     * metrics and sampler history reset (they described the removed tokens; the sampler keeps its
     * parameters and restarts from their seed), grammar released, bias and steer cleared.
     *
     * <p>Exact on every memory kind or refused, as {@link #forkAt} is (a replay restores the logits).
     *
     * @throws IllegalStateException while it has children (they may share the cells to be removed),
     *     or when going back to {@code position} cannot be exact on this model (the message says why)
     * @throws IllegalArgumentException when {@code position} is outside {@code [1, position()]}
     */
    public void truncate(int position) {
        store.truncate(this, position, null, null);
    }

    /**
     * As {@link #truncate(int)}, then restarts the branch as a new request's root: a fresh sampler of
     * {@code params} and the grammar {@code grammar} (null: none), which the branch owns from this
     * call on (closed when the truncation fails).
     */
    public void truncate(int position, SamplerParams params, Grammar grammar) {
        if (params == null) {
            if (grammar != null) {
                grammar.close();
            }
            throw new IllegalArgumentException("params must not be null");
        }
        store.truncate(this, position, params, grammar);
    }

    /**
     * Keeps a checkpoint of this branch's memory at its position, so that a later {@link #forkAt} or
     * {@link #truncate} to this position is exact on a model whose decodes overwrite history (a
     * sliding window's reused cells, a recurrent state). Forks share it; it is released with the last
     * branch that holds it. Returns whether a cut-back to this position is now exact without a replay:
     * always on a dense model (which needs no checkpoint), else false when the budget could not hold it.
     */
    public boolean checkpoint() {
        return store.checkpoint(this);
    }

    /** The positions this branch holds checkpoints at, ascending (empty on a dense model). */
    public int[] checkpointPositions() {
        return state().checkpointPositions();
    }

    /**
     * The deepest position {@code <= position} that {@link #forkAt} and {@link #truncate} reach
     * without decoding any token again: {@code position} itself on a dense model or where the memory
     * still holds it (a window not yet reused, a checkpoint there), else the deepest checkpoint below
     * it; -1 when going back to {@code position} would be refused.
     *
     * @throws IllegalArgumentException when {@code position} is outside {@code [1, position()]}
     */
    public int deepestExactCut(int position) {
        return store.deepestExactCut(this, position);
    }

    /** Whether the logits of the next token are known (false after forkAt or truncate, until a decode). */
    public boolean hasLogits() {
        return state().logitsKnown();
    }

    /**
     * RESTRICT: releases this branch and its cells. A no-op on a released branch, as every
     * release is (the seed's contract): releasing twice is never an error.
     *
     * @throws IllegalStateException while it has children (it stays alive and usable)
     */
    public void prune() {
        store.prune(this);
    }

    /** CASCADE: releases this branch and all its descendants, children first. A no-op on a released branch. */
    public void pruneSubtree() {
        store.pruneSubtree(this);
    }

    /**
     * SPLICE: releases this branch but keeps its children alive; they move up to its parent (or,
     * for a root, its first child becomes the root of the others). For searches whose dropped
     * paths may have live forks. A no-op on a released branch.
     */
    public void pruneSplice() {
        store.pruneSplice(this);
    }

    public Optional<Branch> parent() {
        BranchState parent = state().parent;
        return parent == null ? Optional.empty() : Optional.of(parent.handle());
    }

    /** Children in the order they were forked (spliced children in their parent's place). */
    public List<Branch> children() {
        List<Branch> children = new ArrayList<>();
        for (BranchState child : state().children) {
            children.add(child.handle());
        }
        return children;
    }

    public boolean isLeaf() {
        return state().children.isEmpty();
    }

    /** False once released; never throws. */
    public boolean isActive() {
        return store.isLive(this);
    }

    /** Whether a grammar constrains this branch. */
    public boolean hasGrammar() {
        return state().grammar() != null;
    }

    /**
     * Whether the text generated so far may end here: true without a grammar, else whether the
     * grammar is in a complete state (it allows an end of generation).
     */
    public boolean grammarComplete() {
        Grammar grammar = state().grammar();
        return grammar == null || grammar.isComplete();
    }

    /**
     * Whether the text would be complete after {@code token} (a token the grammar allows now, not
     * committed): true without a grammar. For a completion that ends on a token it never decodes.
     */
    public boolean grammarCompleteAfter(int token) {
        Grammar grammar = state().grammar();
        if (grammar == null) {
            return true;
        }
        if (store.context().model().isEndOfGeneration(token)) {
            return grammar.isComplete();
        }
        try (Grammar after = grammar.copy()) {
            after.accept(token);
            return after.isComplete();
        }
    }

    /** Tokens the grammar allows next (the finite entries of {@link #logits()}); -1 without a grammar. */
    public int allowedTokens() {
        return state().allowed();
    }

    /** Tokens in this branch's sequence; the next token is decoded at this position. */
    public int position() {
        return state().position();
    }

    /** The sequence id this branch leases (for metrics and debugging; the store owns it). */
    public int seqId() {
        return state().seq();
    }

    /** A copy of the logits of the next token. */
    public float[] logits() {
        return state().knownLogits().clone();
    }

    /** Copies the logits of the next token into {@code dst} (nVocab floats), without allocating. */
    public void logits(float[] dst) {
        float[] logits = state().knownLogits();
        if (dst.length < logits.length) {
            throw new IllegalArgumentException("destination must hold " + logits.length + " floats");
        }
        System.arraycopy(logits, 0, dst, 0, logits.length);
    }

    /**
     * The {@code k} most likely next tokens under the model's distribution (the raw logits, masked by
     * the grammar), most likely first, ties to the lower id; fewer when the grammar allows fewer. One
     * native pass over the row in place: no copy, no sort.
     */
    public int[] topTokens(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        float[] logits = state().knownLogits();
        int[] ids = new int[Math.min(k, logits.length)];
        int count = LogitsRows.topK(logits, ids.length, true, ids);
        return count == ids.length ? ids : java.util.Arrays.copyOf(ids, count);
    }

    /** Draws the next token with this branch's sampler, logit bias and steer (not yet accepted). */
    public int sample() {
        BranchState state = state();
        return state.sampler().sample(state.knownLogits(), state.bias(), state.steer(), state.argmax());
    }

    /** Records a token in the sampler's history (penalties) without decoding it. */
    public void accept(int token) {
        checkToken(token);
        state().accept(token);
    }

    /**
     * Accepts {@code token} and decodes it. If the decode fails, nothing changes: position,
     * logits, metrics and sampler are as before.
     *
     * @throws KvExhaustedException when not even a single token finds a free cell
     */
    public void commit(int token) {
        store.commit(List.of(this), new int[] {token});
    }

    /** Decodes tokens as context (no metrics, no penalty history); all or nothing. */
    public void prefill(int[] tokens) {
        store.prefill(List.of(this), List.of(tokens));
    }

    /** Model perplexity of the committed tokens: exp(mean surprisal); NaN before the first commit. */
    public double perplexity() {
        return state().metrics().perplexity();
    }

    /**
     * Perplexity of the committed tokens under the distribution the sampler drew from (after bias,
     * penalties, filters and temperature; a greedy sampler's is a point mass, so a non-argmax token
     * makes it infinite). NaN before the first commit.
     */
    public double samplingPerplexity() {
        return state().metrics().samplingPerplexity();
    }

    /** Sum of the model's natural-log probabilities of the committed tokens. */
    public double sumLogprob() {
        return state().metrics().sumLogprob();
    }

    /** Tokens committed (not prefilled) over this branch's history, forks included. */
    public int committedTokens() {
        return state().metrics().tokens();
    }

    /** Entropy, in nats, of the model's next-token distribution. */
    public double entropy() {
        float[] logits = state().knownLogits();
        // A full pass anyway: its own double-precision normalizer keeps the entropy exact.
        return BranchMetrics.entropy(logits, BranchMetrics.logSumExp(logits));
    }

    /**
     * ln p(token) under the model's next-token distribution (raw logits, no sampler). The
     * normalizer is computed once per logits row, so asking for many tokens costs one pass.
     */
    public double logprob(int token) {
        checkToken(token);
        return state().logprob(token);
    }

    /** -ln p(token) under the model's next-token distribution (raw logits, no sampler). */
    public double surprisal(int token) {
        return -logprob(token);
    }

    /** Replaces the additive logit bias (negative infinity bans a token); forks inherit it. */
    public void setLogitBias(Map<Integer, Float> bias) {
        store.setLogitBias(this, bias);
    }

    /** Adds a bias for this branch only (forks do not inherit it) until {@link #clearSteer()}. */
    public void steer(Map<Integer, Float> steer) {
        store.setSteer(this, steer);
    }

    public void clearSteer() {
        store.setSteer(this, null);
    }

    public SamplerParams samplerParams() {
        return state().sampler().params();
    }

    /** Restarts this branch's generator from {@code seed}. */
    public void reseed(long seed) {
        state().reseed(seed);
    }

    public BranchStore store() {
        return store;
    }

    int slot() {
        return slot;
    }

    int generation() {
        return generation;
    }

    private BranchState state() {
        return store.resolve(this);
    }

    private void checkToken(int token) {
        if (token < 0 || token >= store.nVocab()) {
            throw new IllegalArgumentException("token " + token + " is outside the vocab [0, " + store.nVocab() + ")");
        }
    }

    @Override
    public String toString() {
        return isActive() ? "Branch[seq=" + seqId() + ", position=" + position() + "]" : "Branch[released]";
    }
}
