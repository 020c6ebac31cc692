package dev.arbor.llama;

/**
 * How a model is loaded.
 *
 * @param nGpuLayers layers to offload to a GPU (0 = CPU only; the bundled llama.cpp has no GPU
 *     backend, so anything above 0 needs a GPU build named by {@link LlamaLibrary#LLAMA_LIBRARY_PROPERTY})
 * @param useMmap map the file instead of reading it (the default; several processes then share the pages)
 */
public record ModelParams(int nGpuLayers, boolean useMmap) {
    public ModelParams {
        if (nGpuLayers < 0) {
            throw new IllegalArgumentException("nGpuLayers must be >= 0, was " + nGpuLayers);
        }
    }

    /** CPU only, memory-mapped. */
    public static ModelParams defaults() {
        return new ModelParams(0, true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link ModelParams}; starts from {@link #defaults()}. */
    public static final class Builder {
        private int nGpuLayers;
        private boolean useMmap = true;

        private Builder() {}

        public Builder nGpuLayers(int nGpuLayers) {
            this.nGpuLayers = nGpuLayers;
            return this;
        }

        public Builder useMmap(boolean useMmap) {
            this.useMmap = useMmap;
            return this;
        }

        public ModelParams build() {
            return new ModelParams(nGpuLayers, useMmap);
        }
    }
}
