package dev.arbor.search;

import dev.arbor.kv.Branch;

/**
 * Where a prefix cache's request starts, and where its prefill keeps checkpoints: the part of the
 * {@link PrefixCache}'s policy that depends on the model's memory kind. On a dense model any source
 * that holds a prompt's prefix gives all of it; where decodes overwrite history (sliding window,
 * recurrent, hybrid) a source gives only as deep as its checkpoints or its intact window reach
 * ({@link Branch#deepestExactCut}), so prefills keep checkpoints where they will be wanted.
 * Stateless but for the tree it reads; used by the engine thread only.
 */
final class PrefixSources {
    /** A request that starts from {@code source} at {@code depth}. */
    record Hit(PrefixTree.Source source, int depth) {
        PrefixNode entryNode() {
            return source.isEntry() ? source.node() : null;
        }
    }

    private final PrefixTree tree;
    private final PrefixCacheConfig config;
    private final boolean overwritesHistory;

    PrefixSources(PrefixTree tree, PrefixCacheConfig config, boolean overwritesHistory) {
        this.tree = tree;
        this.config = config;
        this.overwritesHistory = overwritesHistory;
    }

    /** Whether prefills keep checkpoints (the model's decodes overwrite history). */
    boolean checkpointing() {
        return overwritesHistory;
    }

    /**
     * The source sharing the longest prefix with {@code prompt} that it can give exactly, cut so that
     * one token is left to prefill. On a dense model any source gives its whole shared prefix; where
     * decodes overwrite history a source gives only as deep as its window or checkpoints reach
     * ({@link Branch#deepestExactCut}), so the deepest of them wins, and a window llama.cpp has begun
     * to overwrite is never started from.
     */
    Hit bestSource(int[] prompt) {
        PrefixTree.Match match = tree.match(prompt);
        PrefixNode at = match.node();
        int depth = match.depth();
        // A source below the node shares the whole match; failing that, an ancestor's subtree shares its path.
        while (at != null && Math.min(depth, prompt.length - 1) >= config.minPrefixTokens()) {
            int shared = Math.min(depth, prompt.length - 1);
            Hit best = null;
            for (PrefixTree.Source source : PrefixTree.sourcesUnder(at)) {
                int exact = exactDepth(source.branch(), shared);
                if (exact >= config.minPrefixTokens() && (best == null || exact > best.depth()
                        || (exact == best.depth() && source.isEntry() && !best.source().isEntry()))) {
                    best = new Hit(source, exact);
                }
                if (best != null && best.depth() == shared && best.source().isEntry()) {
                    break; // nothing beats an entry that gives the whole prefix
                }
            }
            if (best != null) {
                return best;
            }
            at = at.parent;
            depth = at == null ? 0 : at.depth;
        }
        return null; // nothing holds a long enough prefix of the prompt exactly
    }

    /** How deep {@code branch} gives {@code depth} tokens of its prefix exactly (-1: not at all). */
    int exactDepth(Branch branch, int depth) {
        return overwritesHistory ? branch.deepestExactCut(depth) : depth;
    }

    /**
     * Where a prompt's prefill keeps checkpoints on a model whose decodes overwrite history: where it
     * parts from other prompts (known from the tree, once every prompt of the batch is in it), every
     * {@code checkpointInterval} tokens, and one token before its end (an identical prompt then
     * prefills one token). Null on a dense model, which needs none.
     */
    int[] checkpointsFor(int[] prompt) {
        if (!overwritesHistory) {
            return null;
        }
        java.util.TreeSet<Integer> at = new java.util.TreeSet<>();
        for (int depth : tree.sharedDepths(prompt)) {
            at.add(depth);
        }
        int interval = config.checkpointInterval();
        for (int p = interval; interval > 0 && p < prompt.length; p += interval) {
            at.add(p);
        }
        at.add(prompt.length - 1);
        return at.stream().filter(p -> p >= config.minPrefixTokens() && p < prompt.length)
                .mapToInt(Integer::intValue).toArray();
    }
}
