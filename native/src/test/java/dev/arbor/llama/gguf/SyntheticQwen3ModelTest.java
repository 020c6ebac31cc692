package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import dev.arbor.llama.gguf.SyntheticQwen3Model.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticQwen3ModelTest {

    @TempDir
    Path dir;

    @Test
    void shapesHaveGroupedQueryAttentionAndAnExplicitHeadDimension() {
        Shape tiny = Shape.of(Size.TINY);
        assertThat(List.of(tiny.nEmbd(), tiny.nLayer(), tiny.nHead(), tiny.nHeadKv(), tiny.headDim(), tiny.nFf(),
                tiny.contextLength())).containsExactly(64, 2, 4, 2, 32, 128, 2048);
        for (Size size : Size.values()) {
            Shape s = Shape.of(size);
            assertThat(s.nHeadKv()).as("GQA").isLessThan(s.nHead());
            assertThat(s.nHead() % s.nHeadKv()).isZero();
            assertThat(s.headDim()).as("head dim is not n_embd / n_head").isNotEqualTo(s.nEmbd() / s.nHead());
            assertThat(s.qDim()).isEqualTo(s.nHead() * s.headDim());
        }
        assertThat(tiny.parameterCount()).isBetween(150_000L, 250_000L);
        assertThat(Shape.of(Size.SMALL).parameterCount()).isBetween(14_000_000L, 17_000_000L);
    }

    @Test
    void sameArgumentsGiveIdenticalBytesAndOtherSeedsDiffer() throws IOException {
        for (Precision p : Precision.values()) {
            Path a = dir.resolve("a-" + p + ".gguf");
            Path b = dir.resolve("b-" + p + ".gguf");
            Path c = dir.resolve("c-" + p + ".gguf");
            SyntheticQwen3Model.write(a, Size.TINY, p, 42);
            SyntheticArchitecture.QWEN3.write(b, Size.TINY, p, 42);
            SyntheticQwen3Model.write(c, Size.TINY, p, 43);
            assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
            assertThat(Files.size(c)).isEqualTo(Files.size(a));
            assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
        }
    }

    /**
     * Pins the bytes across JVMs and machines. If this fails after a deliberate change to the
     * corpus, the merges, the template, the weight recipe or the writer, update the digest: files
     * cached from the old version are then stale.
     */
    @Test
    void tinyModelBytesArePinned() throws Exception {
        Path file = dir.resolve("pinned.gguf");
        SyntheticQwen3Model.write(file, Size.TINY, Precision.F32, 42);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        assertThat(HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)))).isEqualTo(PINNED_TINY_F32_SEED42);
    }

    private static final String PINNED_TINY_F32_SEED42 =
            "dcbd7b742fb328aa2e154ce0df59e2f59887bc6fefeee35b8276b439dd3d3146";

    @Test
    void metadataDescribesAQwen3ModelWithAByteLevelVocabularyAndAChatTemplate() throws IOException {
        Path file = dir.resolve("tiny16.gguf");
        SyntheticQwen3Model.write(file, Size.TINY, Precision.F16, 5);
        GgufHeader h = GgufReader.read(file);
        assertThat(h.architecture()).contains("qwen3");
        assertThat(h.get("general.name").orElseThrow().asString()).isEqualTo("arbor-synthetic-qwen3-tiny");
        assertThat(h.get("general.file_type")).contains(GgufValue.uint32(1));
        assertThat(h.get("qwen3.context_length")).contains(GgufValue.uint32(2048));
        assertThat(h.get("qwen3.embedding_length")).contains(GgufValue.uint32(64));
        assertThat(h.get("qwen3.block_count")).contains(GgufValue.uint32(2));
        assertThat(h.get("qwen3.feed_forward_length")).contains(GgufValue.uint32(128));
        assertThat(h.get("qwen3.attention.head_count")).contains(GgufValue.uint32(4));
        assertThat(h.get("qwen3.attention.head_count_kv")).contains(GgufValue.uint32(2));
        assertThat(h.get("qwen3.attention.key_length")).contains(GgufValue.uint32(32));
        assertThat(h.get("qwen3.attention.value_length")).contains(GgufValue.uint32(32));
        assertThat(h.get("qwen3.attention.layer_norm_rms_epsilon")).contains(GgufValue.float32(1e-6f));
        assertThat(h.get("qwen3.rope.freq_base")).contains(GgufValue.float32(1_000_000f));
        assertThat(h.metadata().keySet()).noneMatch(k -> k.startsWith("llama."));

        ByteLevelVocab vocab = ByteLevelVocab.standard();
        assertThat(h.get("tokenizer.ggml.model")).contains(GgufValue.string("gpt2"));
        assertThat(h.get("tokenizer.ggml.pre")).contains(GgufValue.string("qwen2"));
        assertThat(h.get("tokenizer.ggml.tokens").orElseThrow().asList()).isEqualTo(vocab.tokens());
        assertThat(h.get("tokenizer.ggml.merges").orElseThrow().asList()).isEqualTo(vocab.merges());
        assertThat(h.get("tokenizer.ggml.token_type").orElseThrow().asList()).hasSize(vocab.size())
                .endsWith(1, 3, 3, 3);
        assertThat(h.get("tokenizer.ggml.scores")).isEmpty();
        assertThat(h.get("tokenizer.ggml.bos_token_id")).contains(GgufValue.uint32(vocab.endOfTextId()));
        assertThat(h.get("tokenizer.ggml.eos_token_id")).contains(GgufValue.uint32(vocab.turnEndId()));
        assertThat(h.get("tokenizer.ggml.eot_token_id")).contains(GgufValue.uint32(vocab.turnEndId()));
        assertThat(h.get("tokenizer.ggml.padding_token_id")).contains(GgufValue.uint32(vocab.endOfTextId()));
        assertThat(h.get("tokenizer.ggml.add_bos_token")).contains(GgufValue.bool(false));
        assertThat(h.get("tokenizer.chat_template")).contains(GgufValue.string(ChatMlTemplate.TEXT));
    }

    @Test
    void chatTemplateIsOneLlamaCppDetectsAsChatml() {
        // llama.cpp 0.5.0 calls a template chatml when it contains <|im_start|> and neither the
        // phi4 nor the SmolVLM marker; the rendering it then produces is the documented one.
        assertThat(ChatMlTemplate.TEXT).contains("<|im_start|>").doesNotContain("<|im_sep|>", "<end_of_utterance>")
                .contains("add_generation_prompt");
        assertThat(ChatMlTemplate.EXAMPLE_RENDERING).isEqualTo(
                "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void tensorsHaveQwen3ShapesAndPrecisions() throws IOException {
        Path file = dir.resolve("tiny16.gguf");
        SyntheticQwen3Model.write(file, Size.TINY, Precision.F16, 5);
        GgufHeader h = GgufReader.read(file);
        assertThat(h.tensors()).isEqualTo(SyntheticQwen3Model.prepare(Size.TINY, Precision.F16, 5).layout());
        long v = ByteLevelVocab.standard().size();
        List<String> expected = new ArrayList<>(List.of("token_embd.weight [64, " + v + "] F16"));
        for (int b = 0; b < 2; b++) {
            String p = "blk." + b + ".";
            expected.addAll(List.of(
                    p + "attn_norm.weight [64] F32",
                    p + "attn_q.weight [64, 128] F16",
                    p + "attn_k.weight [64, 64] F16",
                    p + "attn_v.weight [64, 64] F16",
                    p + "attn_q_norm.weight [32] F32",
                    p + "attn_k_norm.weight [32] F32",
                    p + "attn_output.weight [128, 64] F16",
                    p + "ffn_norm.weight [64] F32",
                    p + "ffn_gate.weight [64, 128] F16",
                    p + "ffn_up.weight [64, 128] F16",
                    p + "ffn_down.weight [128, 64] F16"));
        }
        expected.add("output_norm.weight [64] F32");
        expected.add("output.weight [64, " + v + "] F16");
        assertThat(h.tensors()).extracting(t -> t.name() + " " + t.dims() + " " + t.type().orElseThrow())
                .containsExactlyElementsOf(expected);
        assertThat(h.tensors()).allMatch(t -> t.offset() % 32 == 0);
    }

    @Test
    void tensorsHoldExactlyTheParameterCount() {
        // From the layout, so SMALL is checked without writing 60 MB.
        for (Size size : Size.values()) {
            List<GgufTensorInfo> layout = SyntheticQwen3Model.prepare(size, Precision.F32, 1).layout();
            assertThat(layout).hasSize(3 + 11 * Shape.of(size).nLayer());
            long elements = layout.stream().mapToLong(GgufTensorInfo::elementCount).sum();
            assertThat(elements).as(size.name()).isEqualTo(Shape.of(size).parameterCount());
        }
    }

    @Test
    void fileSizesFollowFromTheParameterCount() throws IOException {
        long params = Shape.of(Size.TINY).parameterCount();
        long f32 = sizeOf(Precision.F32);
        long f16 = sizeOf(Precision.F16);
        assertThat(f32).isBetween(4 * params, 4 * params + 64 * 1024);
        assertThat((double) f16 / f32).isBetween(0.45, 0.55);
    }

    private long sizeOf(Precision precision) throws IOException {
        Path file = dir.resolve("tiny-" + precision + ".gguf");
        SyntheticQwen3Model.write(file, Size.TINY, precision, 1);
        return Files.size(file);
    }

    @Test
    void weightsHaveTheIntendedScales() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        SyntheticQwen3Model.write(file, Size.TINY, Precision.F32, 9);
        GgufHeader h = GgufReader.read(file);
        assertThat(WeightStats.std(TensorData.read(file, h, "token_embd.weight"))).isCloseTo(1, within(0.02));
        assertThat(WeightStats.std(TensorData.read(file, h, "blk.0.attn_k.weight"))).isCloseTo(1 / 8.0, within(0.006));
        assertThat(WeightStats.std(TensorData.read(file, h, "blk.1.attn_output.weight")))
                .isCloseTo(1 / Math.sqrt(128), within(0.005));
        assertThat(TensorData.read(file, h, "blk.0.attn_q_norm.weight")).containsOnly(1f);
        assertThat(TensorData.read(file, h, "blk.1.attn_k_norm.weight")).containsOnly(1f);

        // Output rows are per token: text pieces get logit std ~3, everything else a quarter of it.
        float[] out = TensorData.read(file, h, "output.weight");
        ByteLevelVocab vocab = ByteLevelVocab.standard();
        List<Float> text = new ArrayList<>();
        List<Float> other = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            (vocab.isText(i / 64) ? text : other).add(out[i]);
        }
        assertThat(WeightStats.std(text) * Math.sqrt(64)).isCloseTo(SyntheticModel.LOGIT_STD, within(0.1));
        assertThat(WeightStats.std(other) * Math.sqrt(64)).isCloseTo(
                SyntheticModel.LOGIT_STD * SyntheticModel.NON_TEXT_LOGIT_SCALE, within(0.05));
    }
}
