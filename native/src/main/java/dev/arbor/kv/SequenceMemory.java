package dev.arbor.kv;

import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.ModelMemory;
import java.util.BitSet;
import java.util.OptionalInt;

/**
 * The sequences of one context, used the way the model's memory kind allows ({@link ModelMemory}):
 * leases ({@link Tenancy}), a new sequence that shares another's cells, a sequence cut back, the
 * checkpoints that make going back possible where a decode overwrites history, and the snapshots
 * that undo a failed decode. Every operation is exact for the memory kind, or refused with an
 * {@link IllegalStateException} that says why before anything changed ({@link CutBack}).
 *
 * <p>The store calls down into this class and never the other way: it knows sequence ids and
 * positions, not branches. Invariant (with {@link Tenancy}'s): a vacant id holds no cells and no state.
 */
final class SequenceMemory {
    private final LlamaContext context;
    private final Tenancy tenancy;
    private final ModelMemory memory;
    private final CheckpointPool checkpoints;

    SequenceMemory(LlamaContext context, long checkpointBytes) {
        this.context = context;
        this.tenancy = new Tenancy(context);
        this.memory = context.model().memory();
        this.checkpoints = new CheckpointPool(context, checkpointBytes);
    }

    ModelMemory kind() {
        return memory;
    }

    CheckpointPool checkpoints() {
        return checkpoints;
    }

    // ---- leases ----

    int lease() {
        OptionalInt seq = tenancy.acquire();
        if (seq.isEmpty()) {
            throw new NoLeaseException(tenancy.available(), tenancy.capacity());
        }
        return seq.getAsInt();
    }

    /** Returns a lease whose sequence was never written or was emptied already. */
    void releaseEmpty(int seq) {
        tenancy.release(seq);
    }

    /** Empties the sequence and returns its lease. */
    void evict(int seq) {
        tenancy.evict(seq);
    }

    /** Keeps only {@code seq}: every other sequence is emptied and loses its lease. */
    void retainOnly(int seq) {
        tenancy.retain(seq);
    }

    /** Empties every sequence and vacates every lease. */
    void clear() {
        tenancy.evictAll();
    }

    int available() {
        return tenancy.available();
    }

    int capacity() {
        return tenancy.capacity();
    }

    /** Attention cells only {@code seqs} see: what releasing all of them would free. */
    int cellsSeenOnlyBy(BitSet seqs) {
        return context.kvCellsSeenOnlyBy(seqs);
    }

    // ---- sharing and cutting back ----

    /** {@code dst} (empty) shares all of {@code src}: its cells by tags, its recurrent state until either decodes. */
    void shareAll(int src, int dst) {
        context.seqCopy(src, dst, -1, -1);
    }

    /**
     * How the sequence {@code seq}, at {@code head}, goes back to {@code position} exactly; the
     * caller refuses on {@link CutBack.Way#REFUSE} before changing anything.
     */
    CutBack plan(int seq, int head, int position, Checkpoint deepest) {
        int posMin = memory.kind() == dev.arbor.llama.MemoryKind.SLIDING_WINDOW && position < head
                ? context.seqPositions(seq)[0] : 0;
        return CutBack.plan(memory, head, position, posMin, deepest);
    }

    /**
     * Makes the empty sequence {@code dst} hold what {@code src} (at {@code srcHead}) held at
     * {@code plan.from()}: the attention cells below it by tags, and the checkpoint's window cells and
     * recurrent state where the plan restores one. A replay, if planned, is the caller's.
     */
    void sharePrefix(int src, int srcHead, int dst, CutBack plan) {
        int from = plan.from();
        if (memory.hasAttentionCells()) {
            // All of it when it is all of it: per-sequence streams copy whole sequences only.
            context.seqCopy(src, dst, 0, from == srcHead ? -1 : from);
        } else if (from == srcHead) {
            context.seqCopy(src, dst, -1, -1);
        }
        if (plan.checkpoint() != null) {
            checkpoints.restore(plan.checkpoint(), dst);
        }
    }

    /**
     * Cuts {@code seq} (at {@code head}) back to {@code plan.from()}. A checkpoint is restored first:
     * then its recurrent part already stands before {@code from}, so llama.cpp's removal of the
     * later attention cells no longer asks a recurrent state to forget tokens (which it refuses).
     */
    void cutBack(int seq, int head, CutBack plan) {
        if (plan.checkpoint() != null) {
            checkpoints.restore(plan.checkpoint(), seq);
        }
        if (plan.from() < head && memory.hasAttentionCells() && !context.seqRemove(seq, plan.from(), -1)) {
            throw new IllegalStateException("llama.cpp refused to remove the cells of seq " + seq + " from "
                    + plan.from() + " on this " + memory.describe() + " model");
        }
    }

    // ---- checkpoints and snapshots ----

    /** A checkpoint of {@code seq} at {@code position} (its head); null on a dense model or over budget. */
    Checkpoint checkpoint(int seq, int position) {
        return memory.overwritesHistory() ? checkpoints.take(seq, position) : null;
    }

    /**
     * What a decode of {@code seq} from {@code head} would overwrite, to undo a failed multi-call
     * decode ({@link #rollBack}); null where a removal of the new cells undoes it alone.
     */
    byte[] snapshot(int seq, int head) {
        return memory.overwritesHistory() && head > 0 ? context.partialStateSave(seq) : null;
    }

    /** Takes {@code seq} back to {@code head} after a failed decode: its snapshot first, then the new cells go. */
    void rollBack(int seq, int head, byte[] snapshot) {
        if (snapshot != null) {
            context.partialStateRestore(snapshot, seq);
        }
        context.seqRemove(seq, head, -1);
    }
}
