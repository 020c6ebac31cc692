package dev.arbor.llama;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.BitSet;

/**
 * One llama.cpp context: a KV cache of {@link #nCtx()} cells shared by sequences
 * {@code 0..nSeqMax()-1}, decoded one {@link Batch} per call.
 *
 * <p>Single-threaded: one thread at a time may use a context (Arbor gives each one to a single
 * engine thread). Every misuse throws and leaves the context usable: a closed context, a batch
 * larger than {@link #nBatch()}, a sequence id outside {@code [0, nSeqMax)}, a token outside the
 * vocab, logits of an entry that did not ask for them. The model cannot be closed while this
 * context is open.
 */
@dev.arbor.annotation.PublicApi
public final class LlamaContext implements AutoCloseable {
    private final LlamaModel model;
    private final ContextParams params;
    private final int nCtx;
    private final int nBatch;
    private final int nUbatch;
    private final int nSeqMax;
    private final int nCtxSeq;
    private final ByteBuffer[] logitsViews;
    private final KvCells cells;
    private int threadsInUse;
    private long handle;

    private LlamaContext(LlamaModel model, ContextParams params, long handle) {
        this.model = model;
        this.params = params;
        this.handle = handle;
        int[] shape = LlamaNative.contextShape(handle);
        this.nCtx = shape[0];
        this.nBatch = shape[1];
        this.nUbatch = shape[2];
        this.nSeqMax = shape[3];
        this.nCtxSeq = shape[4];
        this.logitsViews = new ByteBuffer[nBatch];
        this.cells = new KvCells(nSeqMax, params.kvUnified(), model.memory().hasAttentionCells());
        this.threadsInUse = params.threads();
    }

    /**
     * Creates a context on a model.
     *
     * @throws LlamaException when llama.cpp cannot create it (for example, out of memory)
     * @throws IllegalStateException when the model is closed
     */
    public static LlamaContext create(LlamaModel model, ContextParams params) {
        LlamaLog.takeLastError();
        long handle = model.createContext(params);
        if (handle == 0) {
            String reason = LlamaLog.takeLastError();
            throw new LlamaException("llama.cpp could not create a context with " + params
                    + (reason == null ? "" : ": " + reason));
        }
        return new LlamaContext(model, params, handle);
    }

    /**
     * Decodes every entry of the batch in one {@code llama_decode}. Contexts of one model may
     * decode at the same time on different threads (llama.cpp 0.5.0 computes them exactly; the
     * concurrent-contexts test keeps it so); with {@link ThreadPolicy#ADAPTIVE} they share the
     * cores instead of each taking all of them.
     *
     * @return {@link DecodeStatus#OK}, or {@link DecodeStatus#NO_KV_SLOT} when the KV cache is full
     *     (then nothing of the batch was stored)
     * @throws LlamaException when llama.cpp rejects the batch (its reason in the message) or fails
     */
    public DecodeStatus decode(Batch batch) {
        long context = openHandle();
        batch.checkOpen();
        int n = batch.size();
        if (n == 0) {
            throw new IllegalArgumentException("batch is empty");
        }
        if (n > nBatch) {
            // llama.cpp aborts the process on a batch over n_batch.
            throw new IllegalArgumentException("batch of " + n + " entries exceeds nBatch " + nBatch);
        }
        if (batch.maxSeq() >= nSeqMax) {
            throw new IllegalArgumentException("seq id " + batch.maxSeq() + " is outside [0, " + nSeqMax + ")");
        }
        if (batch.maxToken() >= model.nVocab()) {
            throw new IllegalArgumentException("token " + batch.maxToken() + " is outside the vocab [0, "
                    + model.nVocab() + ")");
        }
        adjustThreads(context);
        LlamaLog.takeLastError();
        LlamaLog.hold();
        int status = Integer.MIN_VALUE;
        try {
            status = LlamaNative.decode(context, n, batch.tokens, batch.positions, batch.seqCounts, batch.seqIds,
                    batch.wantsLogits);
        } finally {
            LlamaLog.release(status == 1);
        }
        return outcome(status, batch);
    }

    private DecodeStatus outcome(int status, Batch batch) {
        switch (status) {
            case 0:
                cells.decoded(batch);
                return DecodeStatus.OK;
            case 1:
                return DecodeStatus.NO_KV_SLOT;
            case -1: {
                String reason = LlamaLog.takeLastError();
                throw new LlamaException("llama.cpp rejected a batch of " + batch.size() + " entries"
                        + (reason == null ? "" : ": " + reason));
            }
            default: {
                String reason = LlamaLog.takeLastError();
                throw new LlamaException("llama_decode failed with status " + status + " (batch of " + batch.size()
                        + ")" + (reason == null ? "" : ": " + reason));
            }
        }
    }

    private void adjustThreads(long context) {
        if (params.threadPolicy() != ThreadPolicy.ADAPTIVE) {
            return;
        }
        int threads = CpuShare.shared().threadsFor(this, params.threads(), System.nanoTime());
        if (threads != threadsInUse) {
            LlamaNative.setThreads(context, threads);
            threadsInUse = threads;
        }
    }

    /** Copies the logits row of batch entry {@code batchIndex} of the last decode into {@code dst} (nVocab floats). */
    public void logits(int batchIndex, float[] dst) {
        LlamaNative.logitsCopy(openHandle(), batchIndex, dst);
    }

    /**
     * Copies the row like {@link #logits(int, float[])} and summarizes it into {@code summary} (max,
     * first argmax, log-sum-exp) in the same native call, over llama.cpp's own buffer: the one pass
     * over the row every branch needs, without a second pass in Java.
     */
    @dev.arbor.annotation.Internal
    public void logits(int batchIndex, float[] dst, RowSummary summary) {
        LlamaNative.logitsCopySummarized(openHandle(), batchIndex, dst, summary.values);
    }

    /** A fresh array with the logits row of batch entry {@code batchIndex} of the last decode. */
    public float[] logits(int batchIndex) {
        float[] row = new float[model.nVocab()];
        logits(batchIndex, row);
        return row;
    }

    /**
     * A read-only view of the logits row of batch entry {@code batchIndex}, valid until the next
     * decode. The view is backed by a context-owned direct buffer (one per batch index, reused) that
     * the row is copied into with one memcpy; it never points into llama.cpp's memory, so a stale
     * view can show old numbers but can never crash the JVM.
     */
    public FloatBuffer logitsView(int batchIndex) {
        long context = openHandle();
        if (batchIndex < 0 || batchIndex >= nBatch) {
            throw new IllegalArgumentException("batch index " + batchIndex + " outside [0, " + nBatch + ")");
        }
        ByteBuffer buffer = logitsViews[batchIndex];
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(model.nVocab() * Float.BYTES).order(ByteOrder.nativeOrder());
            logitsViews[batchIndex] = buffer;
        }
        LlamaNative.logitsCopyDirect(context, batchIndex, buffer);
        return buffer.asFloatBuffer().asReadOnlyBuffer();
    }

    /**
     * Removes the cells of {@code seq} at positions {@code [p0, p1)}; -1 means an open end, and
     * seq -1 means every sequence.
     *
     * @return false when llama.cpp refused (only partial removal on recurrent models)
     */
    public boolean seqRemove(int seq, int p0, int p1) {
        long context = openHandle();
        boolean removed = LlamaNative.seqRemove(context, seq, p0, p1);
        if (removed) {
            cells.removed(seq, p0, p1);
        }
        return removed;
    }

    /**
     * Makes {@code dst} see the cells of {@code src} at {@code [p0, p1)}: with one unified KV
     * buffer a tag, not a tensor copy. With per-sequence streams ({@link ContextParams#kvUnified()}
     * false) the whole stream is copied at the next decode, and only whole sequences can be copied.
     *
     * @throws IllegalArgumentException for a partial copy between per-sequence streams (llama.cpp
     *     would abort the process)
     */
    public void seqCopy(int src, int dst, int p0, int p1) {
        long context = openHandle();
        if (!params.kvUnified() && src != dst && (p0 > 0 || p1 >= 0)) {
            throw new IllegalArgumentException("with per-sequence KV streams only a whole sequence can be copied "
                    + "(p0 -1 or 0, p1 -1), not [" + p0 + ", " + p1 + ")");
        }
        LlamaNative.seqCopy(context, src, dst, p0, p1);
        cells.copied(src, dst, p0, p1);
    }

    /** Removes every cell that does not belong to {@code seq}. */
    public void seqKeep(int seq) {
        long context = openHandle();
        if (params.kvUnified()) {
            LlamaNative.seqKeep(context, seq);
        } else {
            // llama.cpp's seq_keep only clears the stream of seq itself, not the other streams.
            if (seq < 0 || seq >= nSeqMax) {
                throw new IllegalArgumentException("seq id " + seq + " is outside [0, " + nSeqMax + ")");
            }
            for (int other = 0; other < nSeqMax; other++) {
                if (other != seq) {
                    LlamaNative.seqRemove(context, other, -1, -1);
                }
            }
        }
        cells.kept(seq);
    }

    /**
     * The lowest and highest position of {@code seq}'s cells, as {@code {min, max}};
     * {@code {-1, -1}} when it has none.
     */
    public int[] seqPositions(int seq) {
        return LlamaNative.seqPositions(openHandle(), seq);
    }

    /**
     * KV cells holding at least one sequence. llama.cpp 0.5.0 has no call for this: the count is
     * Arbor's own ledger of every decode, copy and removal made through this context.
     */
    public int kvUsedCells() {
        openHandle();
        return cells.used();
    }

    /** Cells sequence {@code seq} sees (shared cells count for every sequence that sees them). */
    public int kvCellsOf(int seq) {
        openHandle();
        if (seq < 0 || seq >= nSeqMax) {
            throw new IllegalArgumentException("seq id " + seq + " is outside [0, " + nSeqMax + ")");
        }
        return cells.cellsOf(seq);
    }

    /**
     * Cells that no sequence outside {@code seqs} sees: what removing all of {@code seqs} would free.
     * From the same ledger as {@link #kvUsedCells()}; O(cells of those sequences).
     */
    public int kvCellsSeenOnlyBy(BitSet seqs) {
        openHandle();
        if (seqs.length() > nSeqMax) {
            throw new IllegalArgumentException("seq id " + (seqs.length() - 1) + " is outside [0, " + nSeqMax + ")");
        }
        return cells.seenOnlyBy(seqs);
    }

    /** Empties the whole KV cache. */
    public void kvClear() {
        LlamaNative.kvClear(openHandle());
        cells.cleared();
    }

    /**
     * The KV state of one sequence, to be restored into this or another context of the same model;
     * {@code seq} -1 gives the whole cache's cells in llama.cpp's format (for inspection).
     */
    public byte[] stateSave(int seq) {
        return LlamaNative.stateSave(openHandle(), seq, 0);
    }

    /**
     * Bytes of a sequence's saved state, or of the whole cache's for {@code seq} -1: what
     * {@code llama_state_seq_get_size} reports (its format is fixed per version; tests use it to
     * check {@link #kvUsedCells()} against llama.cpp's own view).
     */
    public long stateSize(int seq) {
        return LlamaNative.stateSize(openHandle(), seq, 0);
    }

    /**
     * Replaces the cells of {@code seq} with a saved state (cells are copied).
     *
     * @throws LlamaException when the state does not fit or is not a state of this model
     */
    public void stateRestore(byte[] state, int seq) {
        long context = openHandle();
        LlamaNative.stateRestore(context, state, seq, 0);
        int[] range = LlamaNative.seqPositions(context, seq);
        // Arbor's ledger counts attention cells per position. A dense cache reports their range; with a
        // window or a recurrent state the reported minimum is not the attention cells' (they start at 0).
        int first = model.memory().kind() == MemoryKind.DENSE || range[1] < 0 ? range[0] : 0;
        cells.restored(seq, first, range[1]);
    }

    /**
     * The part of a sequence's state that later decodes overwrite: its sliding-window cells and its
     * recurrent state, not the full-attention cells (a checkpoint: the full-attention cells of the
     * same positions are shared by tags). Empty for a dense model.
     */
    public byte[] partialStateSave(int seq) {
        return LlamaNative.stateSave(openHandle(), seq, LlamaNative.STATE_PARTIAL);
    }

    /** Bytes {@link #partialStateSave} would return for {@code seq} now. */
    public long partialStateSize(int seq) {
        return LlamaNative.stateSize(openHandle(), seq, LlamaNative.STATE_PARTIAL);
    }

    /**
     * Replaces the sliding-window cells and recurrent state of {@code seq} with a saved partial
     * state; its full-attention cells are untouched.
     *
     * @throws LlamaException when the state does not fit or is not a partial state of this model
     */
    public void partialStateRestore(byte[] state, int seq) {
        LlamaNative.stateRestore(openHandle(), state, seq, LlamaNative.STATE_PARTIAL);
    }

    /** Total nanoseconds spent inside {@code llama_decode} by this context. */
    public long decodeNanos() {
        return LlamaNative.decodeTimings(openHandle())[0];
    }

    /** Number of {@code llama_decode} calls made by this context. */
    public long decodeCalls() {
        return LlamaNative.decodeTimings(openHandle())[1];
    }

    public int nCtx() {
        return nCtx;
    }

    public int nBatch() {
        return nBatch;
    }

    public int nUbatch() {
        return nUbatch;
    }

    public int nSeqMax() {
        return nSeqMax;
    }

    /** Cells one sequence can hold: {@link #nCtx()} with a unified KV buffer, its stream's size otherwise. */
    @Deprecated(forRemoval = true) // nothing calls it (issue 19.5): it goes once the per-step work here has landed
    public int nCtxSeq() {
        return nCtxSeq;
    }

    /** Threads the last decode used (below {@link ContextParams#threads()} while the cores are shared). */
    @Deprecated(forRemoval = true) // nothing calls it (issue 19.5): it goes once the per-step work here has landed
    public int threadsInUse() {
        return threadsInUse;
    }

    public LlamaModel model() {
        return model;
    }

    public ContextParams params() {
        return params;
    }

    public boolean isClosed() {
        return handle == 0;
    }

    /** Frees the context and its KV cache. Idempotent. */
    @Override
    public void close() {
        if (handle == 0) {
            return;
        }
        long context = handle;
        handle = 0;
        CpuShare.shared().forget(this);
        LlamaNative.contextFree(context);
        model.contextClosed();
    }

    @Override
    public String toString() {
        return "LlamaContext[nCtx=" + nCtx + ", nBatch=" + nBatch + ", nSeqMax=" + nSeqMax
                + (isClosed() ? ", closed" : "") + "]";
    }

    long openHandle() {
        if (handle == 0) {
            throw new IllegalStateException("context is closed");
        }
        return handle;
    }
}
