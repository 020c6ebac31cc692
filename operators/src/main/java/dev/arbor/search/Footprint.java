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
 */
public record Footprint(int leases, long cells) {

    /** The same leases and no cells: on a model whose memory has no attention cells to count. */
    Footprint withoutCells() {
        return new Footprint(leases, 0);
    }
}
