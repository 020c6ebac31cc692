package dev.arbor.search;

/**
 * The most a request can hold at once while its strategy runs: what admission reserves before it
 * starts, what validation compares with the context to reject a request that can never run, and
 * what configuration checks for the default request. Each strategy states its own
 * ({@link SearchStrategy#footprint}); nothing else restates the rule.
 *
 * @param leases sequences (live branches) at once
 * @param cells KV cells at once: the prompt, shared by all branches, plus what each branch adds
 *     (in {@code long}, so that a huge request never wraps around to look small); 0 for a model
 *     without attention cells (a pure recurrent one)
 * @param verifierLeases sequences of the slot's process reward model it holds at once (0 without one)
 * @param verifierCells cells of the process reward model's context it holds at once
 */
@dev.arbor.annotation.PublicApi
public record Footprint(int leases, long cells, int verifierLeases, long verifierCells) {
    /** A footprint on the policy model's context alone. */
    public Footprint(int leases, long cells) {
        this(leases, cells, 0, 0);
    }

    /** The same, plus what a process reward model holds for the request. */
    Footprint withVerifier(int prmLeases, long prmCells) {
        return new Footprint(leases, cells, prmLeases, prmCells);
    }

    /** The same leases and no cells: on a model whose memory has no attention cells to count. */
    Footprint withoutCells() {
        return new Footprint(leases, 0, verifierLeases, verifierCells);
    }
}
