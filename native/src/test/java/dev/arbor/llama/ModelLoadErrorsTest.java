package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoadErrorsTest {
    @TempDir
    Path dir;

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.gguf");
        assertThatThrownBy(() -> LlamaModel.load(missing)).isInstanceOf(LlamaException.class)
                .hasMessageContaining("not found").hasMessageContaining(missing.toString());
    }

    @Test
    void nonGgufFile() throws IOException {
        Path text = Files.writeString(dir.resolve("readme.gguf"), "this is not a model");
        assertThatThrownBy(() -> LlamaModel.load(text)).isInstanceOf(LlamaException.class)
                .hasMessageContaining("not a GGUF file").hasMessageContaining(text.toString());
    }

    @Test
    void truncatedGguf() throws IOException {
        byte[] whole = Files.readAllBytes(TestModels.tiny());
        for (int keep : new int[] {6, 64, whole.length / 2, whole.length - 100}) {
            Path truncated = Files.write(dir.resolve("truncated-" + keep + ".gguf"), Arrays.copyOf(whole, keep));
            assertThatThrownBy(() -> LlamaModel.load(truncated)).as("truncated to %d bytes", keep)
                    .isInstanceOf(LlamaException.class)
                    .hasMessageContaining(truncated.toString());
        }
        // llama.cpp's own reason travels in the message, not only in the log.
        Path cut = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(whole, whole.length - 100));
        assertThatThrownBy(() -> LlamaModel.load(cut)).hasMessageContaining("truncated");
    }

    @Test
    void directoryInsteadOfAFile() {
        assertThatThrownBy(() -> LlamaModel.load(dir)).isInstanceOf(LlamaException.class)
                .hasMessageContaining(dir.toString());
    }
}
