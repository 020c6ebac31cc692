package dev.arbor.search;

import dev.arbor.kv.BranchStore;
import dev.arbor.kv.KvExhaustedException;
import java.util.List;

/**
 * Decodes one engine step's plan so that a failure stays with the request that caused it: only
 * that request leaves the step, the others' tokens are committed again. A failed
 * {@code BranchStore.commit} changes no branch, so committing the rest again is always safe.
 *
 * <p>When the KV cache is full, the request that holds more cells than it was admitted for gives
 * way, else the youngest ({@link Outcome#outOfCells}). For any other error each request's tokens
 * are committed on their own, so the error stays with the requests whose tokens raise it. Used by
 * the engine thread only.
 */
final class IsolatingCommit {
    /** What the engine does with the requests of a step. */
    interface Outcome {
        /** Their tokens were decoded. */
        void committed(RunningRequest running);

        /** The cache had no cell left and {@code victim} gives way; {@code othersRemain} in the step. */
        void outOfCells(RunningRequest victim, KvExhaustedException e, boolean othersRemain);

        /** Committing {@code running}'s own tokens failed. */
        void failed(RunningRequest running, RuntimeException e);
    }

    private final BranchStore store;
    private final EngineMetrics metrics;

    IsolatingCommit(BranchStore store, EngineMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** Commits {@code plan}; tells {@code outcome} what became of each of its requests. */
    void commit(StepPlan plan, Outcome outcome) {
        while (!plan.isEmpty()) {
            long start = System.nanoTime();
            try {
                store.commit(plan.branches, plan.tokens());
            } catch (KvExhaustedException e) {
                RunningRequest victim = victimOf(plan.owners());
                plan = plan.without(victim);
                outcome.outOfCells(victim, e, !plan.isEmpty());
                continue;
            } catch (RuntimeException e) {
                List<RunningRequest> owners = plan.owners();
                if (owners.size() == 1) {
                    outcome.failed(owners.get(0), e);
                } else {
                    for (RunningRequest owner : owners) {
                        commit(plan.only(owner), outcome);
                    }
                }
                return;
            }
            metrics.recordStep(System.nanoTime() - start, plan.branches.size());
            for (RunningRequest owner : plan.owners()) {
                outcome.committed(owner);
            }
            return;
        }
    }

    /** One that outgrew its reservation, else the youngest. */
    static RunningRequest victimOf(List<RunningRequest> owners) {
        RunningRequest youngest = null;
        for (RunningRequest running : owners) {
            if (running.overran()) {
                return running;
            }
            if (youngest == null || running.order() > youngest.order()) {
                youngest = running;
            }
        }
        return youngest;
    }
}
