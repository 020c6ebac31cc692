package dev.arbor.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which QUEUED requests start: in submission order, each when its {@link Footprint} fits
 * what admitted requests left ({@link AdmissionBudget}); a head that does not fit yet holds back those
 * behind it, so none starves. After a preemption nothing is admitted until one of the requests
 * running then has left, so a preempted request is not pushed aside again at once. Engine thread only.
 */
final class Admission {
    private final AdmissionBudget budget;
    /** While >= 0, admissions wait until fewer requests than this are running. */
    private int pausedWhileRunning = -1;

    Admission(int leases, long cells, int verifierLeases, long verifierCells) {
        this.budget = new AdmissionBudget(leases, cells, verifierLeases, verifierCells);
    }

    /** QUEUED → STARTING for the requests that fit now, their footprints reserved, in order. */
    List<PendingRequest> admit(RequestQueue queue) {
        if (paused(queue.runningCount())) {
            return List.of();
        }
        List<PendingRequest> admitted = new ArrayList<>();
        while (queue.head() != null && budget.tryReserve(queue.head().prepared())) {
            admitted.add(queue.admitHead());
        }
        return admitted;
    }

    /** A request left (answered or sent back): its reservation goes. */
    void release(PendingRequest pending) {
        budget.release(pending.prepared());
    }

    /** A request was preempted while {@code running} requests ran: pause until one of them leaves. */
    void preempted(int running) {
        pausedWhileRunning = running;
    }

    void releaseAll() {
        budget.releaseAll();
    }

    /** What admitted requests left unreserved: the prefix cache lives in it. */
    AdmissionBudget budget() {
        return budget;
    }

    private boolean paused(int running) {
        if (pausedWhileRunning >= 0 && running < pausedWhileRunning) {
            pausedWhileRunning = -1;
        }
        return pausedWhileRunning >= 0;
    }
}
