package dev.arbor.llama.gguf;

import static dev.arbor.llama.gguf.SeededTensors.fanIn;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticQwen3Model.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes qwen3 models with a real model's vocabulary size (e.g. Qwen3's 151,936 tokens, from
 * {@link ByteLevelVocab#ofSize}) and any body, so that what a search costs per token of the
 * vocabulary (logits rows, sampling, grammars) can be measured and tested where it matters.
 *
 * <p>Same rules as {@link SyntheticQwen3Model}: the architecture, GGUF keys and weight recipe are
 * qwen3's (seeded Gaussian noise scaled for unit variance, word pieces' logits with a standard
 * deviation of about {@link SyntheticModel#LOGIT_STD}, other tokens' shrunk by
 * {@link SyntheticModel#NON_TEXT_LOGIT_SCALE}), and the same (shape, vocabulary size, precision,
 * seed) always give a byte-identical file. Kept apart from the architecture table so that the
 * standard models' files stay exactly as they are.
 */
@Internal
public final class VocabScaleModel {
    private VocabScaleModel() {
    }

    /** {@code general.name}, e.g. "arbor-synthetic-qwen3-e512-l8-v151936". */
    public static String modelName(Shape shape, int nVocab) {
        return String.format(Locale.ROOT, "arbor-synthetic-qwen3-e%d-l%d-v%d", shape.nEmbd(), shape.nLayer(), nVocab);
    }

    /** Writes the model of {@code shape} with a byte-level vocabulary of {@code nVocab} tokens, replacing {@code file}. */
    public static void write(Path file, Shape shape, int nVocab, Precision precision, long seed) throws IOException {
        prepare(shape, ByteLevelVocab.ofSize(nVocab), precision, seed).write(file);
    }

    static GgufWriter prepare(Shape s, ByteLevelVocab vocab, Precision precision, long seed) {
        GgufWriter w = new GgufWriter();
        String a = SyntheticQwen3Model.ARCHITECTURE + ".";
        w.put("general.architecture", GgufValue.string(SyntheticQwen3Model.ARCHITECTURE));
        w.put("general.name", GgufValue.string(modelName(s, vocab.size())));
        w.put(GgufWriter.ALIGNMENT_KEY, GgufValue.uint32(GgufWriter.DEFAULT_ALIGNMENT));
        w.put("general.file_type", GgufValue.uint32(precision.fileType()));
        w.put("arbor.synthetic.seed", GgufValue.int64(seed));
        w.put(a + "context_length", GgufValue.uint32(s.contextLength()));
        w.put(a + "embedding_length", GgufValue.uint32(s.nEmbd()));
        w.put(a + "block_count", GgufValue.uint32(s.nLayer()));
        w.put(a + "feed_forward_length", GgufValue.uint32(s.nFf()));
        w.put(a + "attention.head_count", GgufValue.uint32(s.nHead()));
        w.put(a + "attention.head_count_kv", GgufValue.uint32(s.nHeadKv()));
        w.put(a + "attention.key_length", GgufValue.uint32(s.headDim()));
        w.put(a + "attention.value_length", GgufValue.uint32(s.headDim()));
        w.put(a + "attention.layer_norm_rms_epsilon", GgufValue.float32(SyntheticQwen3Model.RMS_NORM_EPSILON));
        w.put(a + "rope.freq_base", GgufValue.float32(SyntheticQwen3Model.ROPE_FREQ_BASE));
        vocab.putMetadata(w);

        SeededTensors t = new SeededTensors(w, precision.matrixType(), seed);
        int e = s.nEmbd();
        int v = vocab.size();
        t.matrix("token_embd.weight", 1.0, e, v);
        for (int b = 0; b < s.nLayer(); b++) {
            String p = "blk." + b + ".";
            t.ones(p + "attn_norm.weight", e);
            t.matrix(p + "attn_q.weight", fanIn(e), e, s.qDim());
            t.matrix(p + "attn_k.weight", fanIn(e), e, s.kvDim());
            t.matrix(p + "attn_v.weight", fanIn(e), e, s.kvDim());
            t.ones(p + "attn_q_norm.weight", s.headDim());
            t.ones(p + "attn_k_norm.weight", s.headDim());
            t.matrix(p + "attn_output.weight", fanIn(s.qDim()), s.qDim(), e);
            t.ones(p + "ffn_norm.weight", e);
            t.matrix(p + "ffn_gate.weight", fanIn(e), e, s.nFf());
            t.matrix(p + "ffn_up.weight", fanIn(e), e, s.nFf());
            t.matrix(p + "ffn_down.weight", fanIn(s.nFf()), s.nFf(), e);
        }
        t.ones("output_norm.weight", e);
        double pieceStd = SyntheticModel.LOGIT_STD / Math.sqrt(e);
        t.matrix("output.weight", row -> vocab.isText((int) row)
                ? pieceStd : pieceStd * SyntheticModel.NON_TEXT_LOGIT_SCALE, e, v);
        return w;
    }
}
