package dev.arbor.kv;

import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.ModelMemory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The branch trees of one {@link LlamaContext}: hands out its sequence ids as leases, keeps every
 * branch's state in a slot table, and decodes many branches in one batch ({@link #commit},
 * {@link #prefill}).
 *
 * <p>A store holds many trees at once (one per request in Arbor); {@link #retainOnly} touches the
 * winner's tree only. Invariants, checked by the tests after every operation: leased ids equal
 * live branches; {@code leases + available() == nSeqMax}; a live branch's sequence holds exactly
 * {@code position()} cells; no cells are in use once no branch is live. Slots carry a generation,
 * so a {@link Branch} handle of a released branch can never reach a later branch in its slot.
 *
 * <p>Every operation is exact for the model's memory kind ({@link ModelMemory}) or refused: going
 * back in a sequence ({@link Branch#forkAt}, {@link Branch#truncate}) on a sliding-window, recurrent
 * or hybrid model uses the branch's checkpoints ({@link Branch#checkpoint}, checkpoint positions
 * when prefilling), budgeted in bytes ({@link #checkpointStats()}), and throws an
 * {@link IllegalStateException} naming the reason where none serves.
 *
 * <p>Who does what: this class resolves handles, checks that the store is open and decodes
 * ({@link StoreDecoder}); tree changes are {@link TreeEdits}, sequences and checkpoints
 * {@link SequenceMemory}, the slot table {@link BranchSlots}, a branch's own state
 * {@link BranchState}. Calls only go down that list.
 *
 * <p>Single-threaded, like its context. The store does not close the context: whoever created
 * the context closes it after the store.
 */
@dev.arbor.annotation.PublicApi
public final class BranchStore implements AutoCloseable {
    /** The checkpoint budget of a store made without one: 512 MiB. */
    public static final long DEFAULT_CHECKPOINT_BYTES = 512L << 20;

    private final LlamaContext context;
    private final SequenceMemory memory;
    private final StoreDecoder decoder;
    private final int nVocab;
    private final BranchSlots slots = new BranchSlots();
    private final TreeEdits edits;
    // One set of sampling buffers for every root's sampler and its forks: all draw on this thread.
    private final SamplerScratch samplerScratch = new SamplerScratch();
    private boolean drained;

    public BranchStore(LlamaContext context) {
        this(context, DEFAULT_CHECKPOINT_BYTES);
    }

    /** @param checkpointBytes the most bytes this store's checkpoints may hold together */
    public BranchStore(LlamaContext context, long checkpointBytes) {
        if (context.isClosed()) {
            throw new IllegalStateException("context is closed");
        }
        this.context = context;
        this.memory = new SequenceMemory(context, checkpointBytes);
        this.decoder = new StoreDecoder(context, memory);
        this.nVocab = context.model().nVocab();
        this.edits = new TreeEdits(this, slots, memory, decoder, nVocab);
        // The store assumes it is the only user of the cache.
        memory.clear();
    }

    /** Vacant sequence leases. */
    public int available() {
        return memory.available();
    }

    public int nSeqMax() {
        return memory.capacity();
    }

    /** Live branches across all trees. */
    public int liveBranches() {
        return slots.live();
    }

    public LlamaContext context() {
        return context;
    }

    /** How the model keeps its memory, which decides what going back in a sequence costs or refuses. */
    public ModelMemory memory() {
        return memory.kind();
    }

    public KvPressure kvPressure() {
        return pressureOf(context);
    }

    static KvPressure pressureOf(LlamaContext context) {
        int used = context.kvUsedCells();
        return new KvPressure(context.nCtx(), used, context.nCtx() - used);
    }

    /** What the checkpoints hold and what restoring them did, for metrics. */
    public CheckpointStats checkpointStats() {
        CheckpointPool pool = memory.checkpoints();
        return new CheckpointStats(pool.live(), pool.bytes(), pool.peakBytes(), pool.maxBytes(), pool.taken(), pool.skipped(),
                pool.restored(), pool.replayedTokens());
    }

    /**
     * KV cells that only {@code branches} see, no other live branch: what releasing all of them would
     * free (a cell shared with any other branch is not counted).
     */
    public int exclusiveCells(Collection<Branch> branches) {
        BitSet seqs = new BitSet(memory.capacity());
        for (Branch branch : branches) {
            seqs.set(resolve(branch).seq());
        }
        return memory.cellsSeenOnlyBy(seqs);
    }

    /**
     * Keeps {@code winner} and releases every other branch of its tree (other trees are untouched);
     * the winner becomes a root with no parent and no children. A no-op on a sole survivor.
     *
     * @throws IllegalStateException when the winner was released
     * @throws IllegalArgumentException when the winner belongs to another store
     */
    public void retainOnly(Branch winner) {
        edits.retainOnly(resolve(winner));
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
            Grammar grammar = states.get(i).grammar();
            if (grammar != null && !grammar.allows(tokens[i])) {
                throw new IllegalArgumentException("token " + tokens[i] + " is not allowed by the grammar of branch "
                        + states.get(i).seq());
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
            samplingSurprisals[i] = -Math.log(state.sampler().probability(state.knownLogits(), state.bias(),
                    state.steer(), tokens[i], state.argmax()));
        }
        decoder.decode(states, runs);
        for (int i = 0; i < tokens.length; i++) {
            states.get(i).committed(tokens[i], surprisals[i], samplingSurprisals[i]);
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
        prefill(branches, tokens, null);
    }

    /**
     * As {@link #prefill(List, List)}, keeping a checkpoint of branch {@code i} at each position of
     * {@code checkpointAt.get(i)} that the prefill passes (null: none), so that later cut-backs there
     * are exact on models whose decodes overwrite history. A no-op for checkpoints on a dense model;
     * one the budget cannot hold is skipped ({@link CheckpointStats#skipped()}).
     */
    public void prefill(List<Branch> branches, List<int[]> tokens, List<int[]> checkpointAt) {
        List<BranchState> states = resolveDistinct(branches);
        if (tokens.size() != states.size() || (checkpointAt != null && checkpointAt.size() != states.size())) {
            throw new IllegalArgumentException(tokens.size() + " token runs for " + states.size() + " branches");
        }
        for (int[] run : tokens) {
            for (int token : run) {
                checkToken(token);
            }
        }
        decoder.decode(states, tokens, memory.kind().overwritesHistory() ? checkpointAt : null);
        for (BranchState state : states) {
            state.prefilled();
        }
    }

    /** Releases every branch of every tree and empties the cache. Idempotent; creating branches afterwards throws. */
    public void drain() {
        if (drained) {
            return;
        }
        drained = true;
        slots.giveBackAll();
        memory.clear();
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
        return createAll(prompts, params, Collections.nCopies(prompts.size(), null));
    }

    /**
     * As {@link #createAll(List, List)}, each root constrained by its grammar (null: none). The
     * store takes ownership of the grammars: it closes them when their branches are released, and at
     * once when the roots cannot be created.
     */
    public List<Branch> createAll(List<int[]> prompts, List<SamplerParams> params, List<Grammar> grammars) {
        return createAll(prompts, params, grammars, null);
    }

    /**
     * As {@link #createAll(List, List, List)}, keeping checkpoints of root {@code i} at the positions
     * of {@code checkpointAt.get(i)} (see {@link #prefill(List, List, List)}).
     */
    public List<Branch> createAll(List<int[]> prompts, List<SamplerParams> params, List<Grammar> grammars,
            List<int[]> checkpointAt) {
        try {
            return createRoots(prompts, params, grammars, checkpointAt);
        } catch (RuntimeException e) {
            Grammar.closeAll(grammars);
            throw e;
        }
    }

    private List<Branch> createRoots(List<int[]> prompts, List<SamplerParams> params, List<Grammar> grammars,
            List<int[]> checkpointAt) {
        checkOpen();
        if (prompts.size() != params.size() || prompts.size() != grammars.size()
                || (checkpointAt != null && checkpointAt.size() != prompts.size())) {
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
        if (prompts.size() > memory.available()) {
            throw new NoLeaseException(memory.available(), memory.capacity());
        }
        List<BranchState> states = new ArrayList<>(prompts.size());
        for (SamplerParams p : params) {
            states.add(edits.open(new Sampler(p, samplerScratch), null));
        }
        try {
            decoder.decode(states, prompts, memory.kind().overwritesHistory() ? checkpointAt : null);
        } catch (RuntimeException e) {
            for (BranchState state : states) {
                edits.release(state); // the decoder removed whatever it added
            }
            throw e;
        }
        List<Branch> handles = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            BranchState state = states.get(i);
            state.constrainWith(grammars.get(i));
            handles.add(state.handle());
        }
        return handles;
    }

    // ---- operations behind Branch: resolve the handle, then one call into the layer that does it ----

    Branch createRoot(int[] prompt, SamplerParams params, Grammar grammar) {
        List<Grammar> grammars = new ArrayList<>(1);
        grammars.add(grammar);
        return createAll(List.of(prompt), List.of(params), grammars).get(0);
    }

    Branch fork(Branch parent) {
        BranchState state = resolve(parent);
        checkOpen();
        return edits.fork(state);
    }

    Branch forkAt(Branch source, int position, SamplerParams params, Grammar grammar) {
        BranchState state;
        try {
            state = resolve(source);
            checkOpen();
        } catch (RuntimeException e) {
            if (grammar != null) {
                grammar.close();
            }
            throw e;
        }
        return edits.forkAt(state, position, params, grammar);
    }

    void truncate(Branch branch, int position, SamplerParams params, Grammar grammar) {
        BranchState state;
        try {
            state = resolve(branch);
            checkOpen();
        } catch (RuntimeException e) {
            if (grammar != null) {
                grammar.close();
            }
            throw e;
        }
        edits.truncate(state, position, params, grammar);
    }

    boolean checkpoint(Branch branch) {
        BranchState state = resolve(branch);
        checkOpen();
        return !memory.kind().overwritesHistory() || edits.checkpoint(state);
    }

    int deepestExactCut(Branch branch, int position) {
        return edits.deepestExactCut(resolve(branch), position);
    }

    void prune(Branch branch) {
        if (slots.isLive(branch)) {
            edits.prune(resolve(branch));
        }
    }

    void pruneSubtree(Branch branch) {
        if (slots.isLive(branch)) {
            edits.pruneSubtree(resolve(branch));
        }
    }

    void pruneSplice(Branch branch) {
        if (slots.isLive(branch)) {
            edits.pruneSplice(resolve(branch));
        }
    }

    void setLogitBias(Branch branch, Map<Integer, Float> bias) {
        resolve(branch).setBias(LogitBias.of(bias, nVocab));
    }

    void setSteer(Branch branch, Map<Integer, Float> steer) {
        resolve(branch).setSteer(LogitBias.of(steer, nVocab));
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

    private List<BranchState> resolveDistinct(List<Branch> branches) {
        checkOpen();
        for (Branch branch : branches) {
            if (branch == null) {
                throw new IllegalArgumentException("branch must not be null");
            }
            if (branch.store() != this) {
                throw new IllegalArgumentException("branch belongs to another store");
            }
        }
        return slots.resolveDistinct(branches);
    }

    private void checkToken(int token) {
        if (token < 0 || token >= nVocab) {
            throw new IllegalArgumentException("token " + token + " is outside the vocab [0, " + nVocab + ")");
        }
    }

    private void checkOpen() {
        if (drained) {
            throw new IllegalStateException("store is drained");
        }
    }

    @Override
    public String toString() {
        return "BranchStore[live=" + slots.live() + ", available=" + available() + "/" + nSeqMax() + ", " + kvPressure() + "]";
    }
}
