package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.llama.LlamaContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's invariants between steps, checked on its thread when a test asks
 * ({@link SearchEngine#checkInvariants}): every lease is a live branch of a running request or a
 * prefix cache entry, and nothing else; every such branch's sequence holds exactly
 * {@code position()} cells and every other sequence none, so the context's cells are exactly what
 * requests and entries hold; the entries fit what admission left unreserved.
 */
final class EngineInvariants {
    private EngineInvariants() {}

    static List<String> check(LlamaContext context, BranchStore store, List<RunningRequest> active, PrefixCache cache,
            AdmissionBudget budget) {
        List<String> violations = new ArrayList<>(cache.violations(budget));
        Map<Integer, Branch> bySeq = new HashMap<>();
        List<Branch> owned = new ArrayList<>(cache.entryBranches());
        for (RunningRequest running : active) {
            owned.addAll(running.task().branches());
        }
        for (Branch branch : owned) {
            if (bySeq.put(branch.seqId(), branch) != null) {
                violations.add("seq " + branch.seqId() + " belongs to two branches");
            }
        }
        int leases = store.nSeqMax() - store.available();
        if (leases != store.liveBranches() || leases != owned.size()) {
            violations.add(leases + " leases, " + store.liveBranches() + " live branches, " + owned.size()
                    + " owned by requests and entries");
        }
        for (int seq = 0; seq < store.nSeqMax(); seq++) {
            Branch branch = bySeq.get(seq);
            int expected = branch == null ? 0 : branch.position();
            int cells = context.kvCellsOf(seq);
            if (cells != expected) {
                violations.add("seq " + seq + " holds " + cells + " cells, expected " + expected);
            }
        }
        if (context.kvUsedCells() > context.nCtx()) {
            violations.add(context.kvUsedCells() + " cells used in a context of " + context.nCtx());
        }
        return violations;
    }
}
