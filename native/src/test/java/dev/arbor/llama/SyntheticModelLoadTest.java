package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every synthetic size and precision loads in llama.cpp and decodes to finite logits. */
class SyntheticModelLoadTest {
    @ParameterizedTest
    @CsvSource({"TINY, F32", "TINY, F16", "SMALL, F32", "SMALL, F16"})
    void loadsAndDecodes(Size size, Precision precision) {
        Path file = TestModels.file(size, precision);
        try (LlamaModel model = LlamaModel.load(file);
                LlamaContext context = LlamaContext.create(model, TestModels.smallContext(1))) {
            assertThat(model.nEmbd()).isEqualTo(size.nEmbd());
            assertThat(model.description()).contains(precision == Precision.F16 ? "F16" : "F32");
            int[] prompt = model.tokenize("hello world", true, false);
            Decoding.prefill(context, 0, prompt, 0);
            float[] logits = context.logits(prompt.length - 1);
            for (float logit : logits) {
                assertThat(Float.isFinite(logit)).isTrue();
            }
        }
    }
}
