package dev.arbor.kv;

import dev.arbor.llama.Grammar;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a live branch owns, kept in its store's slot table. {@link Branch} is only a handle
 * (store, slot, generation) onto one of these.
 *
 * <p>Invariants while {@code live}: {@code seq} is leased to this branch alone; the sequence
 * holds exactly {@code position} cells (positions {@code 0..position-1}); {@code logits} is the
 * next-token row after the last decoded token, masked by {@code grammar} when there is one (the
 * grammar has accepted every committed token, none of the prefilled ones) while
 * {@code logitsKnown}; {@code parent} and {@code children} are live.
 */
final class BranchState {
    final int slot;
    int generation;
    boolean live;
    Branch handle;

    int seq;
    int position;
    BranchState parent;
    final List<BranchState> children = new ArrayList<>();

    float[] logits;
    float[] pending; // receives the next row during a decode; swapped in only on success
    // False after forkAt or truncate until the branch decodes again: no decode has produced the
    // row for its current position, and a stale row would silently give wrong tokens.
    boolean logitsKnown;
    Sampler sampler;
    LogitBias bias = LogitBias.NONE;
    LogitBias steer = LogitBias.NONE;
    BranchMetrics metrics = new BranchMetrics();
    Grammar grammar; // null: unconstrained; owned by this branch, closed on release
    int allowed = -1; // tokens the grammar leaves in logits after the last mask; -1 without a grammar
    // log-sum-exp of logits, computed once per logits row (NaN until asked for): the search ranks
    // continuations and the commit measures surprisal from the same row.
    private double logNormalizer = Double.NaN;

    BranchState(int slot) {
        this.slot = slot;
    }

    void swapLogits() {
        float[] previous = logits;
        logits = pending;
        pending = previous;
        logitsKnown = true;
        logNormalizer = Double.NaN;
        sampler.forgetLastSample();
    }

    /**
     * Applies the grammar (if any) to the current logits row: tokens it does not allow next get
     * -inf, so sampling, ranking and metrics all see the constrained distribution.
     */
    void constrain() {
        if (grammar != null) {
            allowed = grammar.mask(logits);
            logNormalizer = Double.NaN;
        }
    }

    /** Closes the grammar state, if any. */
    void releaseGrammar() {
        if (grammar != null) {
            grammar.close();
            grammar = null;
        }
        allowed = -1;
    }

    /** The next-token row; throws while it is unknown (after forkAt or truncate, before a decode). */
    float[] knownLogits() {
        if (!logitsKnown) {
            throw new IllegalStateException("the branch's next-token logits are unknown: after forkAt or truncate "
                    + "it must decode (prefill) at least one token before it samples, scores or commits");
        }
        return logits;
    }

    /** Natural-log probability of {@code token} under softmax(logits). */
    double logprob(int token) {
        return knownLogits()[token] - logNormalizer();
    }

    double logNormalizer() {
        if (Double.isNaN(logNormalizer)) {
            logNormalizer = BranchMetrics.logSumExp(knownLogits());
        }
        return logNormalizer;
    }

    /** Takes a copy of another branch's logits row (a fork), with what is known about it. */
    void copyLogitsFrom(BranchState other) {
        System.arraycopy(other.logits, 0, logits, 0, logits.length);
        logitsKnown = other.logitsKnown;
        logNormalizer = other.logNormalizer;
        allowed = other.allowed;
    }

    BranchState root() {
        BranchState root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        return root;
    }
}
