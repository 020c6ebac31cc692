package dev.arbor.llama;

/**
 * A reusable list of decode entries (token, position, sequence ids, wants-logits), filled in Java
 * and handed to llama.cpp in one JNI call by {@link LlamaContext#decode(Batch)}.
 *
 * <p>Invariants: {@code size() <= capacity()}; every entry has 1..{@code maxSeqsPerEntry()}
 * non-negative sequence ids and a non-negative token and position. Range checks against a
 * particular context (vocab, {@code nSeqMax}, {@code nBatch}) happen at decode time. The batch
 * index of an entry is the order it was added in; it is how its logits are read back. Not
 * thread-safe. Closing only marks it unusable (it holds no native memory).
 */
@dev.arbor.annotation.PublicApi
public final class Batch implements AutoCloseable {
    private final int capacity;
    private final int maxSeqsPerEntry;
    final int[] tokens;
    final int[] positions;
    final int[] seqCounts;
    final int[] seqIds;
    final byte[] wantsLogits;
    private int size;
    private int seqIdsUsed;
    private int maxToken = -1;
    private int maxSeq = -1;
    private boolean closed;

    /** A batch whose entries each belong to one sequence. */
    public Batch(int capacity) {
        this(capacity, 1);
    }

    /** A batch whose entries may each belong to up to {@code maxSeqsPerEntry} sequences (a shared prefix). */
    public Batch(int capacity, int maxSeqsPerEntry) {
        if (capacity <= 0 || maxSeqsPerEntry <= 0) {
            throw new IllegalArgumentException("capacity and maxSeqsPerEntry must be > 0, were "
                    + capacity + " and " + maxSeqsPerEntry);
        }
        this.capacity = capacity;
        this.maxSeqsPerEntry = maxSeqsPerEntry;
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.seqCounts = new int[capacity];
        this.seqIds = new int[Math.multiplyExact(capacity, maxSeqsPerEntry)];
        this.wantsLogits = new byte[capacity];
    }

    /**
     * Appends an entry for one sequence.
     *
     * @return its batch index
     * @throws IllegalStateException when the batch is full or closed
     */
    public int add(int token, int position, int seq, boolean logits) {
        checkEntry(token, position, 1);
        checkSeq(seq);
        seqIds[seqIdsUsed++] = seq;
        return append(token, position, 1, seq, logits);
    }

    /** Appends an entry shared by several sequences (all of them see the token at {@code position}). */
    public int add(int token, int position, int[] seqs, boolean logits) {
        checkEntry(token, position, seqs.length);
        int highest = -1;
        for (int seq : seqs) {
            checkSeq(seq);
            highest = Math.max(highest, seq);
        }
        System.arraycopy(seqs, 0, seqIds, seqIdsUsed, seqs.length);
        seqIdsUsed += seqs.length;
        return append(token, position, seqs.length, highest, logits);
    }

    private int append(int token, int position, int seqCount, int highestSeq, boolean logits) {
        int index = size++;
        tokens[index] = token;
        positions[index] = position;
        seqCounts[index] = seqCount;
        wantsLogits[index] = (byte) (logits ? 1 : 0);
        maxToken = Math.max(maxToken, token);
        maxSeq = Math.max(maxSeq, highestSeq);
        return index;
    }

    private void checkEntry(int token, int position, int seqCount) {
        checkOpen();
        if (size == capacity) {
            throw new IllegalStateException("batch is full (capacity " + capacity + ")");
        }
        if (token < 0) {
            throw new IllegalArgumentException("token must be >= 0, was " + token);
        }
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, was " + position);
        }
        if (seqCount < 1 || seqCount > maxSeqsPerEntry) {
            throw new IllegalArgumentException("an entry needs 1.." + maxSeqsPerEntry + " seq ids, got " + seqCount);
        }
    }

    private static void checkSeq(int seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq id must be >= 0, was " + seq);
        }
    }

    /** Empties the batch for reuse. */
    public void clear() {
        checkOpen();
        size = 0;
        seqIdsUsed = 0;
        maxToken = -1;
        maxSeq = -1;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public int maxSeqsPerEntry() {
        return maxSeqsPerEntry;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int token(int index) {
        checkIndex(index);
        return tokens[index];
    }

    public int position(int index) {
        checkIndex(index);
        return positions[index];
    }

    @Deprecated(forRemoval = true) // nothing calls it (issue 19.5): it goes once the per-step work here has landed
    public boolean wantsLogits(int index) {
        checkIndex(index);
        return wantsLogits[index] != 0;
    }

    /** Highest token id in the batch, -1 when empty (checked against the vocab at decode). */
    int maxToken() {
        return maxToken;
    }

    /** Highest sequence id in the batch, -1 when empty (checked against nSeqMax at decode). */
    int maxSeq() {
        return maxSeq;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("batch is closed");
        }
    }

    private void checkIndex(int index) {
        checkOpen();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("batch index " + index + " outside [0, " + size + ")");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
