package dev.arbor.llama.gguf;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.util.Locale;

/**
 * One row of the {@link ArchitectureTable}: what distinguishes an architecture (its GGUF keys, the
 * tensors of its layer {@code il}, its tokenizer, its shapes) from the parts every synthetic model
 * shares, which {@link #prepare} writes the same way for all: the general keys, the vocabulary, the
 * token embeddings, the final norm and the output matrix.
 *
 * <p>The shared recipe: embeddings ~N(0, 1) (~N(0, 1/n_embd) where the graph multiplies them by
 * sqrt(n_embd), as Gemma's does, so the residual stream starts at unit variance either way); an
 * output matrix independent of the embeddings (tied weights would make greedy decoding repeat one
 * token) whose rows give text tokens logits with a standard deviation of about
 * {@link SyntheticModel#LOGIT_STD} and every other token {@link SyntheticModel#NON_TEXT_LOGIT_SCALE}
 * of that. A model is a pure function of (size, precision, seed): tensors draw seeded streams in
 * the order they are added.
 *
 * @param name {@code general.architecture}, and the prefix of the architecture's keys
 * @param tokenizer the vocabulary written into the file
 * @param tiny the TINY shape (unit tests)
 * @param small the SMALL shape (benchmarks, about 15 M parameters)
 * @param keys writes the architecture's hyperparameter keys
 * @param layer adds the tensors of one block
 * @param outputNorm name of the final norm's weight (LFM2 calls it {@code token_embd_norm.weight})
 * @param embeddingScaled whether the graph multiplies embeddings by sqrt(n_embd)
 */
record ArchitectureSpec(String name, SyntheticTokenizer tokenizer, ModelShape tiny, ModelShape small,
        Keys keys, Layer layer, String outputNorm, boolean embeddingScaled) {

    /** The final norm's name in every architecture but LFM2. */
    static final String OUTPUT_NORM = "output_norm.weight";

    /** Writes the hyperparameter keys of a shape. */
    @FunctionalInterface
    interface Keys {
        void put(ArchKeys keys, ModelShape shape);
    }

    /** Adds the tensors of block {@code il}. */
    @FunctionalInterface
    interface Layer {
        void add(LayerTensors tensors, ModelShape shape, int il);
    }

    /** The shape of a size. */
    ModelShape shape(Size size) {
        return size == Size.TINY ? tiny : small;
    }

    /**
     * {@code general.name}, e.g. "arbor-synthetic-gemma3-tiny"; llama models keep the name they had
     * before other architectures existed, "arbor-synthetic-tiny".
     */
    String modelName(Size size) {
        String arch = name.equals("llama") ? "" : name + "-";
        return "arbor-synthetic-" + arch + size.name().toLowerCase(Locale.ROOT);
    }

    /** The writer holding the model's metadata and (lazy) tensor sources, ready to write. */
    GgufWriter prepare(Size size, Precision precision, long seed) {
        ModelShape s = shape(size);
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string(name));
        w.put("general.name", GgufValue.string(modelName(size)));
        w.put(GgufWriter.ALIGNMENT_KEY, GgufValue.uint32(GgufWriter.DEFAULT_ALIGNMENT));
        w.put("general.file_type", GgufValue.uint32(precision.fileType()));
        // Not read by llama.cpp; records provenance for whoever inspects the file.
        w.put("arbor.synthetic.seed", GgufValue.int64(seed));
        keys.put(new ArchKeys(w, name), s);
        tokenizer.putMetadata(w);

        SeededTensors t = new SeededTensors(w, precision.matrixType(), seed);
        int e = s.nEmbd();
        int v = tokenizer.size();
        t.matrix("token_embd.weight", embeddingScaled ? SeededTensors.fanIn(e) : 1.0, e, v);
        for (int il = 0; il < s.nLayer(); il++) {
            layer.add(new LayerTensors(t, il), s, il);
        }
        t.ones(outputNorm, e);
        // The final norm gives unit-RMS hidden states, so each logit is a sum of e terms. Rows of
        // tokens that are not text are shrunk, as a trained model would have learned, so that
        // generated text is mostly word pieces rather than stray bytes and EOS is seldom chosen.
        double pieceStd = SyntheticModel.LOGIT_STD / Math.sqrt(e);
        t.matrix("output.weight", row -> tokenizer.isText((int) row)
                ? pieceStd : pieceStd * SyntheticModel.NON_TEXT_LOGIT_SCALE, e, v);
        return w;
    }

    /** Total number of weights of a size: what llama.cpp's {@code llama_model_n_params} reports. */
    long parameterCount(Size size) {
        long n = 0;
        for (GgufTensorInfo info : prepare(size, Precision.F32, 0).layout()) {
            n += info.elementCount();
        }
        return n;
    }

    /** Puts keys under the architecture's prefix: {@code u32("block_count", 2)} is "gemma3.block_count". */
    static final class ArchKeys {
        private final GgufWriter writer;
        private final String prefix;

        ArchKeys(GgufWriter writer, String arch) {
            this.writer = writer;
            this.prefix = arch + ".";
        }

        void u32(String key, long value) {
            writer.put(prefix + key, GgufValue.uint32(value));
        }

        void f32(String key, float value) {
            writer.put(prefix + key, GgufValue.float32(value));
        }

        /** An INT32 array: llama.cpp reads per-layer values ({@code head_count_kv}) and RoPE sections so. */
        void i32s(String key, int... values) {
            writer.put(prefix + key, GgufValue.int32Array(values));
        }
    }
}
