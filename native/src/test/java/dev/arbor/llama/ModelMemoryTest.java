package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The memory kinds Arbor reads from llama.cpp's facts, and the ones it refuses at load. */
class ModelMemoryTest {
    @Test
    void theKindFollowsLlamaCppsFlagsHybridFirst() {
        assertThat(ModelMemory.of("llama", false, false, false, 0, 0).kind()).isEqualTo(MemoryKind.DENSE);
        assertThat(ModelMemory.of("gemma3", false, false, false, 1024, 0).kind()).isEqualTo(MemoryKind.SLIDING_WINDOW);
        assertThat(ModelMemory.of("mamba2", true, false, false, 0, 0).kind()).isEqualTo(MemoryKind.RECURRENT);
        ModelMemory hybridWindow = ModelMemory.of("lfm2", false, true, false, 512, 0);
        assertThat(hybridWindow.kind()).isEqualTo(MemoryKind.HYBRID);
        assertThat(hybridWindow.describe()).isEqualTo("hybrid (recurrent + attention, sliding window 512)");
        assertThat(ModelMemory.of("qwen3moe", false, false, false, 0, 128).describe())
                .isEqualTo("dense attention, 128 experts");
        assertThat(ModelMemory.of("llama", false, false, false, 0, 0).overwritesHistory()).isFalse();
        assertThat(ModelMemory.of("mamba2", true, false, false, 0, 0).hasAttentionCells()).isFalse();
    }

    @Test
    void memoryArborCannotBranchExactlyIsRefusedNamingWhatItIs() {
        assertThatThrownBy(() -> ModelMemory.of("deepseek32", false, false, false, 0, 256))
                .isInstanceOf(LlamaException.class).hasMessageContaining("'deepseek32'")
                .hasMessageContaining("sparse-attention (DSA) index cache").hasMessageContaining("refused");
        assertThatThrownBy(() -> ModelMemory.of("deepseek4", false, true, false, 128, 256))
                .isInstanceOf(LlamaException.class).hasMessageContaining("compressed");
        assertThatThrownBy(() -> ModelMemory.of("llada", false, false, true, 0, 0))
                .isInstanceOf(LlamaException.class).hasMessageContaining("diffusion");
    }
}
