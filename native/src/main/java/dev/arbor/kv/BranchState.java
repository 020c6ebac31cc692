package dev.arbor.kv;

import dev.arbor.llama.Grammar;
import dev.arbor.llama.LogitsRows;
import dev.arbor.llama.RowSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a branch owns, kept in its store's slot table; {@link Branch} is only a handle
 * (store, slot, generation) onto one of these. Every change of a branch's state is one of the
 * named transitions below, called by {@link BranchStore} alone:
 *
 * <pre>
 *            open ──► (live) ──► close ──► (free: generation + 1, handles dead)
 *                      │  ▲
 *   decoded / committed│  │ inheritFrom (a fork's child), restartAt (a cut-back)
 *                      └──┘
 * </pre>
 *
 * <p>Invariants while {@code live}: {@code seq} is leased to this branch alone; the sequence
 * holds exactly {@code position} cells (positions {@code 0..position-1}) whose tokens are
 * {@link #tokens}; {@code checkpoints} are states of those same tokens at increasing positions
 * {@code <= position}, each referenced once by this branch; {@code logits} is the next-token row after the last decoded token, masked by
 * {@code grammar} when there is one (the grammar has accepted every committed token, none of the
 * prefilled ones) while {@code logitsKnown}; {@code parent} and {@code children} are live.
 */
final class BranchState {
    final int slot;
    private int generation;
    private boolean live;
    private Branch handle;

    private int seq;
    private int position;
    /** The tokens in the sequence's cells, positions 0..position-1 (a replay from a checkpoint reads them). */
    private int[] tokens = new int[64];
    BranchState parent;
    final List<BranchState> children = new ArrayList<>();
    /** Saved partial states of this sequence, by increasing position (shared with forks by reference). */
    private final List<Checkpoint> checkpoints = new ArrayList<>();

    private float[] logits;
    private float[] pending; // receives the next row during a decode; swapped in only on success
    // False after a cut-back until the branch decodes again: no decode has produced the row for its
    // current position, and a stale row would silently give wrong tokens.
    private boolean logitsKnown;
    private Sampler sampler;
    private LogitBias bias = LogitBias.NONE;
    private LogitBias steer = LogitBias.NONE;
    private BranchMetrics metrics = new BranchMetrics();
    private Grammar grammar; // null: unconstrained; owned by this branch, closed on close()
    private int allowed = -1; // tokens the grammar leaves in logits after the last mask; -1 without a grammar
    // log-sum-exp of logits and the lowest token holding its largest logit (-1: none finite), known
    // once per row: the decoder summarizes each row while copying it, a grammar's mask again. NaN
    // until known; the search ranks continuations and the commit measures surprisal from them.
    private double logNormalizer = Double.NaN;
    private int argmax = Sampler.ARGMAX_UNKNOWN;
    private final RowSummary summary = new RowSummary(); // scratch for constrain() and summarize(), reused row after row
    private double pendingLogNormalizer = Double.NaN;
    private int pendingArgmax = Sampler.ARGMAX_UNKNOWN;

    BranchState(int slot) {
        this.slot = slot;
    }

    // ---- transitions ----

    /**
     * A fresh branch on sequence {@code seq}: no cells yet, no known logits, no tree edges, the
     * given sampler and grammar (owned from now on), no bias, empty metrics.
     */
    Branch open(BranchStore store, int seq, int nVocab, Sampler sampler, Grammar grammar) {
        live = true;
        this.seq = seq;
        position = 0;
        parent = null;
        children.clear();
        if (logits == null) {
            logits = new float[nVocab];
            pending = new float[nVocab];
        }
        logitsKnown = false;
        forgetSummary();
        this.sampler = sampler;
        this.grammar = grammar;
        allowed = -1;
        bias = LogitBias.NONE;
        steer = LogitBias.NONE;
        metrics = new BranchMetrics();
        handle = new Branch(store, slot, generation);
        return handle;
    }

    /**
     * A fork's child takes what its parent knows at the parent's position: the row, sampler state,
     * grammar state (a copy), bias and metrics; steer is not inherited. Becomes the parent's last child.
     */
    void inheritFrom(BranchState source) {
        position = source.position;
        ensureTokens(position);
        System.arraycopy(source.tokens, 0, tokens, 0, position);
        System.arraycopy(source.logits, 0, logits, 0, logits.length);
        logitsKnown = source.logitsKnown;
        logNormalizer = source.logNormalizer;
        argmax = source.argmax;
        allowed = source.allowed;
        sampler = source.sampler.fork();
        bias = source.bias;
        metrics = source.metrics.copy();
        grammar = source.grammar == null ? null : source.grammar.copy();
        for (Checkpoint checkpoint : source.checkpoints) {
            checkpoints.add(checkpoint.retain());
        }
        parent = source;
        source.children.add(this);
    }

    /**
     * The branch now holds only the first {@code position} tokens of {@code source} (itself, or the
     * branch a new root was cut from) and starts over there as a new request's root would: logits
     * unknown until it decodes, fresh metrics, the given sampler and grammar (owned from now on; the
     * old grammar is closed), bias and steer cleared.
     */
    void restartAt(BranchState source, int position, Sampler sampler, Grammar grammar) {
        if (source != this) {
            ensureTokens(position);
            System.arraycopy(source.tokens, 0, tokens, 0, position);
            for (Checkpoint checkpoint : source.checkpoints) {
                if (checkpoint.position() <= position) {
                    checkpoints.add(checkpoint.retain());
                }
            }
        } else {
            dropCheckpointsAbove(position);
        }
        this.position = position;
        logitsKnown = false;
        forgetSummary();
        metrics = new BranchMetrics();
        this.sampler = sampler;
        closeGrammar();
        this.grammar = grammar;
        bias = LogitBias.NONE;
        steer = LogitBias.NONE;
    }

    /**
     * {@code run} was decoded into the sequence from {@link #position()}, and the row after its last
     * token is in {@link #pendingRow()}: the position advances and that row becomes the next-token
     * row. Followed by {@link #committed} (one generated token) or {@link #prefilled} (context).
     */
    void decoded(int[] run) {
        ensureTokens(position + run.length);
        System.arraycopy(run, 0, tokens, position, run.length);
        position += run.length;
        float[] previous = logits;
        logits = pending;
        pending = previous;
        logitsKnown = true;
        logNormalizer = pendingLogNormalizer;
        argmax = pendingArgmax;
        pendingLogNormalizer = Double.NaN;
        pendingArgmax = Sampler.ARGMAX_UNKNOWN;
        sampler.forgetLastSample();
    }

    /** The decoder summarized the row it put into {@link #pendingRow()} (see {@link RowSummary}). */
    void pendingSummarized(RowSummary row) {
        pendingLogNormalizer = row.logSumExp();
        pendingArgmax = row.max() == Float.NEGATIVE_INFINITY ? Sampler.ARGMAX_UNKNOWN : row.argmax();
    }

    /**
     * From now on {@code grammar} (owned from now on; null: none) constrains what the branch
     * generates; the current row is masked by it. For a new root, once its prompt is decoded.
     */
    void constrainWith(Grammar grammar) {
        closeGrammar();
        this.grammar = grammar;
        constrain();
    }

    /** The decoded run was context: the new row is masked by the grammar as it stands (it never sees context). */
    void prefilled() {
        constrain();
    }

    /** A committed token (decoded by {@link #decoded}) enters metrics, sampler history and grammar. */
    void committed(int token, double surprisal, double samplingSurprisal) {
        metrics.record(surprisal, samplingSurprisal);
        sampler.accept(token);
        if (grammar != null) {
            grammar.accept(token);
            constrain();
        }
    }

    /** Frees the state: its grammar is closed, its handles no longer resolve, its edges are gone. */
    void close() {
        dropCheckpointsAbove(-1);
        closeGrammar();
        live = false;
        generation++;
        handle = null;
        parent = null;
        children.clear();
        sampler = null;
    }

    /**
     * Keeps {@code checkpoint} (this branch's reference), a state of its own tokens at a position
     * {@code <= position()} beyond its deepest checkpoint; one at a position already kept is released.
     */
    void addCheckpoint(Checkpoint checkpoint) {
        if (checkpoint.position() > position) {
            throw new IllegalStateException("a checkpoint at " + checkpoint.position() + " for a branch at " + position);
        }
        if (!checkpoints.isEmpty() && checkpoints.get(checkpoints.size() - 1).position() >= checkpoint.position()) {
            checkpoint.release(); // kept already (or out of order, which the decoder never does)
            return;
        }
        checkpoints.add(checkpoint);
    }

    void setBias(LogitBias bias) {
        this.bias = bias;
        sampler.forgetLastSample();
    }

    void setSteer(LogitBias steer) {
        this.steer = steer;
        sampler.forgetLastSample();
    }

    void reseed(long seed) {
        sampler.reseed(seed);
    }

    void accept(int token) {
        sampler.accept(token);
    }

    // ---- queries ----

    boolean isLive() {
        return live;
    }

    boolean matches(Branch branch) {
        return live && generation == branch.generation();
    }

    Branch handle() {
        return handle;
    }

    int seq() {
        return seq;
    }

    int position() {
        return position;
    }

    /** The token at {@code at} in the sequence ({@code 0 <= at < position}). */
    int tokenAt(int at) {
        return tokens[at];
    }

    /** A copy of the tokens at positions {@code [from, to)}. */
    int[] tokens(int from, int to) {
        return java.util.Arrays.copyOfRange(tokens, from, to);
    }

    /** The checkpoint at the highest position {@code <= position}, or null. */
    Checkpoint deepestCheckpoint(int position) {
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            if (checkpoints.get(i).position() <= position) {
                return checkpoints.get(i);
            }
        }
        return null;
    }

    boolean hasCheckpointAt(int position) {
        Checkpoint deepest = deepestCheckpoint(position);
        return deepest != null && deepest.position() == position;
    }

    int[] checkpointPositions() {
        int[] positions = new int[checkpoints.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = checkpoints.get(i).position();
        }
        return positions;
    }

    boolean logitsKnown() {
        return logitsKnown;
    }

    float[] pendingRow() {
        return pending;
    }

    Sampler sampler() {
        return sampler;
    }

    LogitBias bias() {
        return bias;
    }

    LogitBias steer() {
        return steer;
    }

    BranchMetrics metrics() {
        return metrics;
    }

    Grammar grammar() {
        return grammar;
    }

    int allowed() {
        return allowed;
    }

    /** The next-token row; throws while it is unknown (after a cut-back, before a decode). */
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
            summarize();
        }
        return logNormalizer;
    }

    /** The lowest token holding the row's largest logit, or {@link Sampler#ARGMAX_UNKNOWN} when none is finite. */
    int argmax() {
        if (Double.isNaN(logNormalizer)) {
            summarize();
        }
        return argmax;
    }

    BranchState root() {
        BranchState root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        return root;
    }

    // ---- internals ----

    /**
     * Applies the grammar (if any) to the current logits row: tokens it does not allow next get
     * -inf, so sampling, ranking and metrics all see the constrained distribution.
     */
    private void constrain() {
        if (grammar != null) {
            allowed = grammar.mask(logits, summary);
            logNormalizer = summary.logSumExp();
            argmax = summary.max() == Float.NEGATIVE_INFINITY ? Sampler.ARGMAX_UNKNOWN : summary.argmax();
        }
    }

    private void summarize() {
        LogitsRows.summarize(knownLogits(), summary);
        logNormalizer = summary.logSumExp();
        argmax = summary.max() == Float.NEGATIVE_INFINITY ? Sampler.ARGMAX_UNKNOWN : summary.argmax();
    }

    private void forgetSummary() {
        logNormalizer = Double.NaN;
        argmax = Sampler.ARGMAX_UNKNOWN;
    }

    private void dropCheckpointsAbove(int position) {
        for (int i = checkpoints.size() - 1; i >= 0 && checkpoints.get(i).position() > position; i--) {
            checkpoints.remove(i).release();
        }
    }

    private void closeGrammar() {
        if (grammar != null) {
            grammar.close();
            grammar = null;
        }
        allowed = -1;
    }

    private void ensureTokens(int length) {
        if (length > tokens.length) {
            tokens = java.util.Arrays.copyOf(tokens, Math.max(length, tokens.length * 2));
        }
    }
}
