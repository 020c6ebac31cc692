package dev.arbor.kv;

import dev.arbor.llama.LlamaContext;
import java.util.BitSet;
import java.util.OptionalInt;

/**
 * The lease manager of a context's sequence ids {@code 0..nSeqMax-1}: the store, not its callers,
 * decides which llama.cpp sequence a branch decodes into.
 *
 * <p>Invariant: a vacant id holds no KV cells. {@link #evict}, {@link #retain} and
 * {@link #evictAll} remove the cells themselves; {@link #release} is for a lease whose sequence
 * is already empty (its cells were removed, or it never decoded). {@link #acquire} hands out the
 * lowest vacant id, so ids stay dense and a full context is easy to see. Not thread-safe.
 */
@dev.arbor.annotation.PublicApi
public final class Tenancy {
    private final LlamaContext context;
    private final int capacity;
    private final BitSet leased;

    public Tenancy(LlamaContext context) {
        this.context = context;
        this.capacity = context.nSeqMax();
        this.leased = new BitSet(capacity);
    }

    /** The lowest vacant id, now leased; empty when every id is leased. */
    public OptionalInt acquire() {
        int id = leased.nextClearBit(0);
        if (id >= capacity) {
            return OptionalInt.empty();
        }
        leased.set(id);
        return OptionalInt.of(id);
    }

    /** Returns a lease whose sequence holds no cells. */
    public void release(int id) {
        requireLeased(id);
        leased.clear(id);
    }

    /** Removes every cell of the sequence, then returns its lease. */
    public void evict(int id) {
        requireLeased(id);
        context.seqRemove(id, -1, -1);
        leased.clear(id);
    }

    /** Keeps only {@code id}: every other sequence loses its cells and its lease. */
    public void retain(int id) {
        requireLeased(id);
        context.seqKeep(id);
        leased.clear();
        leased.set(id);
    }

    /** Empties the KV cache and vacates every id. */
    public void evictAll() {
        context.kvClear();
        leased.clear();
    }

    /** Vacant ids. */
    public int available() {
        return capacity - leased.cardinality();
    }

    /** Leased ids. */
    public int leased() {
        return leased.cardinality();
    }

    public int capacity() {
        return capacity;
    }

    public boolean isLeased(int id) {
        return id >= 0 && id < capacity && leased.get(id);
    }

    private void requireLeased(int id) {
        if (id < 0 || id >= capacity) {
            throw new IllegalArgumentException("seq id " + id + " is outside [0, " + capacity + ")");
        }
        if (!leased.get(id)) {
            throw new IllegalStateException("seq id " + id + " is not leased");
        }
    }
}
