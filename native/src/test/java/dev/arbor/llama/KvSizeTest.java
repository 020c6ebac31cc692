package dev.arbor.llama;

import static dev.arbor.llama.Decoding.prefill;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The KV estimate agrees with what llama.cpp itself stores per token of a sequence. */
class KvSizeTest {
    /**
     * Besides its keys and values, a sequence's saved state holds a few bytes per cell (its
     * position and sequences; 12 bytes in llama.cpp 0.5.0): far less than any model's cell.
     */
    private static final long MOST_HEADER_BYTES = 16;

    static Path[] models() {
        return new Path[] {TestModels.tiny(), Qwen3TestModels.tiny()};
    }

    @ParameterizedTest
    @MethodSource("models")
    void bytesPerCellIsWhatATokenAddsToASequencesState(Path file) {
        try (LlamaModel model = LlamaModel.load(file);
                LlamaContext context = LlamaContext.create(model, TestModels.smallContext(2))) {
            int[] tokens = model.tokenize("once upon a time there was a king who lived in a castle by the sea", true,
                    false);
            int half = tokens.length / 2;
            prefill(context, 0, Arrays.copyOf(tokens, half), 0);
            long before = context.stateSize(0);
            prefill(context, 0, Arrays.copyOfRange(tokens, half, tokens.length), half);
            long after = context.stateSize(0);

            long perToken = (after - before) / (tokens.length - half);
            assertThat(perToken - KvSize.bytesPerCell(model)).as("state bytes per token beyond the estimate")
                    .isBetween(0L, MOST_HEADER_BYTES);
            assertThat(KvSize.bytesFor(model, 1024)).isEqualTo(1024 * KvSize.bytesPerCell(model));
        }
    }
}
