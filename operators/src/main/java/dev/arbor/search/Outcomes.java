package dev.arbor.search;

/**
 * Answers requests: completes each one's future exactly once with its result or error, and counts
 * the outcome in the engine's metrics. Futures complete on the calling (engine) thread.
 */
final class Outcomes {
    private final EngineMetrics metrics;

    Outcomes(EngineMetrics metrics) {
        this.metrics = metrics;
    }

    /** A finished search's result (which may itself be an error, e.g. no completion kept). */
    void complete(PendingRequest pending, SearchOutcome result) {
        if (result.isError()) {
            metrics.failed.incrementAndGet();
        } else {
            metrics.completed.incrementAndGet();
        }
        pending.future().complete(result);
    }

    void timeOut(PendingRequest pending, RunStats stats) {
        metrics.timedOut.incrementAndGet();
        pending.future().complete(SearchOutcome.failure(pending.id(), ErrorCode.TIMEOUT,
                "the request did not finish within " + pending.prepared().request().timeout(), stats));
    }

    void fail(PendingRequest pending, ErrorCode code, String message, RunStats stats) {
        if (code == ErrorCode.CANCELLED) {
            metrics.cancelled.incrementAndGet();
        } else {
            metrics.failed.incrementAndGet();
        }
        pending.future().complete(SearchOutcome.failure(pending.id(), code, message, stats));
    }

    /** The caller cancelled the future: nothing to answer, only to count. */
    void cancelled() {
        metrics.cancelled.incrementAndGet();
    }
}
