package dev.arbor.llama;

import static dev.arbor.llama.Decoding.prefill;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.SyntheticArchitecture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a model's memory costs, per kind, agrees with what llama.cpp itself stores: attention cells
 * where the model has attention, window cells where it has a window, a recurrent state per sequence
 * where it has one; a sequence of n tokens saves what the sizing says.
 */
class MemorySizingTest {
    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void eachKindCostsWhatLlamaCppStores(SyntheticArchitecture arch) {
        try (LlamaModel model = LlamaModel.load(ArchitectureTestModels.tiny(arch))) {
            MemorySizing sizing = MemorySizing.measure(model);
            ModelMemory memory = model.memory();
            assertThat(sizing.bytesPerCell() > 0).as("attention cells").isEqualTo(memory.hasAttentionCells());
            assertThat(sizing.windowBytesPerCell() > 0).as("window cells").isEqualTo(memory.slidingWindow() > 0);
            assertThat(sizing.stateBytes() > 0).as("recurrent state").isEqualTo(memory.hasRecurrentState());

            ContextParams params = ContextParams.builder().nCtx(1024).nBatch(64).nSeqMax(4).threads(2).build();
            try (LlamaContext context = LlamaContext.create(model, params)) {
                int[] tokens = new int[10];
                java.util.Arrays.fill(tokens, 5);
                prefill(context, 0, java.util.Arrays.copyOf(tokens, 5), 0);
                long five = context.stateSize(0);
                prefill(context, 0, java.util.Arrays.copyOfRange(tokens, 5, 10), 5);
                long ten = context.stateSize(0);
                assertThat((ten - five) / 5).as("what a token adds to a saved sequence")
                        .isEqualTo(sizing.bytesPerToken() + (memory.hasAttentionCells() ? MemorySizing.CELL_HEADER_BYTES
                                * (memory.slidingWindow() > 0 ? 2 : 1) : 0));
                if (memory.overwritesHistory()) {
                    assertThat(context.partialStateSize(0)).as("a checkpoint of ten tokens, a few header bytes aside")
                            .isBetween(sizing.checkpointBytes(10, params),
                            sizing.checkpointBytes(10, params) + 64);
                }
            }
            assertThat(sizing.contextBytes(params)).isEqualTo(sizing.bytesPerCell() * 1024
                    + sizing.windowBytesPerCell() * sizing.windowCells(params) + sizing.stateBytes() * 4);
            if (memory.slidingWindow() > 0) {
                assertThat(sizing.windowCells(params)).as("16 x 4 + 64, padded").isEqualTo(256);
                assertThat(sizing.windowCells(params.toBuilder().swaFull(true).build())).isEqualTo(1024);
            }
        }
    }
}
