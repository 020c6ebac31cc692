package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.MemoryKind;
import dev.arbor.llama.ModelMemory;
import org.junit.jupiter.api.Test;

/** Each memory kind's rule for going back in a sequence, on its own (no llama.cpp needed). */
class CutBackTest {
    private static final ModelMemory DENSE = new ModelMemory("llama", MemoryKind.DENSE, 0, 0);
    private static final ModelMemory WINDOW = new ModelMemory("gemma3", MemoryKind.SLIDING_WINDOW, 16, 0);
    private static final ModelMemory HYBRID = new ModelMemory("qwen35", MemoryKind.HYBRID, 0, 0);
    private static final ModelMemory RECURRENT = new ModelMemory("mamba2", MemoryKind.RECURRENT, 0, 0);

    private static Checkpoint at(int position) {
        return new Checkpoint(new CheckpointPool(null, Long.MAX_VALUE), position, new byte[8]);
    }

    @Test
    void theHeadAndADenseModelNeedNothing() {
        assertThat(CutBack.plan(RECURRENT, 50, 50, 49, null).way()).isEqualTo(CutBack.Way.SHARE);
        assertThat(CutBack.plan(DENSE, 50, 10, 0, null).way()).isEqualTo(CutBack.Way.SHARE);
    }

    @Test
    void aWindowIsSharedWhileEveryPositionItAttendsToIsHeld() {
        // Going back to 40 attends to positions from 25 on; llama.cpp still holds 24..49.
        assertThat(CutBack.plan(WINDOW, 50, 40, 24, null).way()).isEqualTo(CutBack.Way.SHARE);
        assertThat(CutBack.windowIntact(16, 40, 24)).isTrue();
        assertThat(CutBack.windowIntact(16, 40, 25)).as("conservative by one: a chunked window needs it").isFalse();
        assertThat(CutBack.windowIntact(16, 10, 0)).isTrue();
        assertThat(CutBack.windowIntact(16, 10, 1)).isFalse();
        CutBack refused = CutBack.plan(WINDOW, 50, 20, 30, null);
        assertThat(refused.way()).isEqualTo(CutBack.Way.REFUSE);
        assertThat(refused.reason()).contains("reused").contains("no checkpoint at or below 20");
    }

    @Test
    void aRecurrentStateGoesBackOnlyByACheckpoint() {
        assertThat(CutBack.plan(HYBRID, 50, 30, 49, null).way()).isEqualTo(CutBack.Way.REFUSE);
        CutBack restore = CutBack.plan(HYBRID, 50, 30, 49, at(30));
        assertThat(restore.way()).isEqualTo(CutBack.Way.RESTORE);
        assertThat(restore.from()).isEqualTo(30);
        CutBack replay = CutBack.plan(RECURRENT, 50, 30, 49, at(20));
        assertThat(replay.way()).isEqualTo(CutBack.Way.REPLAY);
        assertThat(replay.from()).isEqualTo(20);
        assertThat(replay.position()).isEqualTo(30);
        assertThat(CutBack.plan(WINDOW, 50, 20, 30, at(16)).way()).as("a window past reuse replays too")
                .isEqualTo(CutBack.Way.REPLAY);
    }
}
