package dev.arbor.llama.gguf;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes small random qwen3-architecture models as GGUF files that llama.cpp loads like real ones:
 * a current architecture (per-head RMS norms on queries and keys, grouped-query attention, an
 * explicit head dimension wider than {@code n_embd / n_head}, NEOX RoPE, no biases) with the
 * byte-level BPE vocabulary {@link ByteLevelVocab#standard()} and its ChatML template.
 *
 * <p>The counterpart of {@link SyntheticModel} (llama), with the same rules: a model is fully
 * determined by (size, precision, seed), the same arguments always give a byte-identical file, and
 * weights are seeded Gaussian noise scaled for roughly unit variance through the layers (token
 * embeddings ~N(0, 1), projections ~N(0, 1/fan_in), norm weights 1, the q/k norms included). The
 * output matrix is independent of the embeddings, so greedy decoding does not repeat one token, and
 * its rows give word pieces logits with a standard deviation of about
 * {@link SyntheticModel#LOGIT_STD} and every other token (stray bytes, partial characters, control
 * characters, the control tokens, EOS among them) {@link SyntheticModel#NON_TEXT_LOGIT_SCALE} of
 * that: peaked but not one-hot, mostly whole characters, seldom an early stop.
 *
 * <p>GGUF keys are those llama.cpp 0.5.0 reads for qwen3: {@code qwen3.context_length},
 * {@code embedding_length}, {@code block_count}, {@code feed_forward_length},
 * {@code attention.head_count}, {@code attention.head_count_kv}, {@code attention.key_length},
 * {@code attention.value_length}, {@code attention.layer_norm_rms_epsilon}, {@code rope.freq_base}
 * (the RoPE dimension defaults to the key length, which the qwen3 graph requires).
 */
@dev.arbor.annotation.Internal
public final class SyntheticQwen3Model {
    /** The {@code general.architecture} value. */
    public static final String ARCHITECTURE = "qwen3";
    /** {@code qwen3.attention.layer_norm_rms_epsilon}, as in Qwen3's releases. */
    public static final float RMS_NORM_EPSILON = 1e-6f;
    /** {@code qwen3.rope.freq_base}, as in Qwen3's releases. */
    public static final float ROPE_FREQ_BASE = 1_000_000f;

    /**
     * The hyperparameters of one size. Queries span {@code nHead * headDim} values, keys and values
     * {@code nHeadKv * headDim}; both differ from {@code nEmbd}, as in Qwen3, so that a reader that
     * assumed {@code nEmbd / nHead} would fail to load the file.
     */
    public record Shape(int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim, int nFf,
            int contextLength) {

        /**
         * TINY: about 0.2 M parameters (~0.8 MB F32), for unit tests. SMALL: about 15 M
         * parameters (~62 MB F32), for benchmarks; 4 query heads share each key/value head.
         */
        public static Shape of(Size size) {
            return switch (size) {
                case TINY -> new Shape(64, 2, 4, 2, 32, 128, 2048);
                case SMALL -> new Shape(512, 4, 8, 2, 128, 1536, 2048);
            };
        }

        /** Width of all query heads together. */
        public int qDim() {
            return nHead * headDim;
        }

        /** Width of all key (or value) heads together. */
        public int kvDim() {
            return nHeadKv * headDim;
        }

        /** Total number of weights in the model. */
        public long parameterCount() {
            long e = nEmbd;
            long perLayer = 2 * e + 2L * headDim
                    + e * qDim() + 2 * e * kvDim() + (long) qDim() * e
                    + 3 * e * nFf;
            return 2 * e * ByteLevelVocab.standard().size() + e + nLayer * perLayer;
        }
    }

    private SyntheticQwen3Model() {
    }

    /** {@code general.name}, e.g. "arbor-synthetic-qwen3-tiny". */
    public static String modelName(Size size) {
        return "arbor-synthetic-qwen3-" + size.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Writes the model determined by {@code size}, {@code precision} and {@code seed} to
     * {@code file}, replacing it if it exists.
     */
    public static void write(Path file, Size size, Precision precision, long seed) throws IOException {
        prepare(size, precision, seed).write(file);
    }

    /**
     * The writer holding the model's metadata and tensor sources, ready to write: the qwen3 row of
     * the {@link ArchitectureTable}, which writes this class's files byte for byte.
     */
    static GgufWriter prepare(Size size, Precision precision, long seed) {
        return ArchitectureTable.QWEN3.prepare(size, precision, seed);
    }
}
