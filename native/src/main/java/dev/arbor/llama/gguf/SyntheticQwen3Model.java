package dev.arbor.llama.gguf;

import static dev.arbor.llama.gguf.SeededTensors.fanIn;

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

    /** The writer holding the model's metadata and tensor sources, ready to write. */
    static GgufWriter prepare(Size size, Precision precision, long seed) {
        Shape s = Shape.of(size);
        ByteLevelVocab vocab = ByteLevelVocab.standard();
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string(ARCHITECTURE));
        w.put("general.name", GgufValue.string(modelName(size)));
        w.put(GgufWriter.ALIGNMENT_KEY, GgufValue.uint32(GgufWriter.DEFAULT_ALIGNMENT));
        w.put("general.file_type", GgufValue.uint32(precision.fileType()));
        // Not read by llama.cpp; records provenance for whoever inspects the file.
        w.put("arbor.synthetic.seed", GgufValue.int64(seed));
        putHyperparameters(w, s);
        vocab.putMetadata(w);
        addTensors(new SeededTensors(w, precision.matrixType(), seed), s, vocab);
        return w;
    }

    private static void putHyperparameters(GgufWriter w, Shape s) {
        String a = ARCHITECTURE + ".";
        w.put(a + "context_length", GgufValue.uint32(s.contextLength()));
        w.put(a + "embedding_length", GgufValue.uint32(s.nEmbd()));
        w.put(a + "block_count", GgufValue.uint32(s.nLayer()));
        w.put(a + "feed_forward_length", GgufValue.uint32(s.nFf()));
        w.put(a + "attention.head_count", GgufValue.uint32(s.nHead()));
        w.put(a + "attention.head_count_kv", GgufValue.uint32(s.nHeadKv()));
        w.put(a + "attention.key_length", GgufValue.uint32(s.headDim()));
        w.put(a + "attention.value_length", GgufValue.uint32(s.headDim()));
        w.put(a + "attention.layer_norm_rms_epsilon", GgufValue.float32(RMS_NORM_EPSILON));
        w.put(a + "rope.freq_base", GgufValue.float32(ROPE_FREQ_BASE));
    }

    private static void addTensors(SeededTensors t, Shape s, ByteLevelVocab vocab) {
        int e = s.nEmbd();
        int q = s.qDim();
        int kv = s.kvDim();
        int v = vocab.size();
        t.matrix("token_embd.weight", 1.0, e, v);
        for (int b = 0; b < s.nLayer(); b++) {
            String p = "blk." + b + ".";
            t.ones(p + "attn_norm.weight", e);
            t.matrix(p + "attn_q.weight", fanIn(e), e, q);
            t.matrix(p + "attn_k.weight", fanIn(e), e, kv);
            t.matrix(p + "attn_v.weight", fanIn(e), e, kv);
            // One weight per head dimension, shared by all heads: the norm runs per head.
            t.ones(p + "attn_q_norm.weight", s.headDim());
            t.ones(p + "attn_k_norm.weight", s.headDim());
            t.matrix(p + "attn_output.weight", fanIn(q), q, e);
            t.ones(p + "ffn_norm.weight", e);
            t.matrix(p + "ffn_gate.weight", fanIn(e), e, s.nFf());
            t.matrix(p + "ffn_up.weight", fanIn(e), e, s.nFf());
            t.matrix(p + "ffn_down.weight", fanIn(s.nFf()), s.nFf(), e);
        }
        t.ones("output_norm.weight", e);
        // As in the llama model: unit-RMS hidden states make each logit a sum of e terms; rows of
        // tokens that are not whole text characters are shrunk, as a trained model would have it.
        double pieceStd = SyntheticModel.LOGIT_STD / Math.sqrt(e);
        t.matrix("output.weight", row -> vocab.isText((int) row)
                ? pieceStd : pieceStd * SyntheticModel.NON_TEXT_LOGIT_SCALE, e, v);
    }
}
