package dev.arbor.llama;

/**
 * How a model is loaded.
 *
 * @param nGpuLayers layers to offload to a GPU (0 = CPU only); needs a GPU backend, such as the
 *     {@code cuda} build of arbor-native, else llama.cpp keeps every layer on the CPU
 * @param loadMode how the weights are read (memory-mapped by default)
 */
@dev.arbor.annotation.PublicApi
public record ModelParams(int nGpuLayers, LoadMode loadMode) {
    public ModelParams {
        if (nGpuLayers < 0) {
            throw new IllegalArgumentException("nGpuLayers must be >= 0, was " + nGpuLayers);
        }
        if (loadMode == null) {
            throw new IllegalArgumentException("loadMode must not be null");
        }
    }

    /** CPU only, memory-mapped. */
    public static ModelParams defaults() {
        return new ModelParams(0, LoadMode.MMAP);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link ModelParams}; starts from {@link #defaults()}. */
    public static final class Builder {
        private int nGpuLayers;
        private LoadMode loadMode = LoadMode.MMAP;

        private Builder() {}

        public Builder nGpuLayers(int nGpuLayers) {
            this.nGpuLayers = nGpuLayers;
            return this;
        }

        public Builder loadMode(LoadMode loadMode) {
            this.loadMode = loadMode;
            return this;
        }

        public ModelParams build() {
            return new ModelParams(nGpuLayers, loadMode);
        }
    }
}
