package dev.arbor.llama.gguf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes small random llama-architecture models as GGUF files that llama.cpp loads like real
 * ones, so that inference code can be tested and benchmarked without downloading weights.
 *
 * <p>A model is fully determined by (size, precision, seed): the same arguments always give a
 * byte-identical file, and a different seed gives different weights. Weights are seeded Gaussian
 * noise scaled so that activations keep roughly unit variance through the layers: token
 * embeddings ~N(0, 1), each projection ~N(0, 1/fan_in) (standard deviation 1/sqrt(fan_in)),
 * norm weights 1, and the output matrix scaled so that logits have a standard deviation of about
 * {@link #LOGIT_STD} for word pieces (control and byte tokens get less, see
 * {@link #NON_TEXT_LOGIT_SCALE}). The output matrix is independent of the embeddings on
 * purpose: tied weights would make every token predict itself, and greedy decoding would repeat
 * one token.
 * The tokenizer is {@link SyntheticVocab#standard()} for every size. {@link SyntheticQwen3Model}
 * writes a current architecture with a byte-level BPE vocabulary by the same rules;
 * {@link SyntheticArchitecture} lists every architecture (dense, sliding-window, hybrid,
 * recurrent), all written by one table of architectures whose llama row writes this class's files.
 */
@dev.arbor.annotation.PublicApi
public final class SyntheticModel {

    /**
     * Target standard deviation of the logits of word-piece tokens: peaked but far from one-hot.
     */
    public static final float LOGIT_STD = 3.0f;
    /**
     * Factor on the logit spread of control and byte tokens, which makes them rare in sampled
     * text (about 2% of the probability mass at temperature 1, measured with llama.cpp) and
     * practically never the greedy choice. EOS is among them, so generation seldom stops early.
     */
    public static final float NON_TEXT_LOGIT_SCALE = 0.25f;
    /** {@code llama.attention.layer_norm_rms_epsilon}. */
    public static final float RMS_NORM_EPSILON = 1e-5f;
    /** {@code llama.rope.freq_base}. */
    public static final float ROPE_FREQ_BASE = 10_000f;

    /** Model shapes. All use {@link SyntheticVocab#standard()}. */
    public enum Size {
        /** About 150 k parameters (~0.6 MB F32): for unit and CI tests. */
        TINY(64, 2, 4, 2, 128, 2048),
        /** About 14 M parameters (~57 MB F32): for benchmarks with measurable compute. */
        SMALL(512, 4, 8, 8, 1536, 2048);

        private final int nEmbd;
        private final int nLayer;
        private final int nHead;
        private final int nHeadKv;
        private final int nFf;
        private final int contextLength;

        Size(int nEmbd, int nLayer, int nHead, int nHeadKv, int nFf, int contextLength) {
            this.nEmbd = nEmbd;
            this.nLayer = nLayer;
            this.nHead = nHead;
            this.nHeadKv = nHeadKv;
            this.nFf = nFf;
            this.contextLength = contextLength;
        }

        public int nEmbd() {
            return nEmbd;
        }

        public int nLayer() {
            return nLayer;
        }

        public int nHead() {
            return nHead;
        }

        public int nHeadKv() {
            return nHeadKv;
        }

        public int nFf() {
            return nFf;
        }

        public int contextLength() {
            return contextLength;
        }

        /** Dimension of one attention head, n_embd / n_head (also the RoPE dimension). */
        public int headDim() {
            return nEmbd / nHead;
        }

        /** Vocabulary size, the same for every size. */
        public int nVocab() {
            return SyntheticVocab.standard().size();
        }

        /** Total number of weights in the model. */
        public long parameterCount() {
            long d = headDim();
            long perLayer = 2L * nEmbd
                    + nEmbd * nHead * d
                    + 2L * nEmbd * nHeadKv * d
                    + nHead * d * nEmbd
                    + 3L * nEmbd * nFf;
            return 2L * nEmbd * nVocab() + nEmbd + nLayer * perLayer;
        }

        /** {@code general.name}, e.g. "arbor-synthetic-tiny". */
        public String modelName() {
            return "arbor-synthetic-" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Storage type of the 2-D weight matrices; 1-D norm weights are always F32. */
    public enum Precision {
        F32(GgmlType.F32, 0),
        F16(GgmlType.F16, 1);

        private final GgmlType matrixType;
        private final int fileType;

        Precision(GgmlType matrixType, int fileType) {
            this.matrixType = matrixType;
            this.fileType = fileType;
        }

        /** The ggml type used for weight matrices. */
        @dev.arbor.annotation.Internal
        public GgmlType matrixType() {
            return matrixType;
        }

        /** {@code general.file_type}: llama.cpp's LLAMA_FTYPE (0 all F32, 1 mostly F16). */
        public int fileType() {
            return fileType;
        }
    }

    private SyntheticModel() {
    }

    /** Writes an F32 model; see {@link #write(Path, Size, Precision, long)}. */
    public static void write(Path file, Size size, long seed) throws IOException {
        write(file, size, Precision.F32, seed);
    }

    /**
     * Writes the model determined by {@code size}, {@code precision} and {@code seed} to
     * {@code file}, replacing it if it exists.
     */
    public static void write(Path file, Size size, Precision precision, long seed)
            throws IOException {
        prepare(size, precision, seed).write(file);
    }

    /**
     * The writer holding the model's metadata and tensor sources, ready to write: the llama row of
     * the {@link ArchitectureTable}, which writes this class's files byte for byte.
     */
    static GgufWriter prepare(Size size, Precision precision, long seed) {
        return ArchitectureTable.LLAMA.prepare(size, precision, seed);
    }
}
