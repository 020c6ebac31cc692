package dev.arbor.bench;

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

    /** Decode threads: {@code -Darbor.bench.threads}, default 2 (the figures in the issues use 2). */
    static int threads() {
        return Integer.getInteger("arbor.bench.threads", 2);
    }
}
