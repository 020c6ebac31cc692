package dev.arbor.llama;

/**
 * Whether llama.cpp computes attention with its fused ("flash") kernel.
 *
 * <p>The fused kernel skips the cells a token cannot see, so with many sequences in one cache it
 * saves most of the attention work; on the CPU it is slower at long positions and accumulates in
 * half precision (logprobs move by a few 1e-3 with the batch company). Measured trade-offs for
 * the bundled build are in docs/benchmarks.md.
 */
@dev.arbor.annotation.PublicApi
public enum FlashAttention {
    /** llama.cpp decides: on where the backend supports it. */
    AUTO(-1),
    /** Always the fused kernel. */
    ON(1),
    /** Never the fused kernel. */
    OFF(0);

    private final int llamaValue;

    FlashAttention(int llamaValue) {
        this.llamaValue = llamaValue;
    }

    /** The value of llama.cpp's {@code enum llama_flash_attn_type}. */
    int llamaValue() {
        return llamaValue;
    }
}
