package dev.arbor.kv;

import dev.arbor.llama.Batch;
import dev.arbor.llama.DecodeStatus;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.RowSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes token runs for many branches in as few {@code llama_decode} calls as possible, all or
 * nothing, and takes the checkpoints asked for on the way.
 *
 * <p>Runs are packed back to back into batches of {@code nBatch} entries (a run longer than a
 * batch continues in the next one), and only the last token of each run asks for logits. A run
 * with checkpoints is decoded in rounds: round {@code r} decodes every run up to its {@code r}-th
 * checkpoint (packed together as above), then the checkpoints are taken, so each is a state of
 * exactly the tokens before it.
 *
 * <p>llama.cpp places a batch in any free cells and refuses it whole when there are too few, so a
 * refused batch means the cache (or a sequence's stream) is full: then every sequence is taken back
 * to where it was ({@link SequenceMemory#rollBack}: the cells added in earlier batches removed, the
 * window cells and recurrent state that a memory kind overwrites restored from a snapshot), the
 * checkpoints taken are dropped, and the branches are left exactly as they were; positions, logits
 * and checkpoints change only once everything succeeded.
 */
final class StoreDecoder {
    private final LlamaContext context;
    private final SequenceMemory memory;
    private final Batch batch;
    private final int capacity;
    private final int[] tokens;
    private final int[] positions;
    private final int[] seqs;
    private final BranchState[] logitsOwner;
    private final RowSummary summary = new RowSummary();
    private int size;

    StoreDecoder(LlamaContext context, SequenceMemory memory) {
        this.context = context;
        this.memory = memory;
        this.capacity = context.nBatch();
        this.batch = new Batch(capacity);
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.seqs = new int[capacity];
        this.logitsOwner = new BranchState[capacity];
    }

    /** Decodes {@code runs.get(i)} into {@code states.get(i)}'s sequence from its position. */
    void decode(List<BranchState> states, List<int[]> runs) {
        decode(states, runs, null);
    }

    /**
     * As {@link #decode(List, List)}, taking a checkpoint of state {@code i} at each position of
     * {@code checkpointAt.get(i)} (absolute positions after its current one, up to the run's end;
     * null lists or entries: none). A checkpoint the budget cannot hold is skipped.
     */
    void decode(List<BranchState> states, List<int[]> runs, List<int[]> checkpointAt) {
        int total = 0;
        for (int[] run : runs) {
            total += run.length;
        }
        Rounds[] rounds = roundsOf(states, runs, checkpointAt);
        boolean multiCall = total > capacity || rounds != null;
        byte[][] snapshots = new byte[states.size()][];
        if (multiCall) {
            for (int i = 0; i < states.size(); i++) {
                snapshots[i] = memory.snapshot(states.get(i).seq(), states.get(i).position());
            }
        }
        List<List<Checkpoint>> taken = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            taken.add(new ArrayList<>());
        }
        boolean done = false;
        try {
            decodeRounds(states, runs, rounds, taken, total);
            done = true;
        } finally {
            if (!done) {
                rollBack(states, runs, snapshots, taken);
            }
        }
        for (int i = 0; i < states.size(); i++) {
            int[] run = runs.get(i);
            if (run.length > 0) {
                BranchState state = states.get(i);
                state.decoded(run);
                for (Checkpoint checkpoint : taken.get(i)) {
                    state.addCheckpoint(checkpoint);
                }
            }
        }
    }

    /**
     * The rounds of one run: round {@code r} decodes up to offset {@code ends[r]} (the last is the
     * run's length) and then takes a checkpoint when {@code checkpoint[r]}.
     */
    private record Rounds(int[] ends, boolean[] checkpoint) {
        static Rounds of(int start, int length, int[] at) {
            int[] offsets = at == null ? new int[0] : Arrays.stream(at).map(p -> p - start)
                    .filter(offset -> offset > 0 && offset <= length).sorted().distinct().toArray();
            boolean endIsCheckpoint = offsets.length > 0 && offsets[offsets.length - 1] == length;
            int[] ends = endIsCheckpoint || length == 0 ? offsets : appended(offsets, length);
            boolean[] checkpoint = new boolean[ends.length];
            Arrays.fill(checkpoint, 0, offsets.length, true);
            return new Rounds(ends, checkpoint);
        }

        int from(int round) {
            return round == 0 ? 0 : Math.min(endOf(round - 1), endOf(ends.length - 1));
        }

        int to(int round) {
            return round < ends.length ? ends[round] : from(round);
        }

        private int endOf(int round) {
            return ends.length == 0 ? 0 : ends[Math.min(round, ends.length - 1)];
        }

        boolean checkpointAfter(int round) {
            return round < ends.length && checkpoint[round];
        }
    }

    /** Per state its rounds; null when no checkpoint is asked for (one round). */
    private static Rounds[] roundsOf(List<BranchState> states, List<int[]> runs, List<int[]> checkpointAt) {
        if (checkpointAt == null) {
            return null;
        }
        Rounds[] rounds = new Rounds[states.size()];
        boolean any = false;
        for (int i = 0; i < states.size(); i++) {
            rounds[i] = Rounds.of(states.get(i).position(), runs.get(i).length, checkpointAt.get(i));
            for (boolean checkpoint : rounds[i].checkpoint()) {
                any |= checkpoint;
            }
        }
        return any ? rounds : null;
    }

    private static int[] appended(int[] values, int last) {
        int[] out = Arrays.copyOf(values, values.length + 1);
        out[values.length] = last;
        return out;
    }

    private void decodeRounds(List<BranchState> states, List<int[]> runs, Rounds[] plan,
            List<List<Checkpoint>> taken, int total) {
        int rounds = 1;
        if (plan != null) {
            for (Rounds stateRounds : plan) {
                rounds = Math.max(rounds, stateRounds.ends().length);
            }
        }
        for (int round = 0; round < rounds; round++) {
            size = 0;
            for (int i = 0; i < states.size(); i++) {
                int[] run = runs.get(i);
                int from = plan == null ? 0 : plan[i].from(round);
                int to = plan == null ? run.length : plan[i].to(round);
                BranchState state = states.get(i);
                for (int t = from; t < to; t++) {
                    if (size == capacity) {
                        flush(total);
                    }
                    tokens[size] = run[t];
                    positions[size] = state.position() + t;
                    seqs[size] = state.seq();
                    logitsOwner[size] = t == run.length - 1 ? state : null;
                    size++;
                }
            }
            flush(total);
            for (int i = 0; plan != null && i < states.size(); i++) {
                if (plan[i].checkpointAfter(round)) {
                    BranchState state = states.get(i);
                    Checkpoint checkpoint = memory.checkpoint(state.seq(), state.position() + plan[i].ends()[round]);
                    if (checkpoint != null) {
                        taken.get(i).add(checkpoint);
                    }
                }
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
            if (owner == null) {
                continue;
            }
            if (owner.grammar() != null) {
                // The grammar's mask summarizes the masked row once the branch commits or prefills
                // (BranchState.constrain): a summary of the unmasked row would be thrown away.
                context.logits(i - from, owner.pendingRow());
            } else {
                // One native pass per row copies it and summarizes it (max, argmax, log-sum-exp).
                context.logits(i - from, owner.pendingRow(), summary);
                owner.pendingSummarized(summary);
            }
        }
    }

    private void rollBack(List<BranchState> states, List<int[]> runs, byte[][] snapshots,
            List<List<Checkpoint>> taken) {
        for (int i = 0; i < states.size(); i++) {
            for (Checkpoint checkpoint : taken.get(i)) {
                checkpoint.release();
            }
            if (runs.get(i).length > 0) {
                BranchState state = states.get(i);
                memory.rollBack(state.seq(), state.position(), snapshots[i]);
            }
        }
        size = 0;
    }

    void close() {
        batch.close();
    }
}
