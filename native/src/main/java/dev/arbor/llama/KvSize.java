package dev.arbor.llama;

/**
 * How much memory a context's KV cache takes for a model: what sizing a TaskManager starts from.
 *
 * <p>A token of a sequence holds its keys and values in every attention layer (in F16, llama.cpp's
 * default cache type, the one Arbor's contexts use); what that takes is measured from llama.cpp's
 * own saved states ({@link MemorySizing}), so per-layer head counts, layers without attention and
 * window layers are all counted as llama.cpp lays them out. A context allocates all of its
 * {@code n-ctx} cells when it is created, whatever it then uses; the weights come on top, once per
 * model per TaskManager. For recurrent states and window caches see {@link MemorySizing}.
 */
@dev.arbor.annotation.Internal
public final class KvSize {
    private KvSize() {}

    /** Bytes one token of one sequence takes in the attention layers of {@code model} (0 for a recurrent model). */
    public static long bytesPerCell(LlamaModel model) {
        return MemorySizing.measure(model).bytesPerToken();
    }

    /** Bytes of the KV cells of a context of {@code nCtx} cells, counting every layer's (see {@link MemorySizing#contextBytes}). */
    public static long bytesFor(LlamaModel model, int nCtx) {
        return bytesPerCell(model) * nCtx;
    }
}
