package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.gguf.GgufValue;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged models give a {@link LlamaException} that names the file and the damage, in this JVM:
 * a case that made llama.cpp abort would end the test run, so every case here is one that would
 * have crashed a TaskManager or passes only because Arbor checks it first ({@link ModelFileCheck}).
 * After each case a good model still loads and decodes.
 */
class MalformedModelTest {
    @TempDir
    Path dir;
    private MalformedModels models;
    private int nVocab;

    @BeforeEach
    void source() throws IOException {
        models = new MalformedModels(TestModels.tiny());
        nVocab = models.header().get("tokenizer.ggml.tokens").orElseThrow().asList().size();
    }

    @AfterEach
    void aGoodModelStillWorks() {
        try (LlamaModel model = LlamaModel.load(TestModels.tiny());
                LlamaContext context = LlamaContext.create(model, TestModels.smallContext(1))) {
            assertThat(Decoding.step(context, 0, 5, 0)).hasSize(model.nVocab());
        }
    }

    private static void refused(Path file, String... reasons) {
        assertThatThrownBy(() -> LlamaModel.load(file)).isInstanceOf(LlamaException.class)
                .hasMessageContaining(file.toString()).hasMessageContainingAll(reasons);
    }

    @Test
    void corruptedTensorOffsets() throws IOException {
        int type = models.tensorTypePosition("blk.0.attn_q.weight");
        refused(models.withU64At(dir.resolve("beyond.gguf"), type + 4, 1L << 40), "blk.0.attn_q.weight");
        refused(models.withU64At(dir.resolve("misaligned.gguf"), type + 4, 1), "blk.0.attn_q.weight", "alignment");
        refused(models.withU64At(dir.resolve("overlapping.gguf"), type + 4, 0), "blk.0.attn_q.weight", "offset");
        refused(models.withU32At(dir.resolve("unknown-type.gguf"), type, 99), "blk.0.attn_q.weight", "type 99");
    }

    @Test
    void wrongTensorSizes() throws IOException {
        refused(models.withTensorShape(dir.resolve("embd.gguf"), "token_embd.weight", 63, nVocab),
                "token_embd.weight", "wrong shape");
        refused(models.withTensorShape(dir.resolve("norm.gguf"), "output_norm.weight", 65),
                "output_norm.weight", "wrong shape");
        refused(models.withTensorShape(dir.resolve("output.gguf"), "output.weight", 64, nVocab - 1),
                "output.weight", "wrong shape");
    }

    @Test
    void hugeMetadataStrings() throws IOException {
        refused(models.withU64At(dir.resolve("claims-a-terabyte.gguf"), models.stringLengthPosition("general.name"),
                1L << 40), "string length");
        // A large but real string is fine.
        Path large = models.withMetadata(dir.resolve("large.gguf"), "general.name",
                GgufValue.string("x".repeat(4 << 20)));
        try (LlamaModel model = LlamaModel.load(large)) {
            assertThat(model.metadata("general.name").orElseThrow()).hasSize(4 << 20);
        }
    }

    @Test
    void vocabularyDamage() throws IOException {
        refused(models.withArrayCut(dir.resolve("missing-token.gguf"), "tokenizer.ggml.tokens", nVocab - 1),
                "token_embd.weight", "wrong shape");
        refused(models.withArrayCut(dir.resolve("short-scores.gguf"), "tokenizer.ggml.scores", nVocab - 10),
                "scores");
        refused(models.withArrayCut(dir.resolve("short-types.gguf"), "tokenizer.ggml.token_type", nVocab - 10),
                "toktypes");
        refused(models.withMetadata(dir.resolve("no-tokens.gguf"), "tokenizer.ggml.tokens", null), "vocab");
        refused(models.withMetadata(dir.resolve("int-tokens.gguf"), "tokenizer.ggml.tokens",
                GgufValue.int32Array(new int[nVocab])), "tokenizer.ggml.tokens");
        refused(models.withMetadata(dir.resolve("tokenizer.gguf"), "tokenizer.ggml.model", GgufValue.string("x")),
                "unknown tokenizer");
        refused(models.withMetadata(dir.resolve("bos.gguf"), "tokenizer.ggml.bos_token_id", GgufValue.uint32(nVocab)),
                "tokenizer.ggml.bos_token_id is " + nVocab);
    }

    @Test
    void hyperparametersLlamaCppWouldAbortOn() throws IOException {
        refused(models.withMetadata(dir.resolve("no-layers.gguf"), "llama.block_count", GgufValue.uint32(0)),
                "llama.block_count is 0", "abort");
        refused(models.withMetadata(dir.resolve("many-layers.gguf"), "llama.block_count", GgufValue.uint32(100_000)),
                "llama.block_count is 100000");
        refused(models.withMetadata(dir.resolve("experts.gguf"), "llama.expert_count", GgufValue.uint32(4096)),
                "llama.expert_count is 4096");
        refused(models.withMetadata(dir.resolve("used-experts.gguf"), "llama.expert_used_count", GgufValue.uint32(2)),
                "llama.expert_used_count is 2 for 0 experts");
    }

    @Test
    void hyperparametersLlamaCppRejectsItself() throws IOException {
        refused(models.withMetadata(dir.resolve("no-heads.gguf"), "llama.attention.head_count", GgufValue.uint32(0)),
                "wrong shape");
        refused(models.withMetadata(dir.resolve("kv-heads.gguf"), "llama.attention.head_count_kv",
                GgufValue.uint32(3)), "wrong shape");
        refused(models.withMetadata(dir.resolve("string-heads.gguf"), "llama.attention.head_count",
                GgufValue.string("four")), "llama.attention.head_count", "wrong type");
        refused(models.withMetadata(dir.resolve("arch.gguf"), "general.architecture", GgufValue.string("nonsense")),
                "unknown model architecture");
    }
}
