package dev.arbor.search;

import java.util.concurrent.CompletableFuture;

/**
 * A request the engine holds but has not admitted (yet, or again): what was asked and the future
 * its caller waits on.
 *
 * @param preemptions how often it was taken out of a running step to free KV cells and requeued
 */
record PendingRequest(PreparedRequest prepared, CompletableFuture<SearchOutcome> future, int preemptions) {
    PendingRequest(PreparedRequest prepared, CompletableFuture<SearchOutcome> future) {
        this(prepared, future, 0);
    }

    String id() {
        return prepared.request().id();
    }

    /** The same request, taken out once more. */
    PendingRequest preempted() {
        return new PendingRequest(prepared, future, preemptions + 1);
    }
}
