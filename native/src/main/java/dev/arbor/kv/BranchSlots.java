package dev.arbor.kv;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The slot table of a {@link BranchStore}: the state of every branch, live or free, and the
 * {@link Branch} handles that reach it.
 *
 * <p>Invariants: {@link #live()} counts the live states; a slot's generation grows each time its
 * branch is released, and a handle carries the generation it was made with, so a handle of a
 * released branch never reaches the branch that reuses its slot. Slots are reused, never removed,
 * so a state's logits buffers are allocated once per slot.
 */
final class BranchSlots {
    private final BranchStore store;
    private final int nVocab;
    private final List<BranchState> slots = new ArrayList<>();
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int live;

    BranchSlots(BranchStore store, int nVocab) {
        this.store = store;
        this.nVocab = nVocab;
    }

    int live() {
        return live;
    }

    /** A live state on sequence {@code seq}, reset, with a new handle. */
    BranchState allocate(int seq) {
        BranchState state;
        if (free.isEmpty()) {
            state = new BranchState(slots.size());
            slots.add(state);
        } else {
            state = slots.get(free.pop());
        }
        state.live = true;
        state.seq = seq;
        state.position = 0;
        state.parent = null;
        state.children.clear();
        if (state.logits == null) {
            state.logits = new float[nVocab];
            state.pending = new float[nVocab];
        }
        state.logitsKnown = false;
        state.bias = LogitBias.NONE;
        state.steer = LogitBias.NONE;
        state.metrics = new BranchMetrics();
        state.handle = new Branch(store, state.slot, state.generation);
        live++;
        return state;
    }

    /** Frees the state's slot (its grammar closed); its handles no longer resolve. */
    void invalidate(BranchState state) {
        state.releaseGrammar();
        state.live = false;
        state.generation++;
        state.handle = null;
        state.parent = null;
        state.children.clear();
        state.sampler = null;
        free.push(state.slot);
        live--;
    }

    /** Invalidates every live state (the store's drain). */
    void invalidateAll() {
        for (BranchState state : slots) {
            if (state.live) {
                invalidate(state);
            }
        }
    }

    /** The live state behind a handle of this store, or an exception saying it was released. */
    BranchState resolve(Branch branch) {
        BranchState state = branch.slot() < slots.size() ? slots.get(branch.slot()) : null;
        if (state == null || !state.live || state.generation != branch.generation()) {
            throw new IllegalStateException("branch was released (pruned, retainOnly or drain)");
        }
        return state;
    }

    boolean isLive(Branch branch) {
        BranchState state = branch.slot() < slots.size() ? slots.get(branch.slot()) : null;
        return state != null && state.live && state.generation == branch.generation();
    }

    /** The states of {@code branches}, each live and listed once. */
    List<BranchState> resolveDistinct(List<Branch> branches) {
        List<BranchState> states = new ArrayList<>(branches.size());
        boolean[] seen = new boolean[slots.size()];
        for (Branch branch : branches) {
            BranchState state = store.resolve(branch);
            if (seen[state.slot]) {
                throw new IllegalArgumentException("branch listed twice in one batch");
            }
            seen[state.slot] = true;
            states.add(state);
        }
        return states;
    }
}
