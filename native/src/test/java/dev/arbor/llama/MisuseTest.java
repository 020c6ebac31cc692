package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every misuse throws a Java exception; the JVM, the model and the context all live on. */
class MisuseTest {
    private static LlamaModel model;
    private LlamaContext context;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @BeforeEach
    void open() {
        context = LlamaContext.create(model,
                ContextParams.builder().nCtx(256).nBatch(16).nSeqMax(4).threads(2).build());
    }

    @AfterEach
    void decodeStillWorksAfterTheMisuse() {
        if (!context.isClosed()) {
            context.kvClear();
            assertThat(Decoding.step(context, 0, 5, 0)).hasSize(model.nVocab());
            context.close();
        }
    }

    @Test
    void closedContext() {
        LlamaContext closed = LlamaContext.create(model, TestModels.smallContext(2));
        closed.close();
        closed.close(); // idempotent
        try (Batch batch = new Batch(1)) {
            batch.add(5, 0, 0, true);
            assertThatThrownBy(() -> closed.decode(batch)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
        assertThatThrownBy(() -> closed.logits(0, new float[model.nVocab()]))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(closed::kvUsedCells).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closed.seqRemove(0, -1, -1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closed.stateSave(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closedModel() {
        LlamaModel other = LlamaModel.load(TestModels.tiny());
        other.close();
        other.close(); // idempotent
        assertThatThrownBy(() -> other.tokenize("hi", true, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> other.detokenize(new int[] {5})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> other.tokenPiece(5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LlamaContext.create(other, TestModels.smallContext(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingAModelThatALiveContextUses() {
        assertThatThrownBy(model::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("live context");
        assertThat(model.isClosed()).isFalse();
    }

    @Test
    void closedBatch() {
        Batch batch = new Batch(2);
        batch.add(5, 0, 0, true);
        batch.close();
        assertThatThrownBy(() -> batch.add(5, 1, 0, true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> context.decode(batch)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void seqIdOutsideTheContext() {
        try (Batch batch = new Batch(1)) {
            batch.add(5, 0, 4, true);
            assertThatThrownBy(() -> context.decode(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("seq id 4");
        }
        assertThatThrownBy(() -> new Batch(1).add(5, 0, -1, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.seqRemove(9, -1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.seqCopy(0, 4, -1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.seqKeep(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.stateSave(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokenOutsideTheVocab() {
        try (Batch batch = new Batch(1)) {
            batch.add(model.nVocab(), 0, 0, true);
            assertThatThrownBy(() -> context.decode(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("vocab");
        }
        assertThatThrownBy(() -> model.tokenPiece(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.detokenize(new int[] {model.nVocab() + 3}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.isEndOfGeneration(model.nVocab())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logitsOfAnEntryThatDidNotAskForThem() {
        try (Batch batch = new Batch(2)) {
            batch.add(5, 0, 0, false);
            batch.add(6, 1, 0, true);
            assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
        }
        float[] row = new float[model.nVocab()];
        assertThatThrownBy(() -> context.logits(0, row)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did not ask for logits");
        assertThatThrownBy(() -> context.logits(2, row)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.logits(-1, row)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.logits(1, new float[3])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.logitsView(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> context.logitsView(10_000)).isInstanceOf(IllegalArgumentException.class);
        context.logits(1, row); // the entry that asked is readable
    }

    @Test
    void batchLargerThanNBatch() {
        int tooMany = context.nBatch() + 1;
        try (Batch batch = new Batch(tooMany)) {
            for (int i = 0; i < tooMany; i++) {
                batch.add(5, i, 0, i == tooMany - 1);
            }
            assertThatThrownBy(() -> context.decode(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nBatch");
        }
        Batch full = new Batch(1);
        full.add(5, 0, 0, true);
        assertThatThrownBy(() -> full.add(6, 1, 0, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("full");
        assertThatThrownBy(() -> context.decode(new Batch(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void aPartialCopyBetweenPerSequenceStreamsIsRefusedInsteadOfAborting() {
        try (LlamaContext streams = LlamaContext.create(model,
                ContextParams.builder().nCtx(1024).nBatch(16).nSeqMax(4).threads(2).kvUnified(false).build())) {
            Decoding.prefill(streams, 0, new int[] {5, 6, 7, 8}, 0);
            assertThatThrownBy(() -> streams.seqCopy(0, 1, 0, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("whole sequence");
            assertThatThrownBy(() -> LlamaNative.seqCopy(streams.openHandle(), 0, 1, 1, -1))
                    .as("the shim checks too").isInstanceOf(IllegalArgumentException.class);
            streams.seqCopy(0, 1, -1, -1);
            assertThat(streams.kvUsedCells()).as("a copy between streams duplicates the cells").isEqualTo(8);
        }
    }

    @Test
    void aBatchThatLlamaCppRejectsThrowsWithItsReason() {
        Decoding.prefill(context, 0, new int[] {5, 6, 7}, 0);
        try (Batch gap = new Batch(1)) {
            gap.add(9, 7, 0, true); // positions of a sequence must continue from its last one
            assertThatThrownBy(() -> context.decode(gap)).isInstanceOf(LlamaException.class)
                    .hasMessageContaining("consecutive");
        }
        assertThat(context.kvUsedCells()).isEqualTo(3);
    }

    @Test
    void garbageStateIsRejected() {
        assertThatThrownBy(() -> context.stateRestore(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1))
                .isInstanceOf(LlamaException.class);
        assertThatThrownBy(() -> context.stateRestore(null, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theShimItselfValidatesWhatJavaHandsIt() {
        // Bypass the Java checks: the C side must still refuse instead of crashing.
        assertThatThrownBy(() -> LlamaNative.decode(0, 1, new int[1], new int[1], new int[] {1}, new int[1],
                new byte[1])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LlamaNative.tokenize(0, new byte[1], true, false))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalidParameters() {
        assertThatThrownBy(() -> ContextParams.builder().nCtx(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nCtx");
        assertThatThrownBy(() -> ContextParams.builder().nBatch(8).nUbatch(16).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nUbatch");
        assertThatThrownBy(() -> new ModelParams(-1, LoadMode.MMAP)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContextParams.builder().nSeqMax(257).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
        assertThatThrownBy(() -> ContextParams.builder().poll(101).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poll");
        assertThatThrownBy(() -> model.tokenize(null, true, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
