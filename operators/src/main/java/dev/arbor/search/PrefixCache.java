package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.Grammar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's prefix cache: KV cells of prompt prefixes kept across requests, so that a request
 * whose prompt starts like earlier ones prefills only the rest. Its entries are branches the engine
 * owns (one lease each), hung on the nodes of a {@link PrefixTree} of recently admitted prompts.
 *
 * <p>Policy (documented for users in docs/flink.md, "Prefix cache"):
 * <ul>
 * <li><b>What is kept:</b> what prompts share. A node of the tree that two distinct requests
 *     passed is a shared prefix; when a request finishes, its surviving branch (which would be
 *     released) is truncated to the deepest shared prefix of its prompt and kept, unless an entry
 *     already holds that prefix (or a longer one). So an entry costs no lease and no cell the
 *     request did not hold already, a prompt seen once is never kept, and a workload without shared
 *     prefixes keeps nothing. An entry whose path is a prefix of another entry's is redundant (the
 *     longer one serves every prompt the shorter one serves) and is released.</li>
 * <li><b>Lookup:</b> a request starts from the source sharing the longest prefix with its prompt
 *     (at least {@code minPrefixTokens}): an entry, or a running request (whose branches all hold
 *     its prompt in their first cells, so sharing works while the contexts' leases are all reserved
 *     and no entry can stay). It forks the source at that position or, when an entry has to go
 *     anyway, takes the entry itself, truncated. It prefills the rest of its prompt, always at least
 *     one token, since no decode produced the logits at a cut.</li>
 * <li><b>Eviction:</b> entries give way to requests. Admission counts no entry: a request is
 *     admitted exactly when it would be without the cache, and then the least recently used entries
 *     are released until the entries hold no more leases than admitted requests left unreserved and
 *     no more cells (cells no running request holds) than they left unreserved, and at most
 *     {@code maxCells}. Running requests therefore never run short of leases or cells because of
 *     the cache.</li>
 * </ul>
 *
 * <p>Invariants between engine steps: every entry is a live root leaf of its own tree whose
 * position is its node's depth; {@code entries <= budget.spareLeases()} and
 * {@code cells() <= budget.spareCells()} (and {@code <= maxCells} when set). The entries' cells
 * equal the prompt's tokens, so starting from them changes no result. Used by the engine thread only.
 */
final class PrefixCache {
    /** The roots of a batch of admitted requests and how many prompt tokens each took from the cache. */
    record Roots(List<Branch> branches, int[] cachedTokens) {}

    private final BranchStore store;
    private final PrefixCacheConfig config;
    private final EngineMetrics metrics;
    private final PrefixTree tree;
    private final PrefixSources sources;
    private final List<PrefixNode> entries = new ArrayList<>();
    /** Where each admitted task's prompt ends in the tree, until the task releases its branches. */
    private final Map<SearchTask, PrefixNode> holders = new IdentityHashMap<>();
    private long clock;
    /** Counts what can change which sequences see the entries' cells; {@link #cells()} is recounted only then. */
    private long changes;
    private long cellsCountedAt = -1;
    private int cellsCounted;

    /**
     * @param config the cache's settings; with per-sequence KV streams the cache is off, whatever they
     *     say (a fork there copies whole sequences, and part of one cannot be shared)
     * @param trackedTokens how many prompt tokens the tree remembers (paths without entries beyond it are forgotten)
     */
    PrefixCache(BranchStore store, PrefixCacheConfig config, EngineMetrics metrics, long trackedTokens) {
        this.store = store;
        this.config = store.context().params().kvUnified() ? config : PrefixCacheConfig.DISABLED;
        this.metrics = metrics;
        this.tree = new PrefixTree(trackedTokens);
        this.sources = new PrefixSources(tree, this.config, store.memory().overwritesHistory());
    }

    /**
     * Creates and prefills the roots of {@code tasks}' requests (reserved in {@code budget} already):
     * from a source where prompts match (an entry, or a running request with the same prefix),
     * else from scratch. All or nothing: on failure every root made so far is released and the
     * exception propagates (entries released meanwhile stay gone). The roots own {@code grammars}
     * (one per task, null: unconstrained) from this call on; a failure closes those not yet owned.
     */
    Roots start(List<SearchTask> tasks, List<SamplerParams> samplers, List<Grammar> grammars, AdmissionBudget budget) {
        List<int[]> prompts = new ArrayList<>(tasks.size());
        for (SearchTask task : tasks) {
            prompts.add(task.prepared.promptTokens());
        }
        if (!config.enabled()) {
            return new Roots(store.createAll(prompts, samplers, grammars), new int[tasks.size()]);
        }
        changes++; // forks and hand-overs below share or move the entries' cells
        Branch[] roots = new Branch[tasks.size()];
        List<Grammar> unowned = new ArrayList<>(grammars); // set to null as roots take them
        try {
            PrefixSources.Hit[] hits = lookUp(tasks);
            List<int[]> checkpoints = new ArrayList<>(prompts.size());
            for (int[] prompt : prompts) {
                checkpoints.add(sources.checkpointsFor(prompt)); // every prompt of the batch is in the tree by now
            }
            Set<PrefixNode> staying = keepMostRecent(budget.spareLeases(), hits);
            startHits(hits, samplers, unowned, staying, roots);
            fitUnder(budget); // the sources are forked: what must go may go now
            prefill(prompts, samplers, unowned, hits, roots, checkpoints);
            return new Roots(List.of(roots), cachedTokens(hits));
        } catch (RuntimeException e) {
            Grammar.closeAll(unowned);
            for (int i = 0; i < roots.length; i++) {
                if (roots[i] != null) {
                    roots[i].pruneSubtree();
                }
                forget(tasks.get(i)); // these tasks never start, so never release
            }
            throw e;
        }
    }

    private int[] cachedTokens(PrefixSources.Hit[] hits) {
        int[] cached = new int[hits.length];
        for (int i = 0; i < hits.length; i++) {
            cached[i] = hits[i] == null ? 0 : hits[i].depth();
            count(cached[i]);
        }
        return cached;
    }

    /**
     * Offers the surviving branch of a finished request: kept as an entry (truncated to the deepest
     * prefix its prompt shares with another request's) when that prefix is long enough and no entry
     * holds it yet. True when the cache took the branch; false: the caller releases it.
     */
    boolean adopt(Branch survivor, int[] prompt) {
        if (!config.enabled()) {
            return false;
        }
        PrefixNode shared = tree.deepestShared(prompt);
        if (shared == null) {
            return false;
        }
        // Where decodes overwrite history, the entry sits where the survivor can go back to exactly.
        int depth = Math.min(shared.depth, survivor.position());
        int exact = sources.exactDepth(survivor, depth);
        if (exact < config.minPrefixTokens() || (config.maxCells() > 0 && exact > config.maxCells())) {
            return false;
        }
        PrefixNode node = exact == shared.depth ? shared : tree.nodeAt(prompt, exact);
        if (node == null || node.entriesBelow > 0) {
            return false;
        }
        try {
            survivor.truncate(exact);
        } catch (RuntimeException e) {
            return false; // refused before anything changed: nothing kept
        }
        tree.attach(node, survivor, ++clock);
        entries.add(node);
        changes++;
        for (PrefixNode redundant : PrefixTree.entriesAbove(node)) {
            release(redundant);
        }
        return true;
    }

    /**
     * Releases least recently used entries until they fit what admitted requests left unreserved
     * in {@code budget} (leases, cells) and {@code maxCells}.
     */
    void fitUnder(AdmissionBudget budget) {
        if (entries.isEmpty() || !overBudget(budget)) {
            return;
        }
        List<PrefixNode> oldestFirst = new ArrayList<>(entries);
        oldestFirst.sort(Comparator.comparingLong(node -> node.entryUsed));
        for (PrefixNode oldest : oldestFirst) {
            release(oldest);
            metrics.cacheEvictions.incrementAndGet();
            if (!overBudget(budget)) {
                return;
            }
        }
    }

    /** Its settings (off with per-sequence KV streams, whatever it was given). */
    PrefixCacheConfig config() {
        return config;
    }

    /** Entries held now. */
    int entries() {
        return entries.size();
    }

    /** The tree nodes that hold an entry. */
    List<PrefixNode> entryNodes() {
        return List.copyOf(entries);
    }

    /** The entries' branches. */
    List<Branch> entryBranches() {
        List<Branch> branches = new ArrayList<>(entries.size());
        for (PrefixNode node : entries) {
            branches.add(node.entry);
        }
        return branches;
    }

    /** KV cells only the entries hold (no running request): what releasing them all would free. */
    int cells() {
        if (entries.isEmpty()) {
            return 0;
        }
        if (cellsCountedAt != changes) {
            cellsCounted = store.exclusiveCells(entryBranches());
            cellsCountedAt = changes;
        }
        return cellsCounted;
    }

    /** Forgets everything after the store was drained (which released the entries' branches). */
    void clear() {
        entries.clear();
        holders.clear();
        tree.clear();
        changes++;
    }

    // ---- a batch's roots ----

    /**
     * Finds each prompt's best source (touching an entry), then records the prompt in the tree with
     * its task as a holder, which becomes a source for later requests once it has started.
     */
    private PrefixSources.Hit[] lookUp(List<SearchTask> tasks) {
        PrefixSources.Hit[] hits = new PrefixSources.Hit[tasks.size()];
        for (int i = 0; i < hits.length; i++) {
            SearchTask task = tasks.get(i);
            int[] prompt = task.prepared.promptTokens();
            hits[i] = sources.bestSource(prompt);
            if (hits[i] != null && hits[i].entryNode() != null) {
                hits[i].entryNode().entryUsed = ++clock;
            }
            PrefixNode end = tree.insert(prompt, task.request.id(), ++clock);
            PrefixTree.hold(end, task);
            holders.put(task, end);
            task.onRelease(() -> forget(task));
        }
        tree.trim();
        return hits;
    }

    /** A task left (finished, failed, cancelled, never started): its branches hold nothing any more. */
    private void forget(SearchTask task) {
        PrefixNode node = holders.remove(task);
        if (node != null) {
            PrefixTree.unhold(node, task);
            changes++; // its branches may have shared cells with an entry
        }
    }

    /**
     * Keeps the {@code leases} most recently used entries (this batch's sources were just touched);
     * releases the others now unless a request of the batch starts from them.
     */
    private Set<PrefixNode> keepMostRecent(int leases, PrefixSources.Hit[] hits) {
        Set<PrefixNode> sources = new HashSet<>();
        for (PrefixSources.Hit hit : hits) {
            if (hit != null && hit.entryNode() != null) {
                sources.add(hit.entryNode());
            }
        }
        List<PrefixNode> byRecency = new ArrayList<>(entries);
        byRecency.sort(Comparator.comparingLong((PrefixNode node) -> node.entryUsed).reversed());
        Set<PrefixNode> staying = new HashSet<>(byRecency.subList(0, Math.min(Math.max(leases, 0), byRecency.size())));
        for (PrefixNode node : byRecency) {
            if (!staying.contains(node) && !sources.contains(node)) {
                release(node);
                metrics.cacheEvictions.incrementAndGet();
            }
        }
        return staying;
    }

    /**
     * Forks each hit's root from its source; an entry that cannot stay goes to the last request that
     * starts from it (truncated, no new lease). Enough leases are free: admission reserved one per
     * root, and every entry but the staying ones and those handed over is released.
     */
    private void startHits(PrefixSources.Hit[] hits, List<SamplerParams> samplers, List<Grammar> grammars, Set<PrefixNode> staying,
            Branch[] roots) {
        Map<PrefixNode, Integer> lastUser = new HashMap<>();
        for (int i = 0; i < hits.length; i++) {
            if (hits[i] != null && hits[i].entryNode() != null) {
                lastUser.put(hits[i].entryNode(), i);
            }
        }
        for (int i = 0; i < hits.length; i++) {
            PrefixSources.Hit hit = hits[i];
            if (hit == null) {
                continue;
            }
            PrefixNode entry = hit.entryNode();
            if (entry != null && !staying.contains(entry) && lastUser.get(entry) == i) {
                entries.remove(entry);
                roots[i] = tree.detach(entry);
                Grammar grammar = grammars.set(i, null);
                roots[i].truncate(hit.depth(), samplers.get(i), grammar);
            } else {
                Grammar grammar = grammars.set(i, null);
                roots[i] = hit.source().branch().forkAt(hit.depth(), samplers.get(i), grammar);
            }
        }
    }

    /** Prefills the misses' prompts (new roots) and the rest of the hits' prompts. */
    private void prefill(List<int[]> prompts, List<SamplerParams> samplers, List<Grammar> grammars, PrefixSources.Hit[] hits,
            Branch[] roots, List<int[]> checkpoints) {
        List<Integer> misses = new ArrayList<>();
        List<Branch> hitRoots = new ArrayList<>();
        List<int[]> suffixes = new ArrayList<>();
        List<int[]> hitCheckpoints = new ArrayList<>();
        for (int i = 0; i < hits.length; i++) {
            if (hits[i] == null) {
                misses.add(i);
            } else {
                int[] prompt = prompts.get(i);
                hitRoots.add(roots[i]);
                suffixes.add(Arrays.copyOfRange(prompt, hits[i].depth(), prompt.length));
                hitCheckpoints.add(checkpoints.get(i));
            }
        }
        if (!misses.isEmpty()) {
            List<int[]> missPrompts = new ArrayList<>(misses.size());
            List<SamplerParams> missSamplers = new ArrayList<>(misses.size());
            List<Grammar> missGrammars = new ArrayList<>(misses.size());
            List<int[]> missCheckpoints = new ArrayList<>(misses.size());
            for (int i : misses) {
                missPrompts.add(prompts.get(i));
                missSamplers.add(samplers.get(i));
                missGrammars.add(grammars.set(i, null));
                missCheckpoints.add(checkpoints.get(i));
            }
            List<Branch> created = store.createAll(missPrompts, missSamplers, missGrammars,
                    sources.checkpointing() ? missCheckpoints : null);
            for (int m = 0; m < misses.size(); m++) {
                roots[misses.get(m)] = created.get(m);
            }
        }
        if (!hitRoots.isEmpty()) {
            store.prefill(hitRoots, suffixes, sources.checkpointing() ? hitCheckpoints : null);
        }
    }

    // ---- entries ----

    private boolean overBudget(AdmissionBudget budget) {
        if (entries.size() > budget.spareLeases()) {
            return true;
        }
        int cells = cells();
        return cells > budget.spareCells() || (config.maxCells() > 0 && cells > config.maxCells());
    }

    private void release(PrefixNode node) {
        entries.remove(node);
        tree.detach(node).prune();
        changes++;
    }

    private void count(int cachedTokens) {
        if (cachedTokens > 0) {
            metrics.cacheHits.incrementAndGet();
            metrics.cachedPromptTokens.addAndGet(cachedTokens);
        } else {
            metrics.cacheMisses.incrementAndGet();
        }
    }
}
