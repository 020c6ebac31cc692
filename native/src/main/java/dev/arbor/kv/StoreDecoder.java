package dev.arbor.kv;

import dev.arbor.llama.Batch;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.LlamaContext;
import java.util.List;

/**
 * Decodes token runs for many branches in as few {@code llama_decode} calls as possible, all or
 * nothing.
 *
 * <p>Runs are packed back to back into batches of {@code nBatch} entries (a run longer than a
 * batch continues in the next one), and only the last token of each run asks for logits.
 * llama.cpp places a batch in any free cells (they need not be contiguous) and refuses it whole
 * when there are too few, so a refused batch means the cache (or a sequence's stream) is full:
 * then every cell this call added in earlier batches is removed again and the branches are left
 * exactly as they were; positions and logits change only once everything succeeded.
 */
final class StoreDecoder {
    private final LlamaContext context;
    private final Batch batch;
    private final int capacity;
    private final int[] tokens;
    private final int[] positions;
    private final int[] seqs;
    private final BranchState[] logitsOwner;
    private int size;

    StoreDecoder(LlamaContext context) {
        this.context = context;
        this.capacity = context.nBatch();
        this.batch = new Batch(capacity);
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.seqs = new int[capacity];
        this.logitsOwner = new BranchState[capacity];
    }

    /** Decodes {@code runs.get(i)} into {@code states.get(i)}'s sequence from its position. */
    void decode(List<BranchState> states, List<int[]> runs) {
        int total = 0;
        for (int[] run : runs) {
            total += run.length;
        }
        boolean done = false;
        try {
            size = 0;
            for (int i = 0; i < states.size(); i++) {
                BranchState state = states.get(i);
                int[] run = runs.get(i);
                for (int t = 0; t < run.length; t++) {
                    if (size == capacity) {
                        flush(total);
                    }
                    tokens[size] = run[t];
                    positions[size] = state.position + t;
                    seqs[size] = state.seq;
                    logitsOwner[size] = t == run.length - 1 ? state : null;
                    size++;
                }
            }
            flush(total);
            done = true;
        } finally {
            if (!done) {
                removeAddedCells(states, runs);
            }
        }
        for (int i = 0; i < states.size(); i++) {
            int length = runs.get(i).length;
            if (length > 0) {
                BranchState state = states.get(i);
                state.position += length;
                state.swapLogits();
            }
        }
    }

    private void flush(int cellsNeeded) {
        if (size > 0) {
            decodeRange(0, size, cellsNeeded);
        }
        size = 0;
    }

    /** Decodes entries [from, to) in one call. */
    private void decodeRange(int from, int to, int cellsNeeded) {
        batch.clear();
        for (int i = from; i < to; i++) {
            batch.add(tokens[i], positions[i], seqs[i], logitsOwner[i] != null);
        }
        if (context.decode(batch) == DecodeStatus.NO_KV_SLOT) {
            throw new KvExhaustedException(BranchStore.pressureOf(context), cellsNeeded);
        }
        for (int i = from; i < to; i++) {
            BranchState owner = logitsOwner[i];
            if (owner != null) {
                context.logits(i - from, owner.pending);
            }
        }
    }

    private void removeAddedCells(List<BranchState> states, List<int[]> runs) {
        for (int i = 0; i < states.size(); i++) {
            if (runs.get(i).length > 0) {
                BranchState state = states.get(i);
                context.seqRemove(state.seq, state.position, -1);
            }
        }
        size = 0;
    }

    void close() {
        batch.close();
    }
}
