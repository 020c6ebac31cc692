package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level vocabularies of a real model's size, and the qwen3 models written with them. */
class VocabScaleModelTest {
    private static final ByteLevelVocab STANDARD = ByteLevelVocab.standard();

    @TempDir
    Path dir;

    @Test
    void aLargeVocabularyExtendsTheStandardOneWithValidMergesUpToTheExactSize() {
        int size = 20_000;
        ByteLevelVocab vocab = ByteLevelVocab.ofSize(size);
        assertThat(vocab.size()).isEqualTo(size);
        assertThat(new HashSet<>(vocab.tokens())).hasSize(size);
        int learned = STANDARD.size() - 3;
        assertThat(vocab.tokens().subList(0, learned)).isEqualTo(STANDARD.tokens().subList(0, learned));
        assertThat(vocab.merges().subList(0, STANDARD.merges().size())).isEqualTo(STANDARD.merges());
        assertThat(vocab.tokens().subList(size - 3, size)).containsExactly("<|endoftext|>", "<|im_start|>",
                "<|im_end|>");
        assertThat(vocab.turnEndId()).isEqualTo(size - 1);
        Set<String> joined = new HashSet<>();
        for (String merge : vocab.merges()) {
            String[] parts = merge.split(" ");
            assertThat(parts).as(merge).hasSize(2);
            int result = vocab.idOf(parts[0] + parts[1]);
            assertThat(vocab.idOf(parts[0])).as(merge).isNotNegative().isLessThan(result);
            assertThat(vocab.idOf(parts[1])).as(merge).isNotNegative().isLessThan(result);
            joined.add(parts[0] + parts[1]);
        }
        for (int id = learned; id < size - 3; id++) {
            assertThat(joined).contains(vocab.token(id));
            assertThat(vocab.isText(id)).as("made-up tokens are text: %s", vocab.token(id)).isTrue();
            assertThat(vocab.bytes(id).length).isLessThanOrEqualTo(2 * MadeUpMerges.MAX_PART_BYTES);
        }
    }

    @Test
    void theSameSizeGivesTheSameVocabularyAndTheStandardSizeTheStandardOne() {
        assertThat(ByteLevelVocab.ofSize(3_000).tokens()).isEqualTo(ByteLevelVocab.ofSize(3_000).tokens());
        assertThat(ByteLevelVocab.ofSize(STANDARD.size())).isSameAs(STANDARD);
        assertThatThrownBy(() -> ByteLevelVocab.ofSize(STANDARD.size() - 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void qwen3sVocabularySizeIsReached() {
        ByteLevelVocab vocab = ByteLevelVocab.ofSize(151_936);
        assertThat(vocab.size()).isEqualTo(151_936);
        assertThat(vocab.merges()).hasSize(151_936 - 256 - 3);
    }

    @Test
    void sameArgumentsGiveIdenticalBytesAndTheNameSaysShapeAndVocabulary() throws Exception {
        SyntheticQwen3Model.Shape shape = SyntheticQwen3Model.Shape.of(Size.TINY);
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        VocabScaleModel.write(a, shape, 4_000, Precision.F16, 3);
        VocabScaleModel.write(b, shape, 4_000, Precision.F16, 3);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        GgufHeader header = GgufReader.read(a);
        assertThat(header.get("general.name").orElseThrow().asString()).isEqualTo("arbor-synthetic-qwen3-e64-l2-v4000");
        assertThat(header.get("tokenizer.ggml.tokens").orElseThrow().asList()).hasSize(4_000);
    }

    @Test
    void theCacheNamesTheFileAfterShapeVocabularyPrecisionAndSeed() {
        String previous = System.setProperty(SyntheticModels.CACHE_PROPERTY, dir.toString());
        try {
            Path file = SyntheticModels.cachedQwen3(SyntheticQwen3Model.Shape.of(Size.TINY), 3_000, Precision.F32, 9);
            assertThat(file.getFileName()).hasToString("synthetic-qwen3-e64-l2-v3000-f32-9.gguf");
            assertThat(file).isRegularFile();
            assertThat(List.of(dir.toFile().list())).containsExactly(file.getFileName().toString());
        } finally {
            if (previous == null) {
                System.clearProperty(SyntheticModels.CACHE_PROPERTY);
            } else {
                System.setProperty(SyntheticModels.CACHE_PROPERTY, previous);
            }
        }
    }
}
