package dev.arbor.llama;

/**
 * How a {@link LlamaContext} is sized.
 *
 * @param nCtx KV cells shared by all sequences (llama.cpp rounds it up to a multiple of 32)
 * @param nBatch most entries one {@link Batch} may hold (llama.cpp allocates at least 64 internally,
 *     but a context accepts no more than asked for)
 * @param nUbatch most entries llama.cpp computes at once; defaults to {@code nBatch} so that a
 *     batch is decoded all-or-nothing (a failed batch leaves no cells behind)
 * @param nSeqMax sequence ids {@code 0..nSeqMax-1}
 * @param threads CPU threads for decoding
 * @param defragThreshold fraction of holes above which llama.cpp defragments on its own; negative = off
 * @param flashAttention use llama.cpp's fused attention kernel, which skips the cells a sequence
 *     cannot see: with many sequences in one cache it saves most of the attention work. It
 *     accumulates in half precision, so logits move by up to about 1e-3 (off by default, as in
 *     llama.cpp; llama.cpp then also rounds nCtx up to a multiple of 256)
 */
public record ContextParams(int nCtx, int nBatch, int nUbatch, int nSeqMax, int threads, float defragThreshold,
        boolean flashAttention) {
    public ContextParams {
        requirePositive("nCtx", nCtx);
        requirePositive("nBatch", nBatch);
        requirePositive("nUbatch", nUbatch);
        requirePositive("nSeqMax", nSeqMax);
        requirePositive("threads", threads);
        if (nUbatch > nBatch) {
            throw new IllegalArgumentException("nUbatch (" + nUbatch + ") must not exceed nBatch (" + nBatch + ")");
        }
        if (defragThreshold > 1f || Float.isNaN(defragThreshold)) {
            throw new IllegalArgumentException("defragThreshold must be <= 1 (negative = off), was " + defragThreshold);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder with defaults: nCtx 4096, nBatch 512, nUbatch = nBatch, nSeqMax 8, threads = min(4, cores),
     * defrag off, flash attention off.
     */
    public static final class Builder {
        private int nCtx = 4096;
        private int nBatch = 512;
        private int nUbatch = -1;
        private int nSeqMax = 8;
        private int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private float defragThreshold = -1f;
        private boolean flashAttention;

        private Builder() {}

        public Builder nCtx(int nCtx) {
            this.nCtx = nCtx;
            return this;
        }

        public Builder nBatch(int nBatch) {
            this.nBatch = nBatch;
            return this;
        }

        public Builder nUbatch(int nUbatch) {
            this.nUbatch = nUbatch;
            return this;
        }

        public Builder nSeqMax(int nSeqMax) {
            this.nSeqMax = nSeqMax;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder defragThreshold(float defragThreshold) {
            this.defragThreshold = defragThreshold;
            return this;
        }

        public Builder flashAttention(boolean flashAttention) {
            this.flashAttention = flashAttention;
            return this;
        }

        public ContextParams build() {
            return new ContextParams(nCtx, nBatch, nUbatch < 0 ? nBatch : nUbatch, nSeqMax, threads, defragThreshold,
                    flashAttention);
        }
    }
}
