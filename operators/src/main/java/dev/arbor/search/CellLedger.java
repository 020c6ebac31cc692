package dev.arbor.search;

import dev.arbor.kv.Branch;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the KV cells one request's branches hold, shared cells once, exactly as llama.cpp
 * shares them: a fork tags its parent's cells rather than copying them.
 *
 * <p>Each branch owns a list of segments (runs of cells). A fork gives the child its parent's
 * segments (reference counted) and both open a new segment for what they decode next; a release
 * drops a branch's references, freeing segments nobody references. Invariant:
 * {@link #cells()} equals the cells the request's live branches hold in the context.
 */
final class CellLedger {
    private static final class Segment {
        int length;
        int references = 1;
    }

    private final Map<Branch, List<Segment>> segments = new IdentityHashMap<>();
    private final Map<Branch, Segment> growing = new IdentityHashMap<>();
    private int cells;
    private int peak;

    void root(Branch branch, int promptLength) {
        Segment prompt = new Segment();
        prompt.length = promptLength;
        segments.put(branch, new ArrayList<>(List.of(prompt)));
        add(promptLength);
    }

    void fork(Branch parent, Branch child) {
        List<Segment> shared = segments.get(parent);
        for (Segment segment : shared) {
            segment.references++;
        }
        segments.put(child, new ArrayList<>(shared));
        growing.remove(parent); // the parent's next cell is its own again
    }

    void commit(Branch branch) {
        Segment tip = growing.get(branch);
        if (tip == null) {
            tip = new Segment();
            segments.get(branch).add(tip);
            growing.put(branch, tip);
        }
        tip.length++;
        add(1);
    }

    void release(Branch branch) {
        growing.remove(branch);
        List<Segment> owned = segments.remove(branch);
        if (owned == null) {
            return;
        }
        for (Segment segment : owned) {
            if (--segment.references == 0) {
                cells -= segment.length;
            }
        }
    }

    int cells() {
        return cells;
    }

    int peak() {
        return peak;
    }

    private void add(int n) {
        cells += n;
        peak = Math.max(peak, cells);
    }
}
