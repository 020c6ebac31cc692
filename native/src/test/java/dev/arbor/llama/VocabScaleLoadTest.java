package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import dev.arbor.llama.gguf.VocabScaleModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** llama.cpp loads a synthetic qwen3 model with a large made-up vocabulary, tokenizes with it and decodes. */
class VocabScaleLoadTest {
    @TempDir
    Path dir;

    @Test
    void loadsTokenizesAndDecodes() throws Exception {
        Path file = dir.resolve("vocab.gguf");
        VocabScaleModel.write(file, SyntheticQwen3Model.Shape.of(SyntheticModel.Size.TINY), 30_000,
                SyntheticModel.Precision.F32, 5);
        try (LlamaModel model = LlamaModel.load(file)) {
            assertThat(model.nVocab()).isEqualTo(30_000);
            String text = "Once upon a time, the king said: \"hello\" 42 times.";
            int[] tokens = model.tokenize(text, false, false);
            assertThat(model.detokenize(tokens)).isEqualTo(text);
            try (LlamaContext context = LlamaContext.create(model, TestModels.smallContext(2))) {
                Decoding.prefill(context, 0, tokens, 0);
                float[] row = context.logits(tokens.length - 1);
                assertThat(row).hasSize(30_000);
                RowSummary summary = new RowSummary();
                LogitsRows.summarize(row, summary);
                assertThat(summary.logSumExp()).isFinite().isGreaterThan(summary.max());
            }
        }
    }
}
