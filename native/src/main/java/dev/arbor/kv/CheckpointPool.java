package dev.arbor.kv;

import dev.arbor.llama.LlamaContext;

/**
 * The checkpoints of one store, budgeted in bytes: takes partial states out of llama.cpp
 * ({@link LlamaContext#partialStateSave}) while the budget allows, counts what they hold, and
 * counts what restoring them saved or cost.
 *
 * <p>Invariants: {@link #bytes()} is the sum over live checkpoints (each counted once, however
 * many branches share it) and never exceeds {@link #maxBytes()}: a checkpoint that would not fit
 * is not taken ({@link #skipped()} counts them), and a cut-back that needed it is then refused or
 * replayed from an earlier one, never silently wrong.
 */
final class CheckpointPool {
    private final LlamaContext context;
    private final long maxBytes;
    private long bytes;
    private long peakBytes;
    private int live;
    private long taken;
    private long skipped;
    private long restored;
    private long replayedTokens;

    CheckpointPool(LlamaContext context, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
        }
        this.context = context;
        this.maxBytes = maxBytes;
    }

    /**
     * The partial state of {@code seq}, which has decoded exactly {@code position} tokens, as a new
     * checkpoint with one reference; null when it would not fit the budget.
     */
    Checkpoint take(int seq, int position) {
        long size = context.partialStateSize(seq);
        if (bytes + size > maxBytes) {
            skipped++;
            return null;
        }
        Checkpoint checkpoint = new Checkpoint(this, position, context.partialStateSave(seq));
        bytes += checkpoint.bytes();
        peakBytes = Math.max(peakBytes, bytes);
        live++;
        taken++;
        return checkpoint;
    }

    /** Puts {@code checkpoint}'s state into {@code seq} (its recurrent state and window cells). */
    void restore(Checkpoint checkpoint, int seq) {
        context.partialStateRestore(checkpoint.state(), seq);
        restored++;
    }

    void replayed(int tokens) {
        replayedTokens += tokens;
    }

    void freed(Checkpoint checkpoint) {
        bytes -= checkpoint.bytes();
        live--;
    }

    long maxBytes() {
        return maxBytes;
    }

    long bytes() {
        return bytes;
    }

    long peakBytes() {
        return peakBytes;
    }

    int live() {
        return live;
    }

    long taken() {
        return taken;
    }

    long skipped() {
        return skipped;
    }

    long restored() {
        return restored;
    }

    long replayedTokens() {
        return replayedTokens;
    }
}
