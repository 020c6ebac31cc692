package dev.arbor.llama;

/**
 * How much memory a context's KV cache takes for a model: what sizing a TaskManager starts from.
 *
 * <p>Every cell holds one token's keys and values for every layer, in F16 (llama.cpp's default
 * cache type, the one Arbor's contexts use): {@code n_layer x kv_heads x (key_length +
 * value_length) x 2} bytes. A context allocates all of its {@code n-ctx} cells when it is
 * created, whatever it then uses, so that is its cost from the start; the weights come on top,
 * once per model per TaskManager.
 */
public final class KvSize {
    private static final int F16_BYTES = 2;

    private KvSize() {}

    /** Bytes one KV cell (one token of one sequence) takes in an F16 cache of {@code model}. */
    public static long bytesPerCell(LlamaModel model) {
        String arch = model.metadata("general.architecture").orElse("llama");
        int heads = intValue(model, arch + ".attention.head_count", 1);
        int kvHeads = intValue(model, arch + ".attention.head_count_kv", heads);
        int headSize = model.nEmbd() / Math.max(1, heads);
        int keyLength = intValue(model, arch + ".attention.key_length", headSize);
        int valueLength = intValue(model, arch + ".attention.value_length", headSize);
        return (long) model.nLayer() * kvHeads * (keyLength + valueLength) * F16_BYTES;
    }

    /** Bytes of the KV cache of a context of {@code nCtx} cells. */
    public static long bytesFor(LlamaModel model, int nCtx) {
        return bytesPerCell(model) * nCtx;
    }

    private static int intValue(LlamaModel model, String key, int absent) {
        return model.metadata(key).map(value -> {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                return absent; // an array (one value per layer): the head size rule still holds
            }
        }).orElse(absent);
    }
}
