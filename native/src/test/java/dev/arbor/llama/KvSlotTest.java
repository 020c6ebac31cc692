package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KvSlotTest {
    @Test
    void reportsNoKvSlotWhenFullAndDecodesAgainOnceCellsAreFreed() {
        try (LlamaModel model = LlamaModel.load(TestModels.tiny());
                LlamaContext context = LlamaContext.create(model,
                        ContextParams.builder().nCtx(64).nBatch(32).nSeqMax(2).threads(2).build())) {
            int cells = context.nCtx();
            int filled = 0;
            try (Batch batch = new Batch(32)) {
                while (filled < cells) {
                    batch.clear();
                    for (int i = 0; i < 32; i++) {
                        batch.add(3 + (filled + i) % 50, filled + i, 0, i == 31);
                    }
                    assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
                    filled += 32;
                }
                assertThat(context.kvUsedCells()).isEqualTo(cells);

                batch.clear();
                batch.add(5, 0, 1, true);
                assertThat(context.decode(batch)).isEqualTo(DecodeStatus.NO_KV_SLOT);
                assertThat(context.kvUsedCells()).as("a failed decode leaves no cells").isEqualTo(cells);

                context.seqRemove(0, cells - 8, -1);
                assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
                assertThat(context.logits(0)).hasSize(model.nVocab());
                assertThat(context.kvUsedCells()).isEqualTo(cells - 7);
            }
        }
    }
}
