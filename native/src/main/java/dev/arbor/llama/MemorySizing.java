package dev.arbor.llama;

/**
 * What a model's memory of past tokens costs, per memory kind ({@link ModelMemory}), measured from
 * llama.cpp's own serialized sequence states on a small probe context: exact for the llama.cpp in
 * use, whatever the architecture's per-layer layout (heads per layer, layers without attention,
 * window layers), where reading the GGUF metadata would have to know every architecture.
 *
 * <ul>
 * <li>{@code bytesPerCell}: one token's keys and values in the full-attention layers; a context
 *     allocates {@code nCtx} of them (0 on a pure recurrent model).</li>
 * <li>{@code windowBytesPerCell}: one token's keys and values in the sliding-window layers; a context
 *     allocates {@link #windowCells} of them (0 without a window).</li>
 * <li>{@code stateBytes}: one sequence's recurrent state; a context allocates one per sequence, so a
 *     branch costs it whatever its length (0 without a recurrent part).</li>
 * </ul>
 *
 * <p>A checkpoint holds a sequence's recurrent state and its window cells ({@link #checkpointBytes}).
 */
@dev.arbor.annotation.Internal
public record MemorySizing(ModelMemory memory, long bytesPerCell, long windowBytesPerCell, long stateBytes) {
    /**
     * Bytes llama.cpp 0.5.0's state format adds per cell besides its keys and values (position,
     * sequence count, token): subtracted from what a token adds to a saved state.
     */
    static final long CELL_HEADER_BYTES = 12;

    /** Measures {@code model}'s costs on a probe context of one sequence (a few tokens decoded, then freed). */
    public static MemorySizing measure(LlamaModel model) {
        ModelMemory memory = model.memory();
        ContextParams probe = ContextParams.builder().nCtx(256).nBatch(8).nSeqMax(1).threads(1).build();
        try (LlamaContext context = LlamaContext.create(model, probe); Batch batch = new Batch(1)) {
            long[] full = new long[3];
            long[] partial = new long[3];
            for (int position = 0; position < 3; position++) {
                batch.clear();
                batch.add(model.bos() >= 0 ? model.bos() : 0, position, 0, true);
                if (context.decode(batch) != DecodeStatus.OK) {
                    throw new LlamaException("the probe context had no room for " + (position + 1) + " tokens");
                }
                full[position] = context.stateSize(0);
                partial[position] = memory.overwritesHistory() ? context.partialStateSize(0) : 0;
            }
            long perToken = full[2] - full[1];
            long windowPerToken = memory.slidingWindow() > 0 ? partial[2] - partial[1] : 0;
            long cell = withoutHeader(perToken - windowPerToken);
            long windowCell = withoutHeader(windowPerToken);
            long state = memory.hasRecurrentState() ? Math.max(0, partial[2] - 3 * windowPerToken) : 0;
            return new MemorySizing(memory, memory.hasAttentionCells() ? cell : 0, windowCell, state);
        }
    }

    private static long withoutHeader(long bytes) {
        return bytes > CELL_HEADER_BYTES ? bytes - CELL_HEADER_BYTES : 0;
    }

    /** What one token adds to a sequence in every attention layer: full and window. */
    public long bytesPerToken() {
        return bytesPerCell + windowBytesPerCell;
    }

    /**
     * Cells of a context's window cache: as many as {@code nCtx} with {@link ContextParams#swaFull()},
     * else the window for every sequence plus a micro-batch, padded to 256 as llama.cpp does.
     */
    public long windowCells(ContextParams params) {
        if (memory.slidingWindow() == 0) {
            return 0;
        }
        if (params.swaFull()) {
            return params.nCtx();
        }
        long sequences = params.kvUnified() ? params.nSeqMax() : 1;
        long cells = Math.min(params.nCtx(), (long) memory.slidingWindow() * sequences + params.nUbatch());
        return (cells + 255) / 256 * 256;
    }

    /** Bytes a context of {@code params} allocates for memory (its compute buffers come on top). */
    public long contextBytes(ContextParams params) {
        return bytesPerCell * params.nCtx() + windowBytesPerCell * windowCells(params) + stateBytes * params.nSeqMax();
    }

    /** At most what a checkpoint of a sequence at {@code position} holds: its recurrent state and window cells. */
    public long checkpointBytes(int position, ContextParams params) {
        long windowHeld = memory.slidingWindow() == 0 ? 0
                : Math.min(position, memory.slidingWindow() + (long) params.nUbatch());
        return stateBytes + windowHeld * (windowBytesPerCell + CELL_HEADER_BYTES);
    }
}
