package dev.arbor.kv;

import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The branch trees of one {@link LlamaContext}: hands out its sequence ids as leases through a
 * {@link Tenancy}, keeps every branch's state in a slot table, and decodes many branches in one
 * batch ({@link #commit}, {@link #prefill}).
 *
 * <p>A store holds many trees at once (one per request in Arbor); {@link #retainOnly} touches the
 * winner's tree only. Invariants, checked by the tests after every operation: leased ids equal
 * live branches; {@code leases + available() == nSeqMax}; a live branch's sequence holds exactly
 * {@code position()} cells; no cells are in use once no branch is live. Slots carry a generation,
 * so a {@link Branch} handle of a released branch can never reach a later branch in its slot.
 *
 * <p>The slot table and its handles are {@link BranchSlots}; the prefix operations (forkAt,
 * truncate) are {@link BranchPrefixes}.
 *
 * <p>Single-threaded, like its context. The store does not close the context: whoever created
 * the context closes it after the store.
 */
public final class BranchStore implements AutoCloseable {
    private final LlamaContext context;
    private final Tenancy tenancy;
    private final StoreDecoder decoder;
    private final int nVocab;
    private final BranchSlots slots;
    private final BranchPrefixes prefixes;
    private boolean drained;

    public BranchStore(LlamaContext context) {
        if (context.isClosed()) {
            throw new IllegalStateException("context is closed");
        }
        this.context = context;
        this.tenancy = new Tenancy(context);
        this.decoder = new StoreDecoder(context);
        this.nVocab = context.model().nVocab();
        this.slots = new BranchSlots(this, nVocab);
        this.prefixes = new BranchPrefixes(this, context, tenancy);
        // The store assumes it is the only user of the cache.
        tenancy.evictAll();
    }

    /** Vacant sequence leases. */
    public int available() {
        return tenancy.available();
    }

    public int nSeqMax() {
        return tenancy.capacity();
    }

    /** Live branches across all trees. */
    public int liveBranches() {
        return slots.live();
    }

    public LlamaContext context() {
        return context;
    }

    public KvPressure kvPressure() {
        return pressureOf(context);
    }

    static KvPressure pressureOf(LlamaContext context) {
        int used = context.kvUsedCells();
        return new KvPressure(context.nCtx(), used, context.nCtx() - used);
    }

    /**
     * KV cells that only {@code branches} see, no other live branch: what releasing all of them would
     * free (a cell shared with any other branch is not counted).
     */
    public int exclusiveCells(Collection<Branch> branches) {
        return prefixes.exclusiveCells(branches);
    }

    /**
     * Keeps {@code winner} and releases every other branch of its tree (other trees are untouched);
     * the winner becomes a root with no parent and no children. A no-op on a sole survivor.
     *
     * @throws IllegalStateException when the winner was released
     * @throws IllegalArgumentException when the winner belongs to another store
     */
    public void retainOnly(Branch winner) {
        BranchState kept = resolve(winner);
        List<BranchState> tree = BranchTree.subtree(kept.root());
        if (tree.size() == 1) {
            return;
        }
        boolean onlyTree = tree.size() == slots.live();
        if (onlyTree) {
            // One tree in the store: the seed's behaviour, one seq_keep for all of it.
            tenancy.retain(kept.seq);
        }
        for (BranchState state : tree) {
            if (state != kept) {
                if (!onlyTree) {
                    tenancy.evict(state.seq);
                }
                invalidate(state);
            }
        }
        kept.parent = null;
        kept.children.clear();
    }

    /**
     * Commits one token to each branch and decodes them in one {@code llama_decode} (more when
     * there are more branches than {@code nBatch}). All or nothing: on failure no branch changes.
     *
     * @throws KvExhaustedException when not even a single token finds a free cell
     */
    public void commit(List<Branch> branches, int[] tokens) {
        List<BranchState> states = resolveDistinct(branches);
        if (tokens.length != states.size()) {
            throw new IllegalArgumentException(tokens.length + " tokens for " + states.size() + " branches");
        }
        List<int[]> runs = new ArrayList<>(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            checkToken(tokens[i]);
            Grammar grammar = states.get(i).grammar;
            if (grammar != null && !grammar.allows(tokens[i])) {
                throw new IllegalArgumentException("token " + tokens[i] + " is not allowed by the grammar of branch "
                        + states.get(i).seq);
            }
            runs.add(new int[] {tokens[i]});
        }
        // Measured before the decode, from the logits the tokens were chosen from; recorded only
        // once it succeeded, so a failed commit has nothing to undo.
        double[] surprisals = new double[tokens.length];
        double[] samplingSurprisals = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            BranchState state = states.get(i);
            surprisals[i] = -state.logprob(tokens[i]);
            samplingSurprisals[i] = -Math.log(state.sampler.probability(state.knownLogits(), state.bias, state.steer,
                    tokens[i]));
        }
        decoder.decode(states, runs);
        for (int i = 0; i < tokens.length; i++) {
            BranchState state = states.get(i);
            state.metrics.record(surprisals[i], samplingSurprisals[i]);
            state.sampler.accept(tokens[i]);
            if (state.grammar != null) {
                state.grammar.accept(tokens[i]);
                state.constrain();
            }
        }
    }

    /**
     * Decodes many tokens into many branches, packed into as few batches of {@code nBatch}
     * entries as possible; each branch keeps the logits after its last token. Prefilled tokens
     * are context: they do not enter metrics or penalty history. All or nothing.
     *
     * @throws KvExhaustedException when not even a single token finds a free cell
     */
    public void prefill(List<Branch> branches, List<int[]> tokens) {
        List<BranchState> states = resolveDistinct(branches);
        if (tokens.size() != states.size()) {
            throw new IllegalArgumentException(tokens.size() + " token runs for " + states.size() + " branches");
        }
        for (int[] run : tokens) {
            for (int token : run) {
                checkToken(token);
            }
        }
        decoder.decode(states, tokens);
        for (BranchState state : states) {
            state.constrain();
        }
    }

    /** Releases every branch of every tree and empties the cache. Idempotent; creating branches afterwards throws. */
    public void drain() {
        if (drained) {
            return;
        }
        drained = true;
        slots.invalidateAll();
        tenancy.evictAll();
        decoder.close();
    }

    public boolean isDrained() {
        return drained;
    }

    /** Drains the store (the context stays open). */
    @Override
    public void close() {
        drain();
    }

    /**
     * Creates one root branch per prompt and prefills them all together, packed into as few
     * decodes as possible (how an engine admits several requests at once). All or nothing.
     *
     * @throws NoLeaseException when fewer leases are free than prompts (nothing is created)
     * @throws KvExhaustedException when the prompts do not fit the cache (nothing is created)
     */
    public List<Branch> createAll(List<int[]> prompts, List<SamplerParams> params) {
        return createAll(prompts, params, java.util.Collections.nCopies(prompts.size(), null));
    }

    /**
     * As {@link #createAll(List, List)}, each root constrained by its grammar (null: none). The
     * store takes ownership of the grammars: it closes them when their branches are released, and at
     * once when the roots cannot be created.
     */
    public List<Branch> createAll(List<int[]> prompts, List<SamplerParams> params, List<Grammar> grammars) {
        try {
            return createRoots(prompts, params, grammars);
        } catch (RuntimeException e) {
            Grammar.closeAll(grammars);
            throw e;
        }
    }

    private List<Branch> createRoots(List<int[]> prompts, List<SamplerParams> params, List<Grammar> grammars) {
        checkOpen();
        if (prompts.size() != params.size() || prompts.size() != grammars.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + params.size() + " sampler params and "
                    + grammars.size() + " grammars");
        }
        for (int[] prompt : prompts) {
            if (prompt == null || prompt.length == 0) {
                throw new IllegalArgumentException("prompt must hold at least one token");
            }
            for (int token : prompt) {
                checkToken(token);
            }
        }
        if (prompts.size() > tenancy.available()) {
            throw new NoLeaseException(tenancy.available(), tenancy.capacity());
        }
        List<BranchState> states = new ArrayList<>(prompts.size());
        for (SamplerParams p : params) {
            BranchState state = allocate(leaseOrThrow());
            state.sampler = new Sampler(p);
            states.add(state);
        }
        try {
            decoder.decode(states, prompts);
        } catch (RuntimeException e) {
            for (BranchState state : states) {
                tenancy.release(state.seq); // the decoder removed whatever it added
                invalidate(state);
            }
            throw e;
        }
        for (int i = 0; i < states.size(); i++) {
            states.get(i).grammar = grammars.get(i);
            states.get(i).constrain();
        }
        List<Branch> handles = new ArrayList<>(states.size());
        for (BranchState state : states) {
            handles.add(state.handle);
        }
        return handles;
    }

    // ---- operations behind Branch ----

    Branch forkAt(BranchState parent, int position, SamplerParams params, Grammar grammar) {
        return prefixes.forkAt(parent, position, params, grammar);
    }

    void truncate(BranchState state, int position) {
        prefixes.truncate(state, position);
    }

    void truncate(BranchState state, int position, SamplerParams params, Grammar grammar) {
        prefixes.truncate(state, position, params, grammar);
    }

    Branch createRoot(int[] prompt, SamplerParams params, Grammar grammar) {
        List<Grammar> grammars = new ArrayList<>(1);
        grammars.add(grammar);
        return createAll(List.of(prompt), List.of(params), grammars).get(0);
    }

    Branch fork(BranchState parent) {
        checkOpen();
        BranchState child = allocate(leaseOrThrow());
        // A tag on the parent's cells, not a copy of them.
        context.seqCopy(parent.seq, child.seq, -1, -1);
        child.position = parent.position;
        child.copyLogitsFrom(parent);
        child.sampler = parent.sampler.copy();
        child.bias = parent.bias;
        child.metrics = parent.metrics.copy();
        child.grammar = parent.grammar == null ? null : parent.grammar.copy();
        child.parent = parent;
        parent.children.add(child);
        return child.handle;
    }

    /** RESTRICT: releases a branch without children. */
    void prune(BranchState state) {
        if (!state.children.isEmpty()) {
            throw new IllegalStateException("branch has " + state.children.size()
                    + " children: prune them first, or use pruneSubtree() or pruneSplice()");
        }
        BranchTree.detachFromParent(state);
        release(state);
    }

    /** CASCADE: releases a branch and all its descendants, children before parents. */
    void pruneSubtree(BranchState top) {
        List<BranchState> order = BranchTree.subtree(top);
        BranchTree.detachFromParent(top);
        for (int i = order.size() - 1; i >= 0; i--) {
            BranchState state = order.get(i);
            state.children.clear();
            release(state);
        }
    }

    /**
     * SPLICE: releases a branch but keeps its children, which move up to its parent; when it has
     * no parent, its first child becomes the root and adopts the others, so the tree stays one tree.
     */
    void pruneSplice(BranchState state) {
        BranchTree.spliceOut(state);
        release(state);
    }

    /** The live state behind a handle, or an exception saying why there is none. */
    BranchState resolve(Branch branch) {
        if (branch == null) {
            throw new IllegalArgumentException("branch must not be null");
        }
        if (branch.store() != this) {
            throw new IllegalArgumentException("branch belongs to another store");
        }
        return slots.resolve(branch);
    }

    boolean isLive(Branch branch) {
        return slots.isLive(branch);
    }

    int nVocab() {
        return nVocab;
    }

    LogitBias bias(Map<Integer, Float> bias) {
        return LogitBias.of(bias, nVocab);
    }

    // ---- internals ----

    int leaseOrThrow() {
        OptionalInt seq = tenancy.acquire();
        if (seq.isEmpty()) {
            throw new NoLeaseException(tenancy.available(), tenancy.capacity());
        }
        return seq.getAsInt();
    }

    private void release(BranchState state) {
        tenancy.evict(state.seq);
        invalidate(state);
    }

    BranchState allocate(int seq) {
        return slots.allocate(seq);
    }

    void invalidate(BranchState state) {
        slots.invalidate(state);
    }

    private List<BranchState> resolveDistinct(List<Branch> branches) {
        checkOpen();
        return slots.resolveDistinct(branches);
    }

    private void checkToken(int token) {
        if (token < 0 || token >= nVocab) {
            throw new IllegalArgumentException("token " + token + " is outside the vocab [0, " + nVocab + ")");
        }
    }

    void checkOpen() {
        if (drained) {
            throw new IllegalStateException("store is drained");
        }
    }

    @Override
    public String toString() {
        return "BranchStore[live=" + slots.live() + ", available=" + available() + "/" + nSeqMax() + ", " + kvPressure() + "]";
    }
}
