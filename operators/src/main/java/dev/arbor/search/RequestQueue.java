package dev.arbor.search;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where every request the engine holds is, by its state. Requests move only through the methods
 * named after their transitions:
 *
 * <pre>
 *   submit ──► SUBMITTED ──pull──► QUEUED ──admit──► STARTING ──started──► RUNNING ──leave──► answered
 *                (inbox)             ▲   │  (footprint     │ (prefill failed,     │
 *                                    │   │   reserved)     │  cells short)        │ out of cells while
 *                                    │   ▼                 ▼                      │ others run (preempted)
 *                                    │  answered:        QUEUED (head) ◄──────────┘
 *                                    │  cancelled / timed out
 * </pre>
 *
 * <p>SUBMITTED requests wait in a thread-safe inbox (any thread submits); every other state is
 * touched by the engine thread only. Invariants: a request is in exactly one state until it is
 * answered (exactly once, by {@link Outcomes}); QUEUED keeps submission order, except that a request
 * sent back goes to the head, so none starves; only RUNNING requests hold branches and a reservation
 * (STARTING ones hold a reservation while their roots are made).
 */
final class RequestQueue {
    private static final PendingRequest WAKE_UP = new PendingRequest(null, null);

    private final LinkedBlockingQueue<PendingRequest> inbox = new LinkedBlockingQueue<>();
    private final ArrayDeque<PendingRequest> queued = new ArrayDeque<>();
    private final List<RunningRequest> running = new ArrayList<>();

    /** SUBMITTED: hands a validated request to the engine thread (any thread). */
    void submit(PendingRequest pending) {
        inbox.add(pending);
    }

    /** Ends a {@link #pull} that waits for work (any thread). */
    void wakeUp() {
        inbox.offer(WAKE_UP);
    }

    /**
     * SUBMITTED → QUEUED for everything in the inbox; when the engine has nothing else to do, first
     * waits up to 100 ms for a submission.
     *
     * @throws InterruptedException when the engine thread is interrupted while waiting
     */
    void pull() throws InterruptedException {
        if (running.isEmpty() && queued.isEmpty()) {
            PendingRequest first = inbox.poll(100, TimeUnit.MILLISECONDS);
            if (first != null && first != WAKE_UP) {
                queued.add(first);
            }
        }
        pullRemaining();
    }

    private void pullRemaining() {
        PendingRequest next;
        while ((next = inbox.poll()) != null) {
            if (next != WAKE_UP) {
                queued.add(next);
            }
        }
    }

    /** The QUEUED request admission looks at next, or null. */
    PendingRequest head() {
        return queued.peek();
    }

    /** QUEUED → STARTING: the head, whose footprint admission has reserved. */
    PendingRequest admitHead() {
        return queued.poll();
    }

    /** STARTING or RUNNING → QUEUED, at the head: its cells ran short while others ran; it waits for them. */
    void sendBack(PendingRequest pending) {
        queued.addFirst(pending);
    }

    /** STARTING → QUEUED, at the head, in their order: the batch must wait behind one of its own. */
    void sendBackInOrder(List<PendingRequest> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            queued.addFirst(batch.get(i));
        }
    }

    /** STARTING → RUNNING: its roots are prefilled and its task started. */
    void started(RunningRequest request) {
        running.add(request);
    }

    /** RUNNING → (answered or sent back): the caller answers it or sends it back. */
    void leave(RunningRequest request) {
        running.remove(request);
    }

    /** The RUNNING requests, in admission order; the iterator's remove is {@link #leave}. */
    List<RunningRequest> running() {
        return running;
    }

    /** QUEUED requests whose caller cancelled or whose deadline passed leave, answered by {@code outcomes}. */
    void dropQueuedCancelledAndExpired(long now, Outcomes outcomes) {
        for (Iterator<PendingRequest> it = queued.iterator(); it.hasNext(); ) {
            PendingRequest pending = it.next();
            if (pending.future().isDone()) {
                outcomes.cancelled();
                it.remove();
            } else if (pending.prepared().expired(now)) {
                it.remove();
                outcomes.timeOut(pending, RunStats.NONE);
            }
        }
    }

    /** Takes every request out, in any state: for the engine's end. */
    Drained drainAll() {
        pullRemaining();
        Drained drained = new Drained(new ArrayList<>(running), new ArrayList<>(queued));
        running.clear();
        queued.clear();
        return drained;
    }

    /** What {@link #drainAll} took out. */
    record Drained(Collection<RunningRequest> running, Collection<PendingRequest> queued) {}

    /** QUEUED and SUBMITTED requests (for the gauges). */
    int queuedCount() {
        return queued.size() + inbox.size();
    }

    /** QUEUED requests alone (the engine thread's own view: the inbox may grow meanwhile). */
    int queuedOnly() {
        return queued.size();
    }

    int runningCount() {
        return running.size();
    }

    boolean hasRunning() {
        return !running.isEmpty();
    }
}
