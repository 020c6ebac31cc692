package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticModelTest {

    private static final int MB = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void sizesExposeTheirHyperparameters() {
        assertThat(List.of(Size.TINY.nEmbd(), Size.TINY.nLayer(), Size.TINY.nHead(),
                Size.TINY.nHeadKv(), Size.TINY.nFf(), Size.TINY.contextLength(),
                Size.TINY.headDim())).containsExactly(64, 2, 4, 2, 128, 2048, 16);
        assertThat(List.of(Size.SMALL.nEmbd(), Size.SMALL.nLayer(), Size.SMALL.nHead(),
                Size.SMALL.nHeadKv(), Size.SMALL.nFf(), Size.SMALL.contextLength(),
                Size.SMALL.headDim())).containsExactly(512, 4, 8, 8, 1536, 2048, 64);
        assertThat(Size.SMALL.parameterCount()).isBetween(13_500_000L, 14_500_000L);
        assertThat(Size.TINY.nVocab()).isEqualTo(SyntheticVocab.standard().size());
    }

    @Test
    void sameArgumentsGiveIdenticalBytesAndOtherSeedsDiffer() throws IOException {
        for (Precision p : Precision.values()) {
            Path a = dir.resolve("a-" + p + ".gguf");
            Path b = dir.resolve("b-" + p + ".gguf");
            Path c = dir.resolve("c-" + p + ".gguf");
            SyntheticModel.write(a, Size.TINY, p, 42);
            SyntheticModel.write(b, Size.TINY, p, 42);
            SyntheticModel.write(c, Size.TINY, p, 43);
            assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
            assertThat(Files.size(c)).isEqualTo(Files.size(a));
            assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
        }
        Path dflt = dir.resolve("default.gguf");
        SyntheticModel.write(dflt, Size.TINY, 42);
        assertThat(Files.readAllBytes(dflt))
                .isEqualTo(Files.readAllBytes(dir.resolve("a-F32.gguf")));
    }

    /**
     * Pins the bytes across JVMs and machines. If this fails after a deliberate change to the
     * vocabulary, the weight recipe or the writer, update the digest: files cached from the old
     * version are then stale.
     */
    @Test
    void tinyModelBytesArePinned() throws Exception {
        Path file = dir.resolve("pinned.gguf");
        SyntheticModel.write(file, Size.TINY, Precision.F32, 42);
        assertThat(sha256(file)).isEqualTo(PINNED_TINY_F32_SEED42);
    }

    private static final String PINNED_TINY_F32_SEED42 =
            "c80dfe09e091ea4e174d49aa3f55e67abb0cc8aecd74538025d258440d0ead0c";

    @Test
    void fileSizesMatchTheParameterCounts() throws IOException {
        long tinyF32 = sizeOf(Size.TINY, Precision.F32);
        long tinyF16 = sizeOf(Size.TINY, Precision.F16);
        long smallF32 = sizeOf(Size.SMALL, Precision.F32);
        long smallF16 = sizeOf(Size.SMALL, Precision.F16);
        assertThat(tinyF32).isBetween(400_000L, 800_000L);
        assertThat(smallF32).isBetween(50L * MB, 60L * MB);
        assertThat(smallF32).isGreaterThan(4 * Size.SMALL.parameterCount());
        assertThat((double) tinyF16 / tinyF32).isBetween(0.45, 0.55);
        assertThat((double) smallF16 / smallF32).isBetween(0.49, 0.51);
    }

    private long sizeOf(Size size, Precision precision) throws IOException {
        Path file = dir.resolve(size + "-" + precision + ".gguf");
        SyntheticModel.write(file, size, precision, 1);
        long bytes = Files.size(file);
        assertThat(GgufReader.read(file).tensors()).hasSize(3 + 9 * size.nLayer());
        Files.delete(file);
        return bytes;
    }

    @Test
    void metadataDescribesALlamaModel() throws IOException {
        Path file = dir.resolve("tiny16.gguf");
        SyntheticModel.write(file, Size.TINY, Precision.F16, 5);
        GgufHeader h = GgufReader.read(file);
        assertThat(h.version()).isEqualTo(3);
        assertThat(h.architecture()).contains("llama");
        assertThat(h.get("general.name").orElseThrow().asString())
                .isEqualTo("arbor-synthetic-tiny");
        assertThat(h.get("general.alignment")).contains(GgufValue.uint32(32));
        assertThat(h.get("general.file_type")).contains(GgufValue.uint32(1));
        assertThat(h.get("llama.context_length")).contains(GgufValue.uint32(2048));
        assertThat(h.get("llama.embedding_length")).contains(GgufValue.uint32(64));
        assertThat(h.get("llama.block_count")).contains(GgufValue.uint32(2));
        assertThat(h.get("llama.feed_forward_length")).contains(GgufValue.uint32(128));
        assertThat(h.get("llama.attention.head_count")).contains(GgufValue.uint32(4));
        assertThat(h.get("llama.attention.head_count_kv")).contains(GgufValue.uint32(2));
        assertThat(h.get("llama.rope.dimension_count")).contains(GgufValue.uint32(16));
        assertThat(h.get("llama.attention.layer_norm_rms_epsilon"))
                .contains(GgufValue.float32(1e-5f));
        assertThat(h.get("llama.rope.freq_base")).contains(GgufValue.float32(10000f));
        SyntheticVocab vocab = SyntheticVocab.standard();
        assertThat(h.get("llama.vocab_size")).contains(GgufValue.uint32(vocab.size()));
        assertThat(h.get("tokenizer.ggml.model")).contains(GgufValue.string("llama"));
        assertThat(h.get("tokenizer.ggml.tokens").orElseThrow().asList())
                .isEqualTo(vocab.tokens());
        assertThat(h.get("tokenizer.ggml.scores").orElseThrow().elementType())
                .isEqualTo(GgufValueType.FLOAT32);
        assertThat(h.get("tokenizer.ggml.token_type").orElseThrow().asList())
                .hasSize(vocab.size()).startsWith(2, 3, 3, 6);
        assertThat(h.get("tokenizer.ggml.unknown_token_id")).contains(GgufValue.uint32(0));
        assertThat(h.get("tokenizer.ggml.bos_token_id")).contains(GgufValue.uint32(1));
        assertThat(h.get("tokenizer.ggml.eos_token_id")).contains(GgufValue.uint32(2));
        assertThat(h.get("tokenizer.ggml.add_bos_token")).contains(GgufValue.bool(true));
        assertThat(h.get("tokenizer.ggml.add_eos_token")).contains(GgufValue.bool(false));
    }

    @Test
    void tensorsHaveLlamaShapesAndPrecisions() throws IOException {
        Path file = dir.resolve("tiny16.gguf");
        SyntheticModel.write(file, Size.TINY, Precision.F16, 5);
        GgufHeader h = GgufReader.read(file);
        assertThat(h.tensors()).isEqualTo(SyntheticModel.prepare(Size.TINY, Precision.F16, 5)
                .layout());
        long v = SyntheticVocab.standard().size();
        List<String> expected = new ArrayList<>(List.of(
                "token_embd.weight [64, " + v + "] F16"));
        for (int b = 0; b < 2; b++) {
            String p = "blk." + b + ".";
            expected.addAll(List.of(
                    p + "attn_norm.weight [64] F32",
                    p + "attn_q.weight [64, 64] F16",
                    p + "attn_k.weight [64, 32] F16",
                    p + "attn_v.weight [64, 32] F16",
                    p + "attn_output.weight [64, 64] F16",
                    p + "ffn_norm.weight [64] F32",
                    p + "ffn_gate.weight [64, 128] F16",
                    p + "ffn_up.weight [64, 128] F16",
                    p + "ffn_down.weight [128, 64] F16"));
        }
        expected.add("output_norm.weight [64] F32");
        expected.add("output.weight [64, " + v + "] F16");
        assertThat(h.tensors()).extracting(
                t -> t.name() + " " + t.dims() + " " + t.type().orElseThrow())
                .containsExactlyElementsOf(expected);
        for (GgufTensorInfo t : h.tensors()) {
            assertThat(t.offset() % 32).as(t.name()).isZero();
        }
    }

    @Test
    void weightsHaveTheIntendedScales() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        SyntheticModel.write(file, Size.TINY, Precision.F32, 9);
        GgufHeader h = GgufReader.read(file);
        assertThat(stats(TensorData.read(file, h, "token_embd.weight")))
                .satisfies(s -> assertThat(s[0]).isCloseTo(0, within(0.02)))
                .satisfies(s -> assertThat(s[1]).isCloseTo(1, within(0.02)));
        assertThat(stats(TensorData.read(file, h, "blk.1.attn_q.weight"))[1])
                .isCloseTo(1 / 8.0, within(0.005));
        assertThat(stats(TensorData.read(file, h, "blk.0.ffn_down.weight"))[1])
                .isCloseTo(1 / Math.sqrt(128), within(0.005));
        assertThat(TensorData.read(file, h, "blk.0.ffn_norm.weight")).containsOnly(1f);
        assertThat(TensorData.read(file, h, "output_norm.weight")).containsOnly(1f);

        // Output rows are per token: word pieces get logit std ~3, byte tokens a quarter of it.
        float[] out = TensorData.read(file, h, "output.weight");
        SyntheticVocab vocab = SyntheticVocab.standard();
        List<Float> pieceRows = new ArrayList<>();
        List<Float> byteRows = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            int token = i / 64;
            (vocab.type(token) == SyntheticVocab.TYPE_NORMAL ? pieceRows : byteRows).add(out[i]);
        }
        double pieceLogitStd = stats(pieceRows)[1] * Math.sqrt(64);
        assertThat(pieceLogitStd).isCloseTo(SyntheticModel.LOGIT_STD, within(0.1));
        assertThat(stats(byteRows)[1] * Math.sqrt(64)).isCloseTo(
                SyntheticModel.LOGIT_STD * SyntheticModel.NON_TEXT_LOGIT_SCALE, within(0.05));
    }

    private static double[] stats(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return stats(a);
    }

    /** {mean, standard deviation}. */
    private static double[] stats(float[] values) {
        double sum = 0;
        double sq = 0;
        for (float v : values) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / values.length;
        return new double[] {mean, Math.sqrt(sq / values.length - mean * mean)};
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
    }
}
