package dev.arbor.kv;

import java.util.ArrayList;
import java.util.List;

/**
 * The parent/children edges between branch states, with no KV work: the store calls these and
 * then releases leases and cells itself. Invariant kept: a state is in its parent's children
 * exactly when it names that parent.
 */
final class BranchTree {
    private BranchTree() {}

    /** A branch and its descendants, parents before children. */
    static List<BranchState> subtree(BranchState top) {
        List<BranchState> order = new ArrayList<>();
        order.add(top);
        for (int i = 0; i < order.size(); i++) {
            order.addAll(order.get(i).children);
        }
        return order;
    }

    static void detachFromParent(BranchState state) {
        if (state.parent != null) {
            state.parent.children.remove(state);
            state.parent = null;
        }
    }

    /**
     * Takes a branch out of its tree but keeps its children in it: they move up to its parent, in
     * its place; when it has no parent, its first child becomes the root and adopts the others,
     * so the tree stays one tree.
     */
    static void spliceOut(BranchState state) {
        List<BranchState> children = new ArrayList<>(state.children);
        BranchState parent = state.parent;
        if (parent != null) {
            int at = parent.children.indexOf(state);
            parent.children.remove(at);
            parent.children.addAll(at, children);
            for (BranchState child : children) {
                child.parent = parent;
            }
        } else if (!children.isEmpty()) {
            BranchState heir = children.get(0);
            heir.parent = null;
            for (BranchState sibling : children.subList(1, children.size())) {
                sibling.parent = heir;
                heir.children.add(sibling);
            }
        }
        state.children.clear();
        state.parent = null;
    }
}
