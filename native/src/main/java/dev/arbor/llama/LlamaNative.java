package dev.arbor.llama;

import java.nio.ByteBuffer;

/**
 * The JNI entry points of {@code libarbor_jni.so}, one per C function, with no logic of their own.
 *
 * <p>Handles are opaque pointers owned by {@link LlamaModel} and {@link LlamaContext}; a closed
 * object passes {@code 0}, which the shim rejects with an exception. Text crosses as UTF-8 bytes
 * so that invalid sequences never reach JNI's modified-UTF-8 string functions. Every method may
 * throw {@link IllegalArgumentException}, {@link IllegalStateException} or {@link LlamaException}
 * from native code.
 */
final class LlamaNative {
    private LlamaNative() {}

    static native void init(byte[] llamaLibraryPath, int logLevel);

    static native void setLogLevel(int logLevel);

    static native byte[] systemInfo();

    static native boolean supportsGpuOffload();

    /** Returns 0 when llama.cpp could not load the file (the reason went to the log). */
    static native long modelLoad(byte[] path, int nGpuLayers, boolean useMmap);

    static native void modelFree(long model);

    /** nVocab, bos, eos, nCtxTrain, nEmbd. */
    static native int[] modelShape(long model);

    static native long modelParameterCount(long model);

    static native byte[] modelDescription(long model);

    static native boolean[] endOfGenerationFlags(long model);

    static native int[] tokenize(long model, byte[] text, boolean addSpecial, boolean parseSpecial);

    static native byte[] tokenPiece(long model, int token, boolean special);

    static native byte[] detokenize(long model, int[] tokens, boolean removeSpecial);

    /** Returns 0 when llama.cpp could not create the context (the reason went to the log). */
    static native long contextCreate(long model, int nCtx, int nBatch, int nUbatch, int nSeqMax, int threads,
            float defragThreshold, boolean flashAttention);

    static native void contextFree(long context);

    /** nCtx, nBatch, nUbatch, nSeqMax as llama.cpp settled them. */
    static native int[] contextShape(long context);

    /** Returns llama_decode's status: 0 ok, 1 no KV slot, anything else an error. */
    static native int decode(
            long context, int n, int[] tokens, int[] positions, int[] seqCounts, int[] seqIds, byte[] wantsLogits);

    static native void logitsCopy(long context, int batchIndex, float[] dst);

    static native void logitsCopyDirect(long context, int batchIndex, ByteBuffer dst);

    /** Nanoseconds spent inside llama_decode and the number of llama_decode calls. */
    static native long[] decodeTimings(long context);

    static native boolean seqRemove(long context, int seq, int p0, int p1);

    static native void seqCopy(long context, int src, int dst, int p0, int p1);

    static native void seqKeep(long context, int seq);

    static native int kvUsedCells(long context);

    static native void kvClear(long context);

    static native void kvDefragment(long context);

    static native byte[] stateSave(long context, int seq);

    static native void stateRestore(long context, byte[] state, int seq);
}
