package dev.arbor.search;

/**
 * The leases and KV cells the engine has promised to admitted requests, against what its context
 * has. A request is admitted only when its worst case fits: {@code width} leases and
 * {@code prompt + width x maxNewTokens} cells ({@link SearchTask#leasesNeeded},
 * {@link SearchTask#cellsNeeded}). Invariant: the reserved totals never exceed the context's
 * {@code nSeqMax} and {@code nCtx}, so an admitted request never runs out of either. Cells are
 * counted in {@code long}: a request's worst case may be far beyond any context (it is then never
 * admitted), and must never wrap around to a small or negative number. Used by the engine thread only.
 */
final class AdmissionBudget {
    private final int leases;
    private final long cells;
    private int reservedLeases;
    private long reservedCells;

    AdmissionBudget(int leases, long cells) {
        this.leases = leases;
        this.cells = cells;
    }

    /** Reserves the request's worst case if it fits now; false (and nothing reserved) otherwise. */
    boolean tryReserve(PreparedRequest request) {
        int needLeases = SearchTask.leasesNeeded(request.request());
        long needCells = cellsOf(request);
        if (needLeases > spareLeases() || needCells > spareCells()) {
            return false;
        }
        reservedLeases += needLeases;
        reservedCells += needCells;
        return true;
    }

    void release(PreparedRequest request) {
        reservedLeases -= SearchTask.leasesNeeded(request.request());
        reservedCells -= cellsOf(request);
    }

    /** Leases no admitted request has reserved: what the prefix cache's entries may hold. */
    int spareLeases() {
        return leases - reservedLeases;
    }

    /** Cells no admitted request has reserved: what the prefix cache's entries may hold on their own. */
    long spareCells() {
        return cells - reservedCells;
    }

    void releaseAll() {
        reservedLeases = 0;
        reservedCells = 0;
    }

    /** The cells admission reserves for {@code request}: its worst case. */
    static long cellsOf(PreparedRequest request) {
        return SearchTask.cellsNeeded(request.request(), request.promptTokens().length);
    }
}
