package dev.arbor.search;

import dev.arbor.kv.Branch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a {@link PrefixTree}: the edge that leads into it (a run of token ids), what the
 * engine has seen pass through it, and what holds its whole path in the KV cache: a cache entry,
 * and the running requests whose prompt is exactly this path.
 *
 * <p>Invariants: {@code depth} is the parent's depth plus the edge's length; children are keyed by
 * the first token of their edge; {@code entry}, when set, is a live engine-owned branch whose
 * position is {@code depth} and whose cells hold exactly the tokens of the path from the root;
 * every branch of a task in {@code running} holds the path in its first cells once the task has
 * started; {@code entriesBelow} and {@code runningBelow} count the entries and running tasks of
 * this node's subtree, its own included.
 */
final class PrefixNode {
    PrefixNode parent;
    /** The edge's tokens are {@code tokens[from, to)}; the array may be shared with other edges. */
    int[] tokens;
    int from;
    int to;
    int depth;
    final Map<Integer, PrefixNode> children = new HashMap<>(4);
    /** Distinct requests whose prompt held this node's whole path (consecutive repeats of one id count once). */
    int visits;
    String lastVisitor;
    /** Tick of the last prompt that passed through: ghost paths are forgotten oldest first. */
    long lastSeen;
    Branch entry;
    /** Tick of the entry's last use (its creation or a request started from it): entries go LRU first. */
    long entryUsed;
    int entriesBelow;
    final List<SearchTask> running = new ArrayList<>(0);
    int runningBelow;

    PrefixNode(PrefixNode parent, int[] tokens, int from, int to, int depth) {
        this.parent = parent;
        this.tokens = tokens;
        this.from = from;
        this.to = to;
        this.depth = depth;
    }

    /** Whether anything in this subtree holds KV cells of this node's path. */
    boolean holdsBelow() {
        return entriesBelow + runningBelow > 0;
    }

    int edgeLength() {
        return to - from;
    }

    int edgeToken(int i) {
        return tokens[from + i];
    }

    /** Counts a request's prompt through this node, once per run of the same id. */
    void visit(String id, long tick) {
        if (!id.equals(lastVisitor)) {
            visits++;
            lastVisitor = id;
        }
        lastSeen = Math.max(lastSeen, tick);
    }

    @Override
    public String toString() {
        return "PrefixNode[depth=" + depth + ", visits=" + visits + ", entry=" + (entry != null) + "]";
    }
}
