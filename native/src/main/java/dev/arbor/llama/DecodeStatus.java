package dev.arbor.llama;

/**
 * The recoverable outcomes of {@link LlamaContext#decode(Batch)}; every other failure throws
 * {@link LlamaException}.
 */
public enum DecodeStatus {
    /** The batch was decoded; its logits rows can be read until the next decode. */
    OK,
    /**
     * The KV cache had no room for the batch (no run of free cells long enough). Nothing of the
     * batch was decoded when it fits one micro-batch ({@code nUbatch >= batch size}, the default).
     * A batch needs one contiguous run of free cells: free cells ({@code seqRemove}) or split the
     * batch into smaller ones and retry.
     */
    NO_KV_SLOT
}
