package dev.arbor.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a live branch owns, kept in its store's slot table. {@link Branch} is only a handle
 * (store, slot, generation) onto one of these.
 *
 * <p>Invariants while {@code live}: {@code seq} is leased to this branch alone; the sequence
 * holds exactly {@code position} cells (positions {@code 0..position-1}); {@code logits} is the
 * next-token row after the last decoded token; {@code parent} and {@code children} are live.
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
    Sampler sampler;
    LogitBias bias = LogitBias.NONE;
    LogitBias steer = LogitBias.NONE;
    BranchMetrics metrics = new BranchMetrics();

    BranchState(int slot) {
        this.slot = slot;
    }

    void swapLogits() {
        float[] previous = logits;
        logits = pending;
        pending = previous;
        sampler.forgetLastSample();
    }

    BranchState root() {
        BranchState root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        return root;
    }
}
