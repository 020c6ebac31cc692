package dev.arbor.bench;

import dev.arbor.llama.ContextParams;
import dev.arbor.llama.FlashAttention;
import dev.arbor.llama.ThreadPolicy;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticModels;
import java.nio.file.Path;

/** Models and settings shared by the benchmarks. */
final class BenchModels {
    static final long SEED = 7;

    private BenchModels() {}

    /** The synthetic F32 model of the named size, from the shared model cache. */
    static Path file(String size) {
        return SyntheticModels.cached(SyntheticModel.Size.valueOf(size), SyntheticModel.Precision.F32, SEED);
    }

    /**
     * The synthetic F32 model of an architecture ({@code LLAMA}, {@code QWEN35}, {@code GEMMA3}, ...:
     * every memory kind) and size, from the shared model cache; LLAMA is {@link #file(String)}'s.
     */
    static Path file(String arch, String size) {
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
     * {@code -Darbor.bench.flashAttention} (default OFF).
     */
    static ContextParams.Builder context() {
        return ContextParams.builder().threads(threads())
                .threadPolicy(ThreadPolicy.valueOf(System.getProperty("arbor.bench.threadPolicy", "FIXED")))
                .flashAttention(FlashAttention.valueOf(System.getProperty("arbor.bench.flashAttention", "OFF")));
    }
}
