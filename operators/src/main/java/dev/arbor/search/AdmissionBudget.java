package dev.arbor.search;

/**
 * The leases and KV cells the engine has promised to admitted requests, against what its context
 * has. A request is admitted only when its worst case fits: {@code width} leases and
 * {@code prompt + width x maxNewTokens} cells ({@link SearchTask#leasesNeeded},
 * {@link SearchTask#cellsNeeded}). Invariant: the reserved totals never exceed the context's
 * {@code nSeqMax} and {@code nCtx}, so an admitted request never runs out of either. Used by the
 * engine thread only.
 */
final class AdmissionBudget {
    private final int leases;
    private final int cells;
    private int reservedLeases;
    private int reservedCells;

    AdmissionBudget(int leases, int cells) {
        this.leases = leases;
        this.cells = cells;
    }

    /** Reserves the request's worst case if it fits now; false (and nothing reserved) otherwise. */
    boolean tryReserve(PreparedRequest request) {
        int needLeases = SearchTask.leasesNeeded(request.request());
        int needCells = SearchTask.cellsNeeded(request.request(), request.promptTokens().length);
        if (reservedLeases + needLeases > leases || reservedCells + needCells > cells) {
            return false;
        }
        reservedLeases += needLeases;
        reservedCells += needCells;
        return true;
    }

    void release(PreparedRequest request) {
        reservedLeases -= SearchTask.leasesNeeded(request.request());
        reservedCells -= SearchTask.cellsNeeded(request.request(), request.promptTokens().length);
    }

    void releaseAll() {
        reservedLeases = 0;
        reservedCells = 0;
    }
}
