package dev.arbor.kv;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The slot table of a {@link BranchStore}: every branch state, live or free, found by its
 * {@link Branch} handle. It only hands out and takes back slots; what a state holds is changed by
 * the state's own transitions ({@link BranchState}).
 *
 * <p>Invariants: {@link #live()} counts the live states; a state's generation grows each time it is
 * closed, and a handle carries the generation it was made with, so a handle of a released branch
 * never reaches the branch that reuses its slot. Slots are reused, never removed, so a state's
 * logits buffers are allocated once per slot.
 */
final class BranchSlots {
    private final List<BranchState> slots = new ArrayList<>();
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int live;

    int live() {
        return live;
    }

    /** A free state (to be opened by the caller at once). */
    BranchState take() {
        BranchState state;
        if (free.isEmpty()) {
            state = new BranchState(slots.size());
            slots.add(state);
        } else {
            state = slots.get(free.pop());
        }
        live++;
        return state;
    }

    /** Closes a live state and frees its slot; its handles no longer resolve. */
    void giveBack(BranchState state) {
        state.close();
        free.push(state.slot);
        live--;
    }

    /** Gives back every live state (the store's drain). */
    void giveBackAll() {
        for (BranchState state : slots) {
            if (state.isLive()) {
                giveBack(state);
            }
        }
    }

    /** The live state behind a handle of this store, or an exception saying it was released. */
    BranchState resolve(Branch branch) {
        BranchState state = branch.slot() < slots.size() ? slots.get(branch.slot()) : null;
        if (state == null || !state.matches(branch)) {
            throw new IllegalStateException("branch was released (pruned, retainOnly or drain)");
        }
        return state;
    }

    boolean isLive(Branch branch) {
        BranchState state = branch.slot() < slots.size() ? slots.get(branch.slot()) : null;
        return state != null && state.matches(branch);
    }

    /** The states of {@code branches}, each live and listed once. */
    List<BranchState> resolveDistinct(List<Branch> branches) {
        List<BranchState> states = new ArrayList<>(branches.size());
        boolean[] seen = new boolean[slots.size()];
        for (Branch branch : branches) {
            BranchState state = resolve(branch);
            if (seen[state.slot]) {
                throw new IllegalArgumentException("branch listed twice in one batch");
            }
            seen[state.slot] = true;
            states.add(state);
        }
        return states;
    }
}
