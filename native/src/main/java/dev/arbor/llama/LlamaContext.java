package dev.arbor.llama;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.locks.ReentrantLock;

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
public final class LlamaContext implements AutoCloseable {
    /** System property that enables {@link #defragment()} (off by default, see there). */
    public static final String ALLOW_DEFRAG_PROPERTY = "arbor.llama.allowDefrag";

    /** System property that lets contexts decode at the same time (off by default, see {@link #decode}). */
    public static final String CONCURRENT_DECODES_PROPERTY = "arbor.llama.concurrentDecodes";

    /*
     * llama.cpp b4916's CPU matrix multiply (tinyBLAS) keeps its work-sharing counter in a
     * function-level static, so two graphs computing at the same time anywhere in the process take
     * each other's chunks and produce wrong logits; two contexts decoding on two threads showed
     * logits off by up to 9 in about one decode in ten, in Java and in plain C alike, even with one
     * thread each and two separately loaded models. Decodes are therefore serialized per loaded
     * library (this class loader). Each decode still uses all of its context's threads.
     */
    private static final boolean SERIALIZE_DECODES = !Boolean.getBoolean(CONCURRENT_DECODES_PROPERTY);
    private static final ReentrantLock DECODE_LOCK = new ReentrantLock(true);

    private final LlamaModel model;
    private final ContextParams params;
    private final int nCtx;
    private final int nBatch;
    private final int nUbatch;
    private final int nSeqMax;
    private final ByteBuffer[] logitsViews;
    private long handle;

    private LlamaContext(LlamaModel model, ContextParams params, long handle) {
        this.model = model;
        this.params = params;
        this.handle = handle;
        int[] shape = LlamaNative.contextShape(handle);
        this.nCtx = shape[0];
        // llama.cpp raises n_batch to at least 64 but keeps n_ubatch; honouring the requested
        // size keeps every batch inside one micro-batch, so a failed decode leaves nothing behind.
        this.nBatch = Math.min(shape[1], params.nBatch());
        this.nUbatch = shape[2];
        this.nSeqMax = shape[3];
        this.logitsViews = new ByteBuffer[nBatch];
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
     * Decodes every entry of the batch in one {@code llama_decode}.
     *
     * <p>Decodes of all contexts in this JVM (per class loader) take turns: llama.cpp b4916 gives
     * wrong results when two decode at once (see the note in the source). Set the system property
     * {@value #CONCURRENT_DECODES_PROPERTY} to {@code true} only for a llama.cpp build without
     * that flaw.
     *
     * @return {@link DecodeStatus#OK}, or {@link DecodeStatus#NO_KV_SLOT} when the KV cache is full
     * @throws LlamaException on any other llama.cpp failure
     */
    public DecodeStatus decode(Batch batch) {
        long context = openHandle();
        batch.checkOpen();
        int n = batch.size();
        if (n == 0) {
            throw new IllegalArgumentException("batch is empty");
        }
        if (n > nBatch) {
            throw new IllegalArgumentException("batch of " + n + " entries exceeds nBatch " + nBatch);
        }
        if (batch.maxSeq() >= nSeqMax) {
            throw new IllegalArgumentException("seq id " + batch.maxSeq() + " is outside [0, " + nSeqMax + ")");
        }
        if (batch.maxToken() >= model.nVocab()) {
            throw new IllegalArgumentException("token " + batch.maxToken() + " is outside the vocab [0, "
                    + model.nVocab() + ")");
        }
        int status;
        if (SERIALIZE_DECODES) {
            DECODE_LOCK.lock();
            try {
                status = LlamaNative.decode(context, n, batch.tokens, batch.positions, batch.seqCounts, batch.seqIds,
                        batch.wantsLogits);
            } finally {
                DECODE_LOCK.unlock();
            }
        } else {
            status = LlamaNative.decode(context, n, batch.tokens, batch.positions, batch.seqCounts, batch.seqIds,
                    batch.wantsLogits);
        }
        switch (status) {
            case 0:
                return DecodeStatus.OK;
            case 1:
                return DecodeStatus.NO_KV_SLOT;
            default:
                throw new LlamaException("llama_decode failed with status " + status + " (batch of " + n + ")");
        }
    }

    /** Copies the logits row of batch entry {@code batchIndex} of the last decode into {@code dst} (nVocab floats). */
    public void logits(int batchIndex, float[] dst) {
        LlamaNative.logitsCopy(openHandle(), batchIndex, dst);
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
     * Removes the cells of {@code seq} at positions {@code [p0, p1)}; -1 means an open end.
     *
     * @return false when llama.cpp refused (only partial removal on recurrent models)
     */
    public boolean seqRemove(int seq, int p0, int p1) {
        return LlamaNative.seqRemove(openHandle(), seq, p0, p1);
    }

    /** Makes {@code dst} share the cells of {@code src} at {@code [p0, p1)}: a tag, not a tensor copy. */
    public void seqCopy(int src, int dst, int p0, int p1) {
        LlamaNative.seqCopy(openHandle(), src, dst, p0, p1);
    }

    /** Removes every cell that does not belong to {@code seq}. */
    public void seqKeep(int seq) {
        LlamaNative.seqKeep(openHandle(), seq);
    }

    /** KV cells holding at least one sequence. */
    public int kvUsedCells() {
        return LlamaNative.kvUsedCells(openHandle());
    }

    /** Empties the whole KV cache. */
    public void kvClear() {
        LlamaNative.kvClear(openHandle());
    }

    /**
     * Compacts the KV cache now, so that free cells form one run.
     *
     * <p>llama.cpp b4916's defragmentation can abort the whole process (a {@code GGML_ASSERT} in
     * {@code ggml_view} while building the defrag graph; Arbor's random-walk test of the branch
     * store hit it on a nearly full cache). A library must not take the JVM down, so this refuses
     * unless the system property {@value #ALLOW_DEFRAG_PROPERTY} is {@code true}, for llama.cpp
     * builds known to be fixed. Arbor itself never needs it: the branch store splits a refused
     * batch instead, which finds scattered free cells without moving any.
     *
     * @throws UnsupportedOperationException unless enabled as above
     */
    public void defragment() {
        long context = openHandle();
        if (!Boolean.getBoolean(ALLOW_DEFRAG_PROPERTY)) {
            throw new UnsupportedOperationException("KV defragmentation is disabled: llama.cpp b4916 can abort the "
                    + "process while defragmenting. Set -D" + ALLOW_DEFRAG_PROPERTY + "=true only with a llama.cpp "
                    + "build where this is fixed; split batches instead to use scattered free cells.");
        }
        LlamaNative.kvDefragment(context);
    }

    /** The KV state of one sequence, to be restored into this or another context of the same model. */
    public byte[] stateSave(int seq) {
        return LlamaNative.stateSave(openHandle(), seq);
    }

    /**
     * Replaces the cells of {@code seq} with a saved state (cells are copied).
     *
     * @throws LlamaException when the state does not fit or is not a state of this model
     */
    public void stateRestore(byte[] state, int seq) {
        LlamaNative.stateRestore(openHandle(), state, seq);
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
        LlamaNative.contextFree(context);
        model.contextClosed();
    }

    @Override
    public String toString() {
        return "LlamaContext[nCtx=" + nCtx + ", nBatch=" + nBatch + ", nSeqMax=" + nSeqMax
                + (isClosed() ? ", closed" : "") + "]";
    }

    private long openHandle() {
        if (handle == 0) {
            throw new IllegalStateException("context is closed");
        }
        return handle;
    }
}
