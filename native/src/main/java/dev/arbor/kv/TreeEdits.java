package dev.arbor.kv;

import dev.arbor.llama.Grammar;
import java.util.List;

/**
 * The changes to a store's branch trees: branches made from other branches ({@link #fork},
 * {@link #forkAt}), cut back ({@link #truncate}), checkpointed, and released (RESTRICT, CASCADE,
 * SPLICE, {@link #retainOnly}). Each one changes the sequences through {@link SequenceMemory}, the
 * edges through {@link BranchTree} and the states through their own transitions, and calls nothing
 * above it: {@link BranchStore} resolves handles and checks that it is open before it calls here.
 *
 * <p>Invariants kept here: a leased sequence belongs to exactly one live state; a new branch shares
 * its source's cells by tags (no copy, except a whole-sequence copy where per-sequence streams allow
 * nothing else); a cut-back is exact for the model's memory kind or refused before anything changed;
 * a grammar handed to these operations is owned by the branch from then on, and closed when they fail.
 */
final class TreeEdits {
    private final BranchStore store;
    private final BranchSlots slots;
    private final SequenceMemory memory;
    private final StoreDecoder decoder;
    private final int nVocab;

    TreeEdits(BranchStore store, BranchSlots slots, SequenceMemory memory, StoreDecoder decoder, int nVocab) {
        this.store = store;
        this.slots = slots;
        this.memory = memory;
        this.decoder = decoder;
        this.nVocab = nVocab;
    }

    /** A live state on a new lease, opened with {@code sampler} and {@code grammar} (owned from now on). */
    BranchState open(Sampler sampler, Grammar grammar) {
        int seq = memory.lease();
        BranchState state = slots.take();
        state.open(store, seq, nVocab, sampler, grammar);
        return state;
    }

    /** A child sharing all of {@code parent}: its cells by tags, and copies of what it knows. */
    Branch fork(BranchState parent) {
        BranchState child = open(null, null);
        memory.shareAll(parent.seq(), child.seq());
        child.inheritFrom(parent);
        return child.handle();
    }

    /** A new root sharing {@code source}'s first {@code position} tokens; see {@link Branch#forkAt}. */
    Branch forkAt(BranchState source, int position, SamplerParams params, Grammar grammar) {
        CutBack plan;
        BranchState child;
        try {
            checkParams(params);
            checkPrefixPosition(source, position);
            plan = planCut(source, position);
            child = open(null, null);
        } catch (RuntimeException e) {
            closeQuietly(grammar);
            throw e;
        }
        try {
            memory.sharePrefix(source.seq(), source.position(), child.seq(), plan);
        } catch (RuntimeException e) {
            memory.evict(child.seq()); // whatever the copy or restore left there goes with the lease
            slots.giveBack(child);
            closeQuietly(grammar);
            throw e;
        }
        child.restartAt(source, plan.from(), new Sampler(params), grammar);
        replay(child, source, plan);
        return child.handle();
    }

    /** Cuts a leaf back to {@code position}, restarting it with {@code params} (null: its own) and {@code grammar}. */
    void truncate(BranchState state, int position, SamplerParams params, Grammar grammar) {
        CutBack plan;
        try {
            if (!state.children.isEmpty()) {
                throw new IllegalStateException("branch has " + state.children.size() + " children: only a leaf "
                        + "can be truncated");
            }
            checkPrefixPosition(state, position);
            plan = planCut(state, position);
            memory.cutBack(state.seq(), state.position(), plan);
        } catch (RuntimeException e) {
            closeQuietly(grammar);
            throw e;
        }
        SamplerParams kept = params == null ? state.sampler().params() : params;
        state.restartAt(state, plan.from(), new Sampler(kept), grammar);
        replay(state, state, plan);
    }

    /** Takes a checkpoint at the branch's position (a no-op on a dense model, or over budget); true if one is kept. */
    boolean checkpoint(BranchState state) {
        if (state.position() == 0 || state.hasCheckpointAt(state.position())) {
            return state.position() > 0;
        }
        Checkpoint checkpoint = memory.checkpoint(state.seq(), state.position());
        if (checkpoint == null) {
            return false;
        }
        state.addCheckpoint(checkpoint);
        return true;
    }

    /** The deepest position {@code <= position} that {@link #forkAt} or {@link #truncate} reach without a replay; -1: none. */
    int deepestExactCut(BranchState state, int position) {
        checkPrefixPosition(state, position);
        CutBack plan = memory.plan(state.seq(), state.position(), position, state.deepestCheckpoint(position));
        return switch (plan.way()) {
            case SHARE, RESTORE -> position;
            case REPLAY -> plan.from();
            case REFUSE -> -1;
        };
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

    /** SPLICE: releases a branch but keeps its children, which move up in its place. */
    void pruneSplice(BranchState state) {
        BranchTree.spliceOut(state);
        release(state);
    }

    /** Keeps {@code kept} and releases every other branch of its tree; it becomes a root. */
    void retainOnly(BranchState kept) {
        List<BranchState> tree = BranchTree.subtree(kept.root());
        if (tree.size() == 1) {
            return;
        }
        boolean onlyTree = tree.size() == slots.live();
        if (onlyTree) {
            // One tree in the store: the seed's behaviour, one seq_keep for all of it.
            memory.retainOnly(kept.seq());
        }
        for (BranchState state : tree) {
            if (state != kept) {
                if (!onlyTree) {
                    memory.evict(state.seq());
                }
                slots.giveBack(state);
            }
        }
        BranchTree.detachFromParent(kept);
        kept.children.clear();
    }

    /** Releases a state and its sequence. */
    void release(BranchState state) {
        memory.evict(state.seq());
        slots.giveBack(state);
    }

    // ---- internals ----

    private CutBack planCut(BranchState state, int position) {
        CutBack plan = memory.plan(state.seq(), state.position(), position, state.deepestCheckpoint(position));
        if (plan.way() == CutBack.Way.REFUSE) {
            throw new IllegalStateException(plan.reason());
        }
        return plan;
    }

    /**
     * Decodes {@code source}'s tokens from the restored checkpoint up to the cut (as context: no
     * metrics, no sampler history). On failure a forked child is released; a truncated branch stays
     * cut back at the checkpoint, exact, with its logits unknown.
     */
    private void replay(BranchState state, BranchState source, CutBack plan) {
        if (plan.way() != CutBack.Way.REPLAY) {
            return;
        }
        int[] run = source.tokens(plan.from(), plan.position());
        try {
            decoder.decode(List.of(state), List.of(run));
        } catch (RuntimeException e) {
            if (state != source) {
                release(state);
            }
            throw e;
        }
        state.prefilled();
        memory.checkpoints().replayed(run.length);
    }

    private static void checkParams(SamplerParams params) {
        if (params == null) {
            throw new IllegalArgumentException("params must not be null");
        }
    }

    private static void checkPrefixPosition(BranchState state, int position) {
        if (position < 1 || position > state.position()) {
            throw new IllegalArgumentException("position must be in [1, " + state.position() + "], was " + position);
        }
    }

    private static void closeQuietly(Grammar grammar) {
        if (grammar != null) {
            grammar.close();
        }
    }
}
