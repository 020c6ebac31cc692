package dev.arbor.llama.gguf;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The architectures a synthetic model can have: one of each memory kind llama.cpp 0.5.0 has, so
 * that Arbor's tests run on dense, sliding-window, hybrid and recurrent models alike. Each is a row
 * of the {@link ArchitectureTable}, written to llama.cpp's own tensor layout and keys.
 *
 * <p>Invariants: every architecture offers every {@link Size} and {@link Precision}, and writes
 * byte-identical files for the same (size, precision, seed). LLAMA and QWEN3 files are the ones
 * {@link SyntheticModel} and {@link SyntheticQwen3Model} wrote before the table existed.
 */
@dev.arbor.annotation.PublicApi
public enum SyntheticArchitecture {
    /** llama with a SentencePiece vocabulary ({@link SyntheticModel}). */
    LLAMA(MemoryKind.DENSE),
    /** qwen3 with a byte-level BPE vocabulary and a ChatML template ({@link SyntheticQwen3Model}). */
    QWEN3(MemoryKind.DENSE),
    /** gemma3: interleaved sliding-window and global attention, the window shorter than test prompts. */
    GEMMA3(MemoryKind.SLIDING_WINDOW),
    /** qwen3moe: qwen3 with a mixture of experts in every layer. */
    QWEN3MOE(MemoryKind.DENSE),
    /** qwen35 (Qwen3.5): gated delta-net layers and gated full-attention layers. */
    QWEN35(MemoryKind.HYBRID),
    /** lfm2 (LFM2): gated short-convolution layers and attention layers. */
    LFM2(MemoryKind.HYBRID),
    /** mamba2: Mamba2 layers only. */
    MAMBA2(MemoryKind.RECURRENT);

    /**
     * The memory llama.cpp 0.5.0 creates for a context of the architecture ({@code create_memory} in
     * {@code src/llama-model.cpp}), which decides what cutting a sequence back can do.
     */
    public enum MemoryKind {
        /** {@code llama_kv_cache}: one cell per position in every layer. */
        DENSE,
        /** {@code llama_kv_cache_iswa}: a full cache for global layers, a window cache for sliding ones. */
        SLIDING_WINDOW,
        /** {@code llama_memory_recurrent}: one state per sequence, no positions. */
        RECURRENT,
        /** {@code llama_memory_hybrid}: a KV cache for attention layers, recurrent states for the rest. */
        HYBRID
    }

    private final MemoryKind memoryKind;

    SyntheticArchitecture(MemoryKind memoryKind) {
        this.memoryKind = memoryKind;
    }

    /** The {@code general.architecture} value, e.g. "qwen3moe". */
    public String ggufName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The memory llama.cpp creates for it. */
    public MemoryKind memoryKind() {
        return memoryKind;
    }

    /** The hyperparameters of a size. */
    @dev.arbor.annotation.Internal
    public ModelShape shape(Size size) {
        return ArchitectureTable.of(this).shape(size);
    }

    /** The vocabulary its files carry. */
    @dev.arbor.annotation.Internal
    public SyntheticTokenizer tokenizer() {
        return ArchitectureTable.of(this).tokenizer();
    }

    /** Total number of weights of a size, as llama.cpp counts them. */
    public long parameterCount(Size size) {
        return ArchitectureTable.of(this).parameterCount(size);
    }

    /** {@code general.name}, e.g. "arbor-synthetic-gemma3-tiny". */
    public String modelName(Size size) {
        return ArchitectureTable.of(this).modelName(size);
    }

    /** Writes the model of this architecture for these arguments, replacing {@code file}. */
    public void write(Path file, Size size, Precision precision, long seed) throws IOException {
        ArchitectureTable.of(this).prepare(size, precision, seed).write(file);
    }
}
