package dev.arbor.search;

/**
 * An admitted request and the search task that runs it.
 *
 * @param admittedNanos {@code System.nanoTime()} at admission
 * @param order counts admissions over the engine's life: the highest is the youngest request
 */
record RunningRequest(PendingRequest pending, SearchTask task, long admittedNanos, long order) {
    String id() {
        return pending.id();
    }

    /** Holds more cells than admission reserved for it: its own doing, not the others'. */
    boolean overran() {
        return task.cellsHeld() > pending.prepared().footprint().cells();
    }

    RunStats stats(long now) {
        return task.stats(queuedMs(), (now - admittedNanos) / 1_000_000);
    }

    long queuedMs() {
        return (admittedNanos - pending.prepared().submittedNanos()) / 1_000_000;
    }

    long runMs(long now) {
        return (now - admittedNanos) / 1_000_000;
    }
}
