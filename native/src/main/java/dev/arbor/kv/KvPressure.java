package dev.arbor.kv;

/**
 * How full a context's KV cache is.
 *
 * @param nCtx cells in the cache (shared by all sequences)
 * @param cellsUsed cells holding at least one sequence
 * @param remaining {@code nCtx - cellsUsed}
 */
@dev.arbor.annotation.PublicApi
public record KvPressure(int nCtx, int cellsUsed, int remaining) {}
