package dev.arbor.search;

import dev.arbor.kv.Branch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A radix tree over token ids: the paths of the prompts an engine admitted recently, how many
 * distinct requests passed each node, and the cache entries hung on its nodes. Bookkeeping only:
 * it does no KV work and never releases a branch (the {@link PrefixCache} does).
 *
 * <p>Two things hold a path's KV cells: a cache entry hung on its node, and the running requests
 * whose prompt it is ({@link #hold}); either can be the source a new request forks from.
 *
 * <p>Edges are runs of tokens, split where prompts diverge, so every node with two children or
 * more is a point where prompts part. Paths that nothing holds ("ghosts") only remember
 * what was seen; when the edges hold more than {@code maxTokens} tokens, the least recently seen
 * ghost leaves are forgotten. Invariants: see {@link PrefixNode}; {@link #trackedTokens()} is the
 * sum of all edge lengths. Used by the engine thread only.
 */
final class PrefixTree {
    /** Where matching a prompt stopped: {@code depth} tokens matched, inside or at the end of {@code node}'s edge. */
    record Match(PrefixNode node, int depth) {}

    /** A branch holding a node's path: the node's entry ({@code node.entry == branch}) or a running request's. */
    record Source(PrefixNode node, Branch branch) {
        boolean isEntry() {
            return node.entry == branch;
        }
    }

    private final PrefixNode root = new PrefixNode(null, new int[0], 0, 0, 0);
    private final long maxTokens;
    private long tokens;

    PrefixTree(long maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
        this.maxTokens = maxTokens;
    }

    /** The longest path of the tree that is a prefix of {@code prompt}. */
    Match match(int[] prompt) {
        PrefixNode node = root;
        int depth = 0;
        while (depth < prompt.length) {
            PrefixNode child = node.children.get(prompt[depth]);
            if (child == null) {
                break;
            }
            int common = common(child, prompt, depth);
            if (common < child.edgeLength()) {
                return new Match(child, depth + common);
            }
            node = child;
            depth += common;
        }
        return new Match(node, depth);
    }

    /**
     * Adds {@code prompt}'s path, splitting an edge where it diverges or ends, and counts request
     * {@code id} on every node of the path ({@link #trim} bounds the tree afterwards). Returns the node at the end of the path (its depth is the prompt's length).
     */
    PrefixNode insert(int[] prompt, String id, long tick) {
        PrefixNode node = root;
        int depth = 0;
        while (depth < prompt.length) {
            PrefixNode child = node.children.get(prompt[depth]);
            if (child == null) {
                PrefixNode leaf = new PrefixNode(node, Arrays.copyOfRange(prompt, depth, prompt.length), 0,
                        prompt.length - depth, prompt.length);
                node.children.put(prompt[depth], leaf);
                tokens += leaf.edgeLength();
                leaf.visit(id, tick);
                node = leaf;
                break;
            }
            int common = common(child, prompt, depth);
            if (common < child.edgeLength()) {
                child = split(child, common);
            }
            child.visit(id, tick);
            node = child;
            depth += common;
        }
        return node;
    }

    /** Forgets the least recently seen ghost paths once the edges hold more than {@code maxTokens} tokens. */
    void trim() {
        if (tokens > maxTokens) {
            forgetGhosts();
        }
    }

    /**
     * Every branch in {@code node}'s subtree that holds {@code node}'s path: entries, and one branch of
     * each running request that has started (they differ in what they can give exactly on a model whose
     * decodes overwrite history: their checkpoints, their window).
     */
    static List<Source> sourcesUnder(PrefixNode node) {
        List<Source> sources = new ArrayList<>();
        collectSources(node, sources);
        return sources;
    }

    private static void collectSources(PrefixNode node, List<Source> into) {
        if (!node.holdsBelow()) {
            return;
        }
        if (node.entry != null) {
            into.add(new Source(node, node.entry));
        }
        for (SearchTask task : node.running) {
            Branch branch = task.anyLiveBranch();
            if (branch != null) {
                into.add(new Source(node, branch));
            }
        }
        for (PrefixNode child : node.children.values()) {
            collectSources(child, into);
        }
    }

    /**
     * The node at exactly {@code depth} on {@code prompt}'s path (which the tree holds that deep),
     * splitting an edge there if need be; null when the path is not that deep in the tree.
     */
    PrefixNode nodeAt(int[] prompt, int depth) {
        PrefixNode node = root;
        int at = 0;
        while (at < depth) {
            PrefixNode child = node.children.get(prompt[at]);
            if (child == null) {
                return null;
            }
            int common = common(child, prompt, at);
            if (at + common >= depth && depth - at < child.edgeLength()) {
                return split(child, depth - at);
            }
            if (common < child.edgeLength()) {
                return null;
            }
            node = child;
            at += common;
        }
        return node == root ? null : node;
    }

    /** The depths of the nodes on {@code prompt}'s path that two distinct requests or more passed: where prompts part. */
    int[] sharedDepths(int[] prompt) {
        List<Integer> depths = new ArrayList<>();
        PrefixNode node = root;
        int depth = 0;
        while (depth < prompt.length) {
            PrefixNode child = node.children.get(prompt[depth]);
            if (child == null || common(child, prompt, depth) < child.edgeLength()) {
                break;
            }
            node = child;
            depth = child.depth;
            if (node.visits >= 2) {
                depths.add(depth);
            }
        }
        return depths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Records that {@code task}'s prompt is {@code node}'s path (its branches will hold it). */
    static void hold(PrefixNode node, SearchTask task) {
        node.running.add(task);
        for (PrefixNode at = node; at != null; at = at.parent) {
            at.runningBelow++;
        }
    }

    /** Undoes {@link #hold}. */
    static void unhold(PrefixNode node, SearchTask task) {
        if (!node.running.remove(task)) {
            throw new IllegalStateException("task is not held by " + node);
        }
        for (PrefixNode at = node; at != null; at = at.parent) {
            at.runningBelow--;
        }
    }

    /** The deepest node on {@code prompt}'s path that two distinct requests or more passed, or null. */
    PrefixNode deepestShared(int[] prompt) {
        PrefixNode shared = null;
        PrefixNode node = root;
        int depth = 0;
        while (depth < prompt.length) {
            PrefixNode child = node.children.get(prompt[depth]);
            if (child == null || common(child, prompt, depth) < child.edgeLength()) {
                break;
            }
            node = child;
            depth = child.depth;
            if (node.visits >= 2) {
                shared = node;
            }
        }
        return shared;
    }

    /** Hangs {@code entry} (position == the node's depth) on {@code node}. */
    void attach(PrefixNode node, Branch entry, long tick) {
        if (node.entry != null || node == root) {
            throw new IllegalStateException("node " + node + " cannot take an entry");
        }
        node.entry = entry;
        node.entryUsed = tick;
        for (PrefixNode at = node; at != null; at = at.parent) {
            at.entriesBelow++;
        }
    }

    /** Takes the entry off {@code node} and returns it (the caller releases or reuses it). */
    Branch detach(PrefixNode node) {
        Branch entry = node.entry;
        if (entry == null) {
            throw new IllegalStateException("node " + node + " has no entry");
        }
        node.entry = null;
        for (PrefixNode at = node; at != null; at = at.parent) {
            at.entriesBelow--;
        }
        return entry;
    }

    /** Nodes above {@code node} that hold an entry: prefixes of its path. */
    static List<PrefixNode> entriesAbove(PrefixNode node) {
        List<PrefixNode> above = new ArrayList<>();
        for (PrefixNode at = node.parent; at != null; at = at.parent) {
            if (at.entry != null) {
                above.add(at);
            }
        }
        return above;
    }

    /** Tokens held by all edges (bounded by {@code maxTokens} once ghosts are forgotten). */
    long trackedTokens() {
        return tokens;
    }

    /** Forgets every path and entry (the entries' branches are the caller's to release). */
    void clear() {
        root.children.clear();
        root.entriesBelow = 0;
        root.runningBelow = 0;
        root.running.clear();
        tokens = 0;
    }

    /** Forgets the least recently seen leaves without entries until the edges hold 3/4 of the bound. */
    private void forgetGhosts() {
        long target = maxTokens * 3 / 4;
        while (tokens > target) {
            List<PrefixNode> leaves = new ArrayList<>();
            collectGhostLeaves(root, leaves);
            if (leaves.isEmpty()) {
                return;
            }
            leaves.sort(Comparator.comparingLong(leaf -> leaf.lastSeen));
            for (PrefixNode leaf : leaves) {
                if (tokens <= target) {
                    return;
                }
                leaf.parent.children.remove(leaf.edgeToken(0));
                tokens -= leaf.edgeLength();
            }
        }
    }

    private static void collectGhostLeaves(PrefixNode node, List<PrefixNode> into) {
        for (PrefixNode child : node.children.values()) {
            if (child.children.isEmpty()) {
                if (!child.holdsBelow()) {
                    into.add(child);
                }
            } else {
                collectGhostLeaves(child, into);
            }
        }
    }

    /** Splits {@code node}'s edge after {@code length} tokens; returns the new upper node. */
    private static PrefixNode split(PrefixNode node, int length) {
        PrefixNode upper = new PrefixNode(node.parent, node.tokens, node.from, node.from + length,
                node.depth - node.edgeLength() + length);
        upper.visits = node.visits;
        upper.lastVisitor = node.lastVisitor;
        upper.lastSeen = node.lastSeen;
        upper.entriesBelow = node.entriesBelow;
        upper.runningBelow = node.runningBelow;
        node.parent.children.put(upper.edgeToken(0), upper);
        node.from += length;
        node.parent = upper;
        upper.children.put(node.edgeToken(0), node);
        return upper;
    }

    /** How many tokens of {@code node}'s edge equal {@code prompt} from {@code depth} on. */
    private static int common(PrefixNode node, int[] prompt, int depth) {
        int limit = Math.min(node.edgeLength(), prompt.length - depth);
        int i = 0;
        while (i < limit && node.edgeToken(i) == prompt[depth + i]) {
            i++;
        }
        return i;
    }
}
