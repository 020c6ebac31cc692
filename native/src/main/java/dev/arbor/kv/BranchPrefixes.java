package dev.arbor.kv;

import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaContext;
import java.util.BitSet;
import java.util.Collection;

/**
 * What a {@link BranchStore} does with the prefix of a branch, the operations of a prefix cache:
 * start a new tree on a branch's first cells ({@link Branch#forkAt}), cut a leaf back to a prefix
 * ({@link Branch#truncate}), and count the cells only some branches see.
 *
 * <p>Invariants kept here: a new root shares its source's first {@code position} cells by tags (no
 * copy, except a whole-sequence copy where per-sequence streams allow nothing else) and holds no
 * state from after them (logits unknown until it decodes, fresh sampler and metrics); a grammar
 * handed to these operations is owned by the branch from then on, and closed when they fail.
 */
final class BranchPrefixes {
    private final BranchStore store;
    private final LlamaContext context;
    private final Tenancy tenancy;

    BranchPrefixes(BranchStore store, LlamaContext context, Tenancy tenancy) {
        this.store = store;
        this.context = context;
        this.tenancy = tenancy;
    }

    /**
     * KV cells that only {@code branches} see, no other live branch: what releasing all of them would
     * free (a cell shared with any other branch is not counted).
     */
    int exclusiveCells(Collection<Branch> branches) {
        BitSet seqs = new BitSet(tenancy.capacity());
        for (Branch branch : branches) {
            seqs.set(store.resolve(branch).seq);
        }
        return context.kvCellsSeenOnlyBy(seqs);
    }

    Branch forkAt(BranchState parent, int position, SamplerParams params, Grammar grammar) {
        BranchState child;
        try {
            store.checkOpen();
            if (params == null) {
                throw new IllegalArgumentException("params must not be null");
            }
            checkPrefixPosition(parent, position);
            child = store.allocate(store.leaseOrThrow());
        } catch (RuntimeException e) {
            closeQuietly(grammar);
            throw e;
        }
        try {
            // Tags on the parent's first cells; a whole copy when it is all of them (per-sequence streams allow no other).
            context.seqCopy(parent.seq, child.seq, 0, position == parent.position ? -1 : position);
        } catch (RuntimeException e) {
            tenancy.release(child.seq); // the copy was refused before it happened: the sequence is empty
            store.invalidate(child);
            closeQuietly(grammar);
            throw e;
        }
        child.position = position;
        child.sampler = new Sampler(params);
        child.grammar = grammar;
        return child.handle;
    }

    void truncate(BranchState state, int position, SamplerParams params, Grammar grammar) {
        try {
            if (params == null) {
                throw new IllegalArgumentException("params must not be null");
            }
            cut(state, position, params);
        } catch (RuntimeException e) {
            closeQuietly(grammar);
            throw e;
        }
        state.grammar = grammar;
    }

    private static void closeQuietly(Grammar grammar) {
        if (grammar != null) {
            grammar.close();
        }
    }

    void truncate(BranchState state, int position) {
        cut(state, position, state.sampler.params());
    }

    /** Cuts a leaf back to {@code position}: what it knew after it goes, a fresh sampler of {@code params} comes. */
    private void cut(BranchState state, int position, SamplerParams params) {
        store.checkOpen();
        if (!state.children.isEmpty()) {
            throw new IllegalStateException("branch has " + state.children.size() + " children: only a leaf can be "
                    + "truncated");
        }
        checkPrefixPosition(state, position);
        if (position < state.position && !context.seqRemove(state.seq, position, -1)) {
            throw new IllegalStateException("llama.cpp refused to remove the cells of seq " + state.seq + " from "
                    + position + " (a recurrent model cannot drop part of a sequence)");
        }
        state.position = position;
        state.logitsKnown = false;
        state.metrics = new BranchMetrics();
        state.sampler = new Sampler(params);
        state.releaseGrammar();
        state.bias = LogitBias.NONE;
        state.steer = LogitBias.NONE;
    }

    private static void checkPrefixPosition(BranchState state, int position) {
        if (position < 1 || position > state.position) {
            throw new IllegalArgumentException("position must be in [1, " + state.position + "], was " + position);
        }
    }
}
