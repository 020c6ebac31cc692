package dev.arbor.kv;

import dev.arbor.llama.Grammar;
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
        return store.fork(state());
    }

    /**
     * A new root on a new lease that shares this branch's first {@code position} cells (tags, no KV
     * copy) and nothing after them: how a request starts from a cached prefix. The child is a tree
     * of its own (no parent, so pruning or {@code retainOnly} in either tree never touches the
     * other), with a fresh sampler of {@code params}, fresh metrics, no grammar and no bias. No
     * decode has produced the logits at its position yet: it must decode (prefill) at least one token
     * before it samples, scores, reads logits or commits; those throw until then.
     *
     * @throws IllegalArgumentException when {@code position} is outside {@code [1, position()]}, or
     *     for a part of a sequence with per-sequence KV streams (llama.cpp copies only whole ones)
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
        return store.forkAt(state(), position, params, grammar);
    }

    /**
     * Shortens this leaf to its first {@code position} tokens: the cells after them are removed and
     * it becomes a bare prefix, as a {@link #forkAt} child is: logits unknown until it decodes again,
     * metrics and sampler history reset (they described the removed tokens; the sampler keeps its
     * parameters and restarts from their seed), grammar released, bias and steer cleared.
     *
     * @throws IllegalStateException while it has children (they may share the cells to be removed)
     * @throws IllegalArgumentException when {@code position} is outside {@code [1, position()]}
     */
    public void truncate(int position) {
        store.truncate(state(), position);
    }

    /**
     * As {@link #truncate(int)}, then restarts the branch as a new request's root: a fresh sampler of
     * {@code params} and the grammar {@code grammar} (null: none), which the branch owns from this
     * call on (closed when the truncation fails).
     */
    public void truncate(int position, SamplerParams params, Grammar grammar) {
        store.truncate(state(), position, params, grammar);
    }

    /** Whether the logits of the next token are known (false after forkAt or truncate, until a decode). */
    public boolean hasLogits() {
        return state().logitsKnown;
    }

    /**
     * RESTRICT: releases this branch and its cells. A no-op on a released branch, as every
     * release is (the seed's contract): releasing twice is never an error.
     *
     * @throws IllegalStateException while it has children (it stays alive and usable)
     */
    public void prune() {
        if (store.isLive(this)) {
            store.prune(state());
        }
    }

    /** CASCADE: releases this branch and all its descendants, children first. A no-op on a released branch. */
    public void pruneSubtree() {
        if (store.isLive(this)) {
            store.pruneSubtree(state());
        }
    }

    /**
     * SPLICE: releases this branch but keeps its children alive; they move up to its parent (or,
     * for a root, its first child becomes the root of the others). For searches whose dropped
     * paths may have live forks. A no-op on a released branch.
     */
    public void pruneSplice() {
        if (store.isLive(this)) {
            store.pruneSplice(state());
        }
    }

    public Optional<Branch> parent() {
        BranchState parent = state().parent;
        return parent == null ? Optional.empty() : Optional.of(parent.handle);
    }

    /** Children in the order they were forked (spliced children in their parent's place). */
    public List<Branch> children() {
        List<Branch> children = new ArrayList<>();
        for (BranchState child : state().children) {
            children.add(child.handle);
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

    /** Tokens in this branch's sequence; the next token is decoded at this position. */
    /** Whether a grammar constrains this branch. */
    public boolean hasGrammar() {
        return state().grammar != null;
    }

    /**
     * Whether the text generated so far may end here: true without a grammar, else whether the
     * grammar is in a complete state (it allows an end of generation).
     */
    public boolean grammarComplete() {
        Grammar grammar = state().grammar;
        return grammar == null || grammar.isComplete();
    }

    /**
     * Whether the text would be complete after {@code token} (a token the grammar allows now, not
     * committed): true without a grammar. For a completion that ends on a token it never decodes.
     */
    public boolean grammarCompleteAfter(int token) {
        Grammar grammar = state().grammar;
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
        return state().allowed;
    }

    public int position() {
        return state().position;
    }

    /** The sequence id this branch leases (for metrics and debugging; the store owns it). */
    public int seqId() {
        return state().seq;
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

    /** Draws the next token with this branch's sampler, logit bias and steer (not yet accepted). */
    public int sample() {
        BranchState state = state();
        return state.sampler.sample(state.knownLogits(), state.bias, state.steer);
    }

    /** Records a token in the sampler's history (penalties) without decoding it. */
    public void accept(int token) {
        checkToken(token);
        state().sampler.accept(token);
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
        return state().metrics.perplexity();
    }

    /**
     * Perplexity of the committed tokens under the distribution the sampler drew from (after bias,
     * penalties, filters and temperature; a greedy sampler's is a point mass, so a non-argmax token
     * makes it infinite). NaN before the first commit.
     */
    public double samplingPerplexity() {
        return state().metrics.samplingPerplexity();
    }

    /** Sum of the model's natural-log probabilities of the committed tokens. */
    public double sumLogprob() {
        return state().metrics.sumLogprob();
    }

    /** Tokens committed (not prefilled) over this branch's history, forks included. */
    public int committedTokens() {
        return state().metrics.tokens();
    }

    /** Entropy, in nats, of the model's next-token distribution. */
    public double entropy() {
        BranchState state = state();
        return BranchMetrics.entropy(state.knownLogits(), state.logNormalizer());
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
        BranchState state = state();
        state.bias = store.bias(bias);
        state.sampler.forgetLastSample();
    }

    /** Adds a bias for this branch only (forks do not inherit it) until {@link #clearSteer()}. */
    public void steer(Map<Integer, Float> steer) {
        BranchState state = state();
        state.steer = store.bias(steer);
        state.sampler.forgetLastSample();
    }

    public void clearSteer() {
        BranchState state = state();
        state.steer = LogitBias.NONE;
        state.sampler.forgetLastSample();
    }

    public SamplerParams samplerParams() {
        return state().sampler.params();
    }

    /** Restarts this branch's generator from {@code seed}. */
    public void reseed(long seed) {
        state().sampler.reseed(seed);
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
