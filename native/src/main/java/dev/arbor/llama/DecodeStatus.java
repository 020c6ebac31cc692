package dev.arbor.llama;

/**
 * The recoverable outcomes of {@link LlamaContext#decode(Batch)}; every other failure throws
 * {@link LlamaException}.
 */
@dev.arbor.annotation.PublicApi
public enum DecodeStatus {
    /** The batch was decoded; its logits rows can be read until the next decode. */
    OK,
    /**
     * The KV cache (with per-sequence streams: a sequence's stream) has fewer free cells than the
     * batch needs; llama_decode returned 1. Nothing of the batch was stored. Free cells
     * ({@code seqRemove}) and retry.
     */
    NO_KV_SLOT
}
