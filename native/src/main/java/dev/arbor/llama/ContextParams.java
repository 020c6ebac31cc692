package dev.arbor.llama;

/**
 * How a {@link LlamaContext} is sized and run.
 *
 * @param nCtx KV cells shared by all sequences (llama.cpp pads it to a multiple of 256)
 * @param nBatch most entries one {@link Batch} may hold (llama.cpp caps it at {@code nCtx})
 * @param nUbatch most entries llama.cpp computes at once; defaults to {@code nBatch}
 * @param nSeqMax sequence ids {@code 0..nSeqMax-1}, at most {@value #MAX_SEQUENCES}
 * @param threads CPU threads for decoding (the most an adaptive policy will use)
 * @param threadPolicy whether the context gives threads back while other work wants the cores
 * @param poll how long idle decode threads spin before they sleep, as ggml's polling level
 *     (0 sleeps at once, 100 spins long); {@value #LLAMA_DEFAULT_POOL} keeps llama.cpp's default,
 *     a new pool for every decode
 * @param flashAttention llama.cpp's fused attention (see {@link FlashAttention})
 * @param kvUnified one KV buffer for all sequences, so that a fork tags its parent's cells instead
 *     of copying them (Arbor's default); {@code false} gives each sequence its own stream of
 *     {@code nCtx / nSeqMax} cells, where a fork copies the whole stream and a partial copy is
 *     refused
 * @param swaFull on a sliding-window model, give the window's layers a cache as large as the
 *     others' instead of about {@code window x nSeqMax} cells (llama.cpp's {@code swa_full}). Off by
 *     default, as in llama.cpp's own tools: the window layers take far less memory, and llama.cpp
 *     reuses cells that left a window, which Arbor's cut-backs check for (see {@link ModelMemory})
 */
@dev.arbor.annotation.PublicApi
public record ContextParams(int nCtx, int nBatch, int nUbatch, int nSeqMax, int threads, ThreadPolicy threadPolicy,
        int poll, FlashAttention flashAttention, boolean kvUnified, boolean swaFull) {
    /** llama.cpp's limit on sequences per context ({@code LLAMA_MAX_SEQ}). */
    public static final int MAX_SEQUENCES = 256;
    /** {@link #poll()} value that keeps llama.cpp's own per-decode thread pool. */
    public static final int LLAMA_DEFAULT_POOL = -1;
    /** Default KV cells of a context. */
    public static final int DEFAULT_N_CTX = 4096;
    /** Default most entries of one batch. */
    public static final int DEFAULT_N_BATCH = 512;
    /** Default sequences per context (branch leases): width x concurrent requests. */
    public static final int DEFAULT_N_SEQ_MAX = 16;
    /** Default polling level of decode threads: sleep at once. */
    public static final int DEFAULT_POLL = 0;
    /** Default thread policy. */
    public static final ThreadPolicy DEFAULT_THREAD_POLICY = ThreadPolicy.ADAPTIVE;
    /** Default flash attention (off: logprobs do not depend on the batch company, see docs/llama-cpp.md). */
    public static final FlashAttention DEFAULT_FLASH_ATTENTION = FlashAttention.OFF;
    /** Default KV layout: one unified buffer, so forks share cells. */
    public static final boolean DEFAULT_KV_UNIFIED = true;
    /** Default size of a sliding-window model's window cache: the window's, not the context's. */
    public static final boolean DEFAULT_SWA_FULL = false;

    /** As the canonical constructor, with the default window cache ({@link #DEFAULT_SWA_FULL}). */
    public ContextParams(int nCtx, int nBatch, int nUbatch, int nSeqMax, int threads, ThreadPolicy threadPolicy,
            int poll, FlashAttention flashAttention, boolean kvUnified) {
        this(nCtx, nBatch, nUbatch, nSeqMax, threads, threadPolicy, poll, flashAttention, kvUnified, DEFAULT_SWA_FULL);
    }

    public ContextParams {
        requirePositive("nCtx", nCtx);
        requirePositive("nBatch", nBatch);
        requirePositive("nUbatch", nUbatch);
        requirePositive("nSeqMax", nSeqMax);
        requirePositive("threads", threads);
        if (nSeqMax > MAX_SEQUENCES) {
            throw new IllegalArgumentException("nSeqMax must be <= " + MAX_SEQUENCES + " (llama.cpp's limit), was "
                    + nSeqMax);
        }
        if (nUbatch > nBatch) {
            throw new IllegalArgumentException("nUbatch (" + nUbatch + ") must not exceed nBatch (" + nBatch + ")");
        }
        if (poll < LLAMA_DEFAULT_POOL || poll > 100) {
            throw new IllegalArgumentException("poll must be 0..100 (or -1 for llama.cpp's default), was " + poll);
        }
        if (threadPolicy == null || flashAttention == null) {
            throw new IllegalArgumentException("threadPolicy and flashAttention must not be null");
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

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder().nCtx(nCtx).nBatch(nBatch).nUbatch(nUbatch).nSeqMax(nSeqMax).threads(threads)
                .threadPolicy(threadPolicy).poll(poll).flashAttention(flashAttention).kvUnified(kvUnified)
                .swaFull(swaFull);
    }

    /**
     * Builder with Arbor's defaults (the constants above; the operator's options take them from
     * here): nCtx 4096, nBatch 512, nUbatch = nBatch, nSeqMax 16, threads = all the cores this JVM
     * may use, adaptive threads, poll 0, flash attention off, one unified KV buffer.
     */
    public static final class Builder {
        private int nCtx = DEFAULT_N_CTX;
        private int nBatch = DEFAULT_N_BATCH;
        private int nUbatch = -1;
        private int nSeqMax = DEFAULT_N_SEQ_MAX;
        private int threads = Runtime.getRuntime().availableProcessors();
        private ThreadPolicy threadPolicy = DEFAULT_THREAD_POLICY;
        private int poll = DEFAULT_POLL;
        private FlashAttention flashAttention = DEFAULT_FLASH_ATTENTION;
        private boolean kvUnified = DEFAULT_KV_UNIFIED;
        private boolean swaFull = DEFAULT_SWA_FULL;

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

        public Builder threadPolicy(ThreadPolicy threadPolicy) {
            this.threadPolicy = threadPolicy;
            return this;
        }

        public Builder poll(int poll) {
            this.poll = poll;
            return this;
        }

        public Builder flashAttention(FlashAttention flashAttention) {
            this.flashAttention = flashAttention;
            return this;
        }

        /** See {@link ContextParams#swaFull()}. */
        public Builder swaFull(boolean swaFull) {
            this.swaFull = swaFull;
            return this;
        }

        public Builder kvUnified(boolean kvUnified) {
            this.kvUnified = kvUnified;
            return this;
        }

        public ContextParams build() {
            return new ContextParams(nCtx, nBatch, nUbatch < 0 ? nBatch : nUbatch, nSeqMax, threads, threadPolicy, poll,
                    flashAttention, kvUnified, swaFull);
        }
    }
}
