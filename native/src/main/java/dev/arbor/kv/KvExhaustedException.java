package dev.arbor.kv;

/**
 * Thrown when the KV cache has no free cell left for a decode (a batch that finds no contiguous run is split first). Every branch of
 * the failed call is exactly as it was before (positions, logits, metrics, samplers); prune
 * branches to free cells and retry.
 */
@dev.arbor.annotation.PublicApi
public final class KvExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final KvPressure pressure;
    private final int cellsNeeded;

    public KvExhaustedException(KvPressure pressure, int cellsNeeded) {
        super("KV cache exhausted: " + cellsNeeded + " cells needed, " + pressure.cellsUsed() + " of "
                + pressure.nCtx() + " in use (" + pressure.remaining() + " free, possibly fragmented)");
        this.pressure = pressure;
        this.cellsNeeded = cellsNeeded;
    }

    public KvPressure pressure() {
        return pressure;
    }

    public int cellsNeeded() {
        return cellsNeeded;
    }
}
