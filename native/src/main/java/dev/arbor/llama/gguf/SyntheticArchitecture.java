package dev.arbor.llama.gguf;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The architectures a synthetic model can have, each with its own writer and tokenizer. Every
 * architecture offers every {@link Size} and {@link Precision}, and writes byte-identical files for
 * the same (size, precision, seed).
 */
public enum SyntheticArchitecture {
    /** llama with a SentencePiece vocabulary: {@link SyntheticModel}. */
    LLAMA,
    /** qwen3 with a byte-level BPE vocabulary and a ChatML template: {@link SyntheticQwen3Model}. */
    QWEN3;

    /** The {@code general.architecture} value, e.g. "qwen3". */
    public String ggufName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Writes the model of this architecture for these arguments, replacing {@code file}. */
    public void write(Path file, Size size, Precision precision, long seed) throws IOException {
        switch (this) {
            case LLAMA -> SyntheticModel.write(file, size, precision, seed);
            case QWEN3 -> SyntheticQwen3Model.write(file, size, precision, seed);
        }
    }
}
