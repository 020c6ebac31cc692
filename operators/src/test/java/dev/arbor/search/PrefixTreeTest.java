package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The radix tree's bookkeeping, without any KV: splits, matches, distinct visits, forgetting old paths. */
class PrefixTreeTest {
    private static int[] tokens(int... values) {
        return values;
    }

    @Test
    void pathsSplitWherePromptsDivergeAndCountDistinctRequests() {
        PrefixTree tree = new PrefixTree(1000);
        PrefixNode a = tree.insert(tokens(1, 2, 3, 4, 5), "a", 1);
        assertThat(a.depth).isEqualTo(5);
        assertThat(tree.deepestShared(tokens(1, 2, 3, 4, 5))).as("seen once").isNull();

        PrefixNode b = tree.insert(tokens(1, 2, 3, 9), "b", 2);
        assertThat(b.depth).isEqualTo(4);
        PrefixNode shared = tree.deepestShared(tokens(1, 2, 3, 4, 5));
        assertThat(shared.depth).isEqualTo(3);
        assertThat(shared.visits).isEqualTo(2);
        assertThat(shared.children).hasSize(2);
        assertThat(tree.trackedTokens()).isEqualTo(5 + 1);

        tree.insert(tokens(1, 2, 3, 9), "b", 3);
        assertThat(tree.deepestShared(tokens(1, 2, 3, 9)).depth).as("the same id again counts once").isEqualTo(3);
        tree.insert(tokens(1, 2, 3, 9), "c", 4);
        assertThat(tree.deepestShared(tokens(1, 2, 3, 9)).depth).isEqualTo(4);

        PrefixNode inner = tree.insert(tokens(1, 2), "d", 5);
        assertThat(inner.depth).as("a prompt ending inside an edge splits it").isEqualTo(2);
        assertThat(inner.visits).isEqualTo(4);
    }

    @Test
    void matchStopsInsideAnEdgeOrAtADivergence() {
        PrefixTree tree = new PrefixTree(1000);
        tree.insert(tokens(1, 2, 3, 4, 5), "a", 1);
        PrefixTree.Match inside = tree.match(tokens(1, 2, 3, 7));
        assertThat(inside.depth()).isEqualTo(3);
        assertThat(inside.node().depth).isEqualTo(5);
        assertThat(tree.match(tokens(8, 1)).depth()).isZero();
        assertThat(tree.match(tokens(1, 2, 3, 4, 5, 6)).depth()).isEqualTo(5);
    }

    @Test
    void oldPathsNothingHoldsAreForgottenFirstAndHeldOnesStay() {
        PrefixTree tree = new PrefixTree(12);
        PrefixNode held = tree.insert(tokens(1, 2, 3, 4), "held", 1);
        held.runningBelow++; // as PrefixTree.hold does for a running request
        tree.insert(tokens(5, 6, 7, 8), "old", 2);
        tree.insert(tokens(9, 10, 11, 12), "newer", 3);
        tree.insert(tokens(13, 14, 15, 16), "newest", 4);
        tree.trim();
        assertThat(tree.trackedTokens()).isLessThanOrEqualTo(9);
        assertThat(tree.match(tokens(1, 2, 3, 4)).depth()).as("held").isEqualTo(4);
        assertThat(tree.match(tokens(5, 6, 7, 8)).depth()).as("oldest ghost").isZero();
        assertThat(tree.match(tokens(13, 14, 15, 16)).depth()).as("newest ghost").isEqualTo(4);
    }
}
