package dev.arbor.search;

import dev.arbor.kv.Branch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The engine's invariants between passes, checked on its thread after every pass when a test
 * installs this listener: every lease is a live branch of a running request or a prefix cache entry,
 * and nothing else; every such branch's sequence holds exactly {@code position()} cells and every
 * other sequence none, so the context's cells are exactly what requests and entries hold; the
 * entries are live root leaves at their depth and fit what admission left unreserved.
 */
final class EngineInvariants implements EngineListener {
    private volatile Consumer<List<String>> consumer;

    /** From now on, after every pass, {@code consumer} gets the violated invariants (empty when all hold). */
    void report(Consumer<List<String>> consumer) {
        this.consumer = consumer;
    }

    @Override
    public void afterPass(EngineView view) {
        Consumer<List<String>> to = consumer;
        if (to != null) {
            to.accept(check(view));
        }
    }

    static List<String> check(EngineView view) {
        List<String> violations = new ArrayList<>(cacheViolations(view.cache(), view.budget()));
        Map<Integer, Branch> bySeq = new HashMap<>();
        List<Branch> owned = new ArrayList<>(view.cache().entryBranches());
        for (RunningRequest running : view.running()) {
            owned.addAll(running.task().branches());
        }
        for (Branch branch : owned) {
            if (bySeq.put(branch.seqId(), branch) != null) {
                violations.add("seq " + branch.seqId() + " belongs to two branches");
            }
        }
        int leases = view.store().nSeqMax() - view.store().available();
        if (leases != view.store().liveBranches() || leases != owned.size()) {
            violations.add(leases + " leases, " + view.store().liveBranches() + " live branches, " + owned.size()
                    + " owned by requests and entries");
        }
        boolean cellsPerPosition = view.store().memory().hasAttentionCells(); // a recurrent model has none
        for (int seq = 0; seq < view.store().nSeqMax(); seq++) {
            Branch branch = bySeq.get(seq);
            int expected = branch == null || !cellsPerPosition ? 0 : branch.position();
            int cells = view.context().kvCellsOf(seq);
            if (cells != expected) {
                violations.add("seq " + seq + " holds " + cells + " cells, expected " + expected);
            }
        }
        if (view.context().kvUsedCells() > view.context().nCtx()) {
            violations.add(view.context().kvUsedCells() + " cells used in a context of " + view.context().nCtx());
        }
        return violations;
    }

    /** What breaks the prefix cache's invariants now (empty when they hold). */
    static List<String> cacheViolations(PrefixCache cache, AdmissionBudget budget) {
        List<String> violations = new ArrayList<>();
        List<Branch> entries = cache.entryBranches();
        for (PrefixNode node : cache.entryNodes()) {
            Branch entry = node.entry;
            if (entry == null || !entry.isActive() || entry.parent().isPresent() || !entry.isLeaf()
                    || entry.position() != node.depth) {
                violations.add("entry at " + node + " is not a live root leaf at its depth: " + entry);
            }
        }
        if (entries.size() > budget.spareLeases()) {
            violations.add(entries.size() + " entries but " + budget.spareLeases() + " spare leases");
        }
        int cells = cache.cells();
        int maxCells = cache.config().maxCells();
        if (cells > budget.spareCells() || (maxCells > 0 && cells > maxCells)) {
            violations.add(cells + " cells held by entries alone; spare " + budget.spareCells() + ", limit " + maxCells);
        }
        int counted = entries.isEmpty() ? 0 : entries.get(0).store().exclusiveCells(entries);
        if (counted != cells) {
            violations.add("the entries' cells were last counted as " + cells + " but are " + counted);
        }
        return violations;
    }
}
