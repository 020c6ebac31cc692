package dev.arbor.search;

/**
 * The leases and KV cells the engine has promised to admitted requests, against what its context
 * has. A request is admitted only when its {@link Footprint} (its strategy's worst case) fits.
 * Invariant: the reserved totals never exceed the context's {@code nSeqMax} and the cells admission
 * hands out ({@code nCtx}, times the overcommit factor), so an admitted request never runs out of
 * either unless the engine overcommits. Cells are counted in {@code long}: a request's worst case
 * may be far beyond any context (it is then never admitted), and must never wrap around to a small
 * or negative number. Used by the engine thread only.
 */
final class AdmissionBudget {
    private final int leases;
    private final long cells;
    private final int verifierLeases;
    private final long verifierCells;
    private int reservedLeases;
    private long reservedCells;
    private int reservedVerifierLeases;
    private long reservedVerifierCells;

    AdmissionBudget(int leases, long cells) {
        this(leases, cells, 0, 0);
    }

    /** With a process reward model's context of {@code verifierLeases} sequences and {@code verifierCells} cells. */
    AdmissionBudget(int leases, long cells, int verifierLeases, long verifierCells) {
        this.leases = leases;
        this.cells = cells;
        this.verifierLeases = verifierLeases;
        this.verifierCells = verifierCells;
    }

    /** Reserves the request's footprint if it fits now; false (and nothing reserved) otherwise. */
    boolean tryReserve(PreparedRequest request) {
        Footprint need = request.footprint();
        if (need.leases() > spareLeases() || need.cells() > spareCells()
                || need.verifierLeases() > verifierLeases - reservedVerifierLeases
                || need.verifierCells() > verifierCells - reservedVerifierCells) {
            return false;
        }
        reservedLeases += need.leases();
        reservedCells += need.cells();
        reservedVerifierLeases += need.verifierLeases();
        reservedVerifierCells += need.verifierCells();
        return true;
    }

    void release(PreparedRequest request) {
        Footprint held = request.footprint();
        reservedLeases -= held.leases();
        reservedCells -= held.cells();
        reservedVerifierLeases -= held.verifierLeases();
        reservedVerifierCells -= held.verifierCells();
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
        reservedVerifierLeases = 0;
        reservedVerifierCells = 0;
    }
}
