package dev.arbor.bench;

import dev.arbor.llama.ContextParams;
import dev.arbor.llama.FlashAttention;
import dev.arbor.llama.ThreadPolicy;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import dev.arbor.llama.gguf.SyntheticModels;
import java.nio.file.Path;

/** Models and settings shared by the benchmarks. */
final class BenchModels {
    static final long SEED = 7;

    private BenchModels() {}

    /** System property: a GGUF file every benchmark runs on instead of a synthetic model. */
    static final String MODEL_PROPERTY = "arbor.bench.model";
    /** System property: a vocabulary size; the benchmarks then run on a qwen3 model with that many tokens. */
    static final String VOCAB_PROPERTY = "arbor.bench.vocab";
    /** System property: the layers of that model's body (default: the size's own). */
    static final String LAYERS_PROPERTY = "arbor.bench.layers";
    /** System property: the synthetic body (TINY or SMALL) every benchmark runs on, whatever its own size. */
    static final String BODY_PROPERTY = "arbor.bench.body";

    /**
     * The model a benchmark of the named size runs on: the file named by {@value #MODEL_PROPERTY};
     * else, with {@value #VOCAB_PROPERTY} set, the synthetic qwen3 model of that size's body
     * ({@value #LAYERS_PROPERTY} layers if given) with a vocabulary of that many tokens (e.g. 151,936,
     * Qwen3's); else the synthetic F32 llama model of that size (600 tokens). Synthetic models come
     * from the shared model cache, written on first use; {@value #BODY_PROPERTY} replaces the size
     * (e.g. TINY: a cheap decode, as on a GPU).
     */
    static Path file(String size) {
        String model = System.getProperty(MODEL_PROPERTY);
        if (model != null && !model.isBlank()) {
            return Path.of(model);
        }
        SyntheticModel.Size body = SyntheticModel.Size.valueOf(System.getProperty(BODY_PROPERTY, size));
        int vocab = Integer.getInteger(VOCAB_PROPERTY, 0);
        if (vocab > 0) {
            SyntheticQwen3Model.Shape shape = SyntheticQwen3Model.Shape.of(body);
            int layers = Integer.getInteger(LAYERS_PROPERTY, shape.nLayer());
            return SyntheticModels.cachedQwen3(new SyntheticQwen3Model.Shape(shape.nEmbd(), layers, shape.nHead(),
                    shape.nHeadKv(), shape.headDim(), shape.nFf(), shape.contextLength()), vocab,
                    SyntheticModel.Precision.F32, SEED);
        }
        return SyntheticModels.cached(body, SyntheticModel.Precision.F32, SEED);
    }

    /** What {@link #file} runs on, for the printed results: a path, or the synthetic body and vocabulary. */
    static String describe() {
        String model = System.getProperty(MODEL_PROPERTY);
        if (model != null && !model.isBlank()) {
            return "model " + model;
        }
        int vocab = Integer.getInteger(VOCAB_PROPERTY, 0);
        String body = System.getProperty(BODY_PROPERTY) == null ? "" : ", " + System.getProperty(BODY_PROPERTY)
                + " body";
        return (vocab > 0 ? "synthetic qwen3, " + vocab + " tokens" + (System.getProperty(LAYERS_PROPERTY) == null ? ""
                : ", " + System.getProperty(LAYERS_PROPERTY) + " layers") : "synthetic llama, 600 tokens") + body;
    }

    /**
     * The synthetic F32 model of an architecture ({@code LLAMA}, {@code QWEN35}, {@code GEMMA3}, ...:
     * every memory kind) and size, from the shared model cache; LLAMA is {@link #file(String)}'s (so
     * {@code --vocab} and {@code --model} apply to it).
     */
    static Path file(String arch, String size) {
        if ("LLAMA".equals(arch)) {
            return file(size);
        }
        return SyntheticModels.cached(SyntheticArchitecture.valueOf(arch), SyntheticModel.Size.valueOf(size),
                SyntheticModel.Precision.F32, SEED);
    }

    /** A prompt of exactly {@code length} tokens (BOS, then ordinary words repeated). */
    static int[] prompt(dev.arbor.llama.LlamaModel model, int length) {
        int[] words = model.tokenize("once upon a time there was a king who lived in a big house by the sea and "
                + "every day he went to the water with his old dog", true, false);
        int[] prompt = new int[length];
        prompt[0] = words[0];
        for (int i = 1; i < length; i++) {
            prompt[i] = words[1 + (i - 1) % (words.length - 1)];
        }
        return prompt;
    }

    /** Decode threads: {@code -Darbor.bench.threads}, default 2 (the figures in the issues use 2). */
    static int threads() {
        return Integer.getInteger("arbor.bench.threads", 2);
    }

    /**
     * Context settings every benchmark starts from: {@link #threads()} threads, always all of them
     * ({@link ThreadPolicy#FIXED}, so that both variants of a comparison run the same way;
     * {@code -Darbor.bench.threadPolicy=ADAPTIVE} to change it), flash attention
     * {@code -Darbor.bench.flashAttention} (default OFF), the thread pool's polling level
     * {@code -Darbor.bench.poll} (default Arbor's, 0: idle threads sleep at once).
     */
    static ContextParams.Builder context() {
        return ContextParams.builder().threads(threads())
                .threadPolicy(ThreadPolicy.valueOf(System.getProperty("arbor.bench.threadPolicy", "FIXED")))
                .flashAttention(FlashAttention.valueOf(System.getProperty("arbor.bench.flashAttention", "OFF")))
                .poll(Integer.getInteger("arbor.bench.poll", ContextParams.DEFAULT_POLL));
    }
}
