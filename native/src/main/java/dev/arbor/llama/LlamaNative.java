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

    /** Opens llama.cpp, checks its version and loads the ggml backends found in {@code backendDir}. */
    static native void init(byte[] llamaLibraryPath, byte[] backendDir, int logLevel);

    static native byte[] systemInfo();

    static native boolean supportsGpuOffload();

    /** llama_version(), ggml_version() and ggml_commit(), one per line. */
    static native byte[] versions();

    /** One line per device ("name, description, type, free bytes, total bytes", tab-separated), then "reg\tNAME" per registry. */
    static native byte[] backends();

    /** The empty string when dlopen can load the library, else dlerror's reason. */
    static native byte[] probeLibrary(byte[] path);

    /** Returns 0 when llama.cpp could not load the file (the reason went to the log). */
    static native long modelLoad(byte[] path, int nGpuLayers, int loadMode);

    static native void modelFree(long model);

    /** nVocab, bos, eos, nCtxTrain, nEmbd, nLayer, addBos (1 or 0). */
    static native int[] modelShape(long model);

    /** recurrent, hybrid, diffusion (1 or 0) and n_swa. */
    static native int[] modelMemory(long model);

    static native long modelParameterCount(long model);

    static native long modelSizeBytes(long model);

    /** A GGUF metadata value rendered as text, or null when the model has no such key. */
    static native byte[] modelMetadata(long model, byte[] key);

    static native byte[] modelDescription(long model);

    static native boolean[] endOfGenerationFlags(long model);

    static native int[] tokenize(long model, byte[] text, boolean addSpecial, boolean parseSpecial);

    static native byte[] tokenPiece(long model, int token, boolean special);

    static native byte[] detokenize(long model, int[] tokens, boolean removeSpecial);

    /** The model's chat template (the named one, or the default for null), or null when it has none. */
    static native byte[] modelChatTemplate(long model, byte[] name);

    /** Renders messages with a built-in template name or a template text; throws LlamaException when unsupported. */
    static native byte[] chatApplyTemplate(byte[] template, byte[][] roles, byte[][] contents, boolean addAssistant);

    /** llama.cpp's built-in template names, one per line. */
    static native byte[] chatBuiltinTemplates();

    /** Parses GBNF for the model's vocab; 0 when llama.cpp rejects it (the reason went to the log). */
    static native long grammarInit(long model, byte[] grammar, byte[] root);

    static native long grammarClone(long grammar);

    static native void grammarFree(long grammar);

    /** Sets the logits of disallowed tokens to -inf; returns how many stay allowed. */
    static native int grammarMask(long grammar, float[] logits);

    /**
     * Sets bit t of {@code bits} for every token t the grammar allows next; returns how many. With
     * {@code firstByteFilter} (no partial UTF-8 character is pending) tokens whose ASCII first byte
     * the state refuses are ruled out before llama.cpp checks the rest.
     */
    static native int grammarAllowed(long grammar, long[] bits, boolean firstByteFilter);

    /** {@code allowed[i]}: whether the grammar allows {@code tokens[i]} next. */
    static native void grammarCheck(long grammar, int[] tokens, boolean[] allowed);

    static native boolean grammarAllows(long grammar, int token);

    /** Advances the state; throws IllegalArgumentException for a token the grammar does not allow. */
    static native void grammarAccept(long grammar, int token);

    /** Returns 0 when llama.cpp could not create the context (the reason went to the log). */
    static native long contextCreate(long model, int nCtx, int nBatch, int nUbatch, int nSeqMax, int threads,
            int flashAttention, boolean kvUnified, boolean swaFull, int poll);

    static native void contextFree(long context);

    /** nCtx, nBatch, nUbatch, nSeqMax, nCtxSeq as llama.cpp settled them. */
    static native int[] contextShape(long context);

    /** Returns llama_decode's status: 0 ok, 1 no KV slot, 2 aborted, -1 invalid batch, below -1 a fatal error. */
    static native int decode(
            long context, int n, int[] tokens, int[] positions, int[] seqCounts, int[] seqIds, byte[] wantsLogits);

    static native void logitsCopy(long context, int batchIndex, float[] dst);

    static native void logitsCopyDirect(long context, int batchIndex, ByteBuffer dst);

    /** As logitsCopy, and {@code summary} receives the row's max, first argmax and log-sum-exp. */
    static native void logitsCopySummarized(long context, int batchIndex, float[] dst, double[] summary);

    /** {@code summary} receives the row's max, first argmax and log-sum-exp. */
    static native void rowSummarize(float[] row, double[] summary);

    /** The k largest entries' indices, largest first, ties to the lower index; returns how many. */
    static native int rowTopK(float[] row, int k, boolean skipBanned, int[] ids);

    /** Nanoseconds spent inside llama_decode and the number of llama_decode calls. */
    static native long[] decodeTimings(long context);

    static native boolean seqRemove(long context, int seq, int p0, int p1);

    static native void seqCopy(long context, int src, int dst, int p0, int p1);

    static native void seqKeep(long context, int seq);

    /** The lowest and highest position of a sequence's cells, {-1, -1} when it has none. */
    static native int[] seqPositions(long context, int seq);

    static native void kvClear(long context);

    static native void setThreads(long context, int threads);

    /** llama.cpp's LLAMA_STATE_SEQ_FLAGS_PARTIAL_ONLY: only the sliding-window and recurrent parts of a state. */
    static final int STATE_PARTIAL = 1;

    /** Bytes of a sequence's state (seq -1: the whole cache's); flags 0 or {@link #STATE_PARTIAL}. */
    static native long stateSize(long context, int seq, int flags);

    static native byte[] stateSave(long context, int seq, int flags);

    static native void stateRestore(long context, byte[] state, int seq, int flags);
}
