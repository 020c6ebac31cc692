package dev.arbor.kv;

/**
 * Thrown by {@link Branch#create} and {@link Branch#fork()} when every sequence id of the
 * context is leased. The store is unchanged; prune branches to free leases.
 */
@dev.arbor.annotation.PublicApi
public final class NoLeaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int available;
    private final int nSeqMax;

    public NoLeaseException(int available, int nSeqMax) {
        super("no sequence lease free: available() = " + available + " of nSeqMax = " + nSeqMax);
        this.available = available;
        this.nSeqMax = nSeqMax;
    }

    public int available() {
        return available;
    }

    public int nSeqMax() {
        return nSeqMax;
    }
}
