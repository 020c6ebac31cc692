package dev.arbor.llama;

import static dev.arbor.llama.Decoding.maxAbsDifference;
import static dev.arbor.llama.Decoding.prefill;
import static dev.arbor.llama.Decoding.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlamaContextTest {
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
        context = LlamaContext.create(model, TestModels.smallContext(8));
    }

    @AfterEach
    void close() {
        context.close();
    }

    private int[] prompt(String text) {
        return model.tokenize(text, true, false);
    }

    @Test
    void reportsItsShape() {
        assertThat(context.nCtx()).isEqualTo(1024);
        assertThat(context.nBatch()).isEqualTo(256);
        assertThat(context.nUbatch()).isEqualTo(256);
        assertThat(context.nSeqMax()).isEqualTo(8);
        assertThat(context.kvUsedCells()).isZero();
    }

    @Test
    void forkedSequencesDecodingTheSameTokenAgree() {
        int[] tokens = prompt("once upon a time there was a");
        prefill(context, 0, tokens, 0);
        int cellsBeforeFork = context.kvUsedCells();
        context.seqCopy(0, 1, -1, -1);
        assertThat(context.kvUsedCells()).as("a fork shares cells").isEqualTo(cellsBeforeFork);

        int next = model.tokenize("king", false, false)[0];
        try (Batch batch = new Batch(2)) {
            batch.add(next, tokens.length, 0, true);
            batch.add(next, tokens.length, 1, true);
            assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
        }
        float[] parent = context.logits(0);
        float[] child = context.logits(1);
        assertThat(maxAbsDifference(parent, child)).isLessThan(1e-4f);
        assertThat(context.kvUsedCells()).isEqualTo(cellsBeforeFork + 2);
    }

    @Test
    void oneBatchOverFourSequencesEqualsFourSingleDecodes() {
        String[] histories = {"the cat", "a dog ran to the", "hello", "we went home and then we"};
        int[] next = model.tokenize("house", false, false);
        float[][] batched = new float[4][];
        float[][] sequential = new float[4][];

        for (int seq = 0; seq < 4; seq++) {
            prefill(context, seq, prompt(histories[seq]), 0);
        }
        try (Batch batch = new Batch(4)) {
            for (int seq = 0; seq < 4; seq++) {
                batch.add(next[0], prompt(histories[seq]).length, seq, true);
            }
            assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
            for (int seq = 0; seq < 4; seq++) {
                batched[seq] = context.logits(seq);
            }
        }

        context.kvClear();
        for (int seq = 0; seq < 4; seq++) {
            int[] history = prompt(histories[seq]);
            prefill(context, seq, history, 0);
            sequential[seq] = step(context, seq, next[0], history.length);
        }
        for (int seq = 0; seq < 4; seq++) {
            assertThat(maxAbsDifference(batched[seq], sequential[seq])).as("seq %d", seq).isLessThan(1e-4f);
        }
        // Different histories really give different rows: the comparison above is not vacuous.
        assertThat(maxAbsDifference(batched[0], batched[1])).isGreaterThan(1e-2f);
    }

    @Test
    void seqRemoveFreesCellsAndSeqKeepKeepsOneSequence() {
        prefill(context, 0, prompt("the first sequence is here"), 0);
        int afterFirst = context.kvUsedCells();
        prefill(context, 1, prompt("and a second one"), 0);
        int afterSecond = context.kvUsedCells();
        assertThat(afterSecond).isGreaterThan(afterFirst);

        assertThat(context.seqRemove(1, 2, -1)).isTrue();
        assertThat(context.kvUsedCells()).isEqualTo(afterFirst + 2);

        context.seqKeep(0);
        assertThat(context.kvUsedCells()).isEqualTo(afterFirst);
        assertThat(context.seqRemove(0, -1, -1)).isTrue();
        assertThat(context.kvUsedCells()).isZero();
    }

    @Test
    void stateRestoredIntoAnotherSequenceGivesTheSameNextTokenLogits() {
        int[] tokens = prompt("the old man and the sea");
        prefill(context, 0, tokens, 0);
        byte[] state = context.stateSave(0);
        assertThat(state).isNotEmpty();

        context.stateRestore(state, 3);
        assertThat(context.kvUsedCells()).as("restore copies cells").isEqualTo(2 * tokens.length);
        int next = model.tokenize("boat", false, false)[0];
        float[] original = step(context, 0, next, tokens.length);
        float[] restored = step(context, 3, next, tokens.length);
        assertThat(maxAbsDifference(original, restored)).isLessThan(1e-4f);
    }

    @Test
    void logitsViewMatchesTheCopiedRow() {
        int[] tokens = prompt("a view of the logits");
        prefill(context, 0, tokens, 0);
        float[] copy = context.logits(tokens.length - 1);
        FloatBuffer view = context.logitsView(tokens.length - 1);
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.remaining()).isEqualTo(model.nVocab());
        float[] fromView = new float[view.remaining()];
        view.get(fromView);
        assertThat(fromView).containsExactly(copy);
    }

    @Test
    void summarizedCopyIsTheRowAndItsSummary() {
        int[] tokens = prompt("the sun is up and the");
        prefill(context, 0, tokens, 0);
        float[] row = new float[model.nVocab()];
        RowSummary summary = new RowSummary();
        context.logits(tokens.length - 1, row, summary);
        assertThat(row).containsExactly(context.logits(tokens.length - 1));
        RowSummary expected = new RowSummary();
        LogitsRows.summarize(row, expected);
        assertThat(summary.max()).isEqualTo(expected.max());
        assertThat(summary.argmax()).isEqualTo(expected.argmax());
        assertThat(summary.logSumExp()).isEqualTo(expected.logSumExp());
    }

    @Test
    void countsTimeInsideDecode() {
        long before = context.decodeCalls();
        prefill(context, 0, prompt("time flies"), 0);
        assertThat(context.decodeCalls()).isEqualTo(before + 1);
        assertThat(context.decodeNanos()).isPositive();
    }
}
