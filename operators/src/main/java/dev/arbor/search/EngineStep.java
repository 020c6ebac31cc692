package dev.arbor.search;

import dev.arbor.kv.KvExhaustedException;
import java.util.ArrayList;

/**
 * One step of every RUNNING request: each plans its next tokens on its own (a task that is done
 * finishes, one that throws fails, alone), then all planned tokens are committed in one batched
 * decode ({@link IsolatingCommit}), a failure staying with the request that caused it. Engine thread only.
 */
final class EngineStep implements IsolatingCommit.Outcome {
    private final RequestQueue queue;
    private final RequestEnds ends;
    private final PrefixCache cache;
    private final Admission admission;
    private final IsolatingCommit committer;

    EngineStep(RequestQueue queue, RequestEnds ends, PrefixCache cache, Admission admission,
            IsolatingCommit committer) {
        this.queue = queue;
        this.ends = ends;
        this.cache = cache;
        this.admission = admission;
        this.committer = committer;
    }

    /** Plans every running request, then decodes all their tokens in one commit. */
    void run() {
        StepPlan plan = new StepPlan();
        boolean finishedAny = false;
        for (RunningRequest running : new ArrayList<>(queue.running())) {
            plan.startOwner(running);
            boolean done;
            try {
                running.task().plan(plan);
                done = running.task().isDone();
            } catch (RuntimeException e) {
                plan.dropLastOwner();
                ends.fail(running, e);
                continue;
            }
            if (done) {
                plan.dropLastOwner();
                ends.finish(running);
                finishedAny = true;
            }
        }
        if (finishedAny) {
            cache.fitUnder(admission.budget()); // new entries fit what their requests gave back, but maybe not the cell limit
        }
        committer.commit(plan, this);
    }

    @Override
    public void committed(RunningRequest running) {
        running.task().stepDone();
    }

    @Override
    public void outOfCells(RunningRequest victim, KvExhaustedException e, boolean othersRemain) {
        ends.outOfCells(victim, e, othersRemain);
    }

    @Override
    public void failed(RunningRequest running, RuntimeException e) {
        ends.fail(running, e);
    }
}
