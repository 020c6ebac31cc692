package dev.arbor.llama.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model cache keys on the architecture as well as size, precision and seed. */
class SyntheticModelsTest {
    @TempDir
    Path dir;
    private String previous;

    @BeforeEach
    void useTemporaryCache() {
        previous = System.setProperty(SyntheticModels.CACHE_PROPERTY, dir.toString());
    }

    @AfterEach
    void restoreCache() {
        if (previous == null) {
            System.clearProperty(SyntheticModels.CACHE_PROPERTY);
        } else {
            System.setProperty(SyntheticModels.CACHE_PROPERTY, previous);
        }
    }

    @Test
    void eachArchitectureGetsItsOwnFileWithItsOwnBytes() throws Exception {
        Path llama = SyntheticModels.cached(SyntheticArchitecture.LLAMA, Size.TINY, Precision.F32, 42);
        Path qwen3 = SyntheticModels.cached(SyntheticArchitecture.QWEN3, Size.TINY, Precision.F32, 42);
        assertThat(llama.getFileName()).hasToString("synthetic-tiny-f32-42.gguf");
        assertThat(qwen3.getFileName()).hasToString("synthetic-qwen3-tiny-f32-42.gguf");
        assertThat(SyntheticModels.cached(Size.TINY, Precision.F32, 42)).as("the llama default").isEqualTo(llama);

        Path freshLlama = dir.resolve("fresh-llama.gguf");
        Path freshQwen3 = dir.resolve("fresh-qwen3.gguf");
        SyntheticModel.write(freshLlama, Size.TINY, Precision.F32, 42);
        SyntheticQwen3Model.write(freshQwen3, Size.TINY, Precision.F32, 42);
        assertThat(Files.readAllBytes(llama)).isEqualTo(Files.readAllBytes(freshLlama));
        assertThat(Files.readAllBytes(qwen3)).isEqualTo(Files.readAllBytes(freshQwen3));
        assertThat(GgufReader.read(qwen3).architecture()).contains("qwen3");
    }

    @Test
    void everyArchitectureHasItsOwnFileName() {
        Set<String> names = new HashSet<>();
        for (SyntheticArchitecture arch : SyntheticArchitecture.values()) {
            assertThat(names.add(SyntheticModels.fileName(arch, Size.SMALL, Precision.F16, 1))).as(arch.name())
                    .isTrue();
        }
        assertThat(SyntheticModels.fileName(SyntheticArchitecture.QWEN35, Size.SMALL, Precision.F16, 1))
                .isEqualTo("synthetic-qwen35-small-f16-1.gguf");
    }

    @Test
    void aCachedFileIsReusedNotRewritten() throws Exception {
        Path first = SyntheticModels.cached(SyntheticArchitecture.QWEN3, Size.TINY, Precision.F16, 7);
        FileTime marked = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first, marked);
        Path again = SyntheticModels.cached(SyntheticArchitecture.QWEN3, Size.TINY, Precision.F16, 7);
        assertThat(again).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(again)).isEqualTo(marked);
        assertThat(SyntheticModels.cached(SyntheticArchitecture.QWEN3, Size.TINY, Precision.F16, 8)).isNotEqualTo(first);
    }
}
