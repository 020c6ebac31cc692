package dev.arbor.search;

import dev.arbor.kv.KvExhaustedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a RUNNING request leaves ({@link RequestQueue}): finished with its result, failed, cancelled,
 * timed out, or preempted back to the queue. Each way takes it out of the queue's running list,
 * releases its branches and its reservation, and answers it exactly once (a preempted one is
 * answered later, when it runs again). Engine thread only.
 */
final class RequestEnds {
    private static final Logger LOG = LoggerFactory.getLogger(SearchEngine.class);

    private final RequestQueue queue;
    private final Admission admission;
    private final PrefixCache cache;
    private final Outcomes outcomes;
    private final EngineMetrics metrics;

    RequestEnds(RequestQueue queue, Admission admission, PrefixCache cache, Outcomes outcomes, EngineMetrics metrics) {
        this.queue = queue;
        this.admission = admission;
        this.cache = cache;
        this.outcomes = outcomes;
        this.metrics = metrics;
    }

    /** Its task is done: the result, with the survivor offered to the prefix cache. */
    void finish(RunningRequest running) {
        queue.leave(running);
        long now = System.nanoTime();
        SearchOutcome result;
        int[] prompt = running.pending().prepared().promptTokens();
        try {
            result = running.task().finish(running.queuedMs(), running.runMs(now),
                    survivor -> cache.adopt(survivor, prompt));
        } catch (RuntimeException e) {
            failAfterLeaving(running, e);
            return;
        }
        admission.release(running.pending());
        outcomes.complete(running.pending(), result);
    }

    /** Its own code failed (a scorer, its tokens' decode): release its branches, answer with the error, carry on. */
    void fail(RunningRequest running, RuntimeException e) {
        queue.leave(running);
        failAfterLeaving(running, e);
    }

    /** The caller cancelled its future. */
    void cancel(RunningRequest running) {
        queue.leave(running);
        outcomes.cancelled();
        release(running);
    }

    /** Its deadline passed. */
    void timeOut(RunningRequest running, long now) {
        queue.leave(running);
        release(running);
        outcomes.timeOut(running.pending(), running.stats(now));
    }

    /**
     * The cache ran out of cells in a step and {@code victim} gives way. One that outgrew its
     * reservation, or that ran alone (it can never fit), fails; any other is preempted: its branches
     * are freed and it goes back to the head of the queue. Its seeds derive from its id, so the
     * restart gives the same result.
     */
    void outOfCells(RunningRequest victim, KvExhaustedException e, boolean othersRemain) {
        queue.leave(victim);
        boolean overran = victim.overran();
        RunStats stats = victim.stats(System.nanoTime());
        String cells = victim.task().cellsHeld() + " KV cells, admitted for " + victim.pending().prepared().footprint()
                .cells();
        release(victim);
        if (overran || !othersRemain) {
            String why = overran ? "the request outgrew its reservation (" + cells + ")"
                    : "the request does not fit even alone (" + cells + ")";
            LOG.warn("request {} failed: {}; {}", victim.id(), e.getMessage(), why);
            outcomes.fail(victim.pending(), ErrorCode.FAILED, e.getMessage() + "; " + why, stats);
            return;
        }
        LOG.debug("request {} preempted (time {}): {}", victim.id(), victim.pending().preemptions() + 1,
                e.getMessage());
        sendBack(victim.pending());
    }

    /** A request whose cells ran short while others run waits at the head of the queue; admissions pause. */
    void sendBack(PendingRequest pending) {
        metrics.preempted.incrementAndGet();
        queue.sendBack(pending.preempted());
        admission.preempted(queue.runningCount());
    }

    /** Releases its branches and its reservation (it has left the queue's running list). */
    void release(RunningRequest running) {
        try {
            running.task().abort();
        } finally {
            admission.release(running.pending());
        }
    }

    private void failAfterLeaving(RunningRequest running, RuntimeException e) {
        // One line: the request's result carries the reason; the stack trace is for debugging.
        LOG.warn("request {} failed: {}", running.id(), e.toString());
        LOG.debug("request {} failed", running.id(), e);
        try {
            release(running);
        } catch (RuntimeException releaseFailure) {
            e.addSuppressed(releaseFailure);
        }
        ErrorCode code = e instanceof RequestFailure failure ? failure.code() : ErrorCode.FAILED;
        outcomes.fail(running.pending(), code, String.valueOf(e.getMessage()), running.stats(System.nanoTime()));
    }
}
