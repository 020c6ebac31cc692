package dev.arbor.llama;

import static dev.arbor.llama.Decoding.maxAbsDifference;
import static dev.arbor.llama.Decoding.prefill;
import static dev.arbor.llama.Decoding.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.SyntheticModel.Precision;
import dev.arbor.llama.gguf.SyntheticModel.Size;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decoding the qwen3 model (q/k norms, grouped-query attention, head dimension wider than
 * n_embd / n_head) in batches gives the logits of decoding one token at a time, within the 1e-3
 * that llama.cpp's kernels differ by between batch shapes.
 */
class Qwen3DecodeTest {
    private static final float TOLERANCE = 1e-3f;
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Qwen3TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void loadsInBothPrecisionsAndDecodesToFiniteLogits(Precision precision) {
        try (LlamaModel m = LlamaModel.load(Qwen3TestModels.file(Size.TINY, precision));
                LlamaContext context = LlamaContext.create(m, TestModels.smallContext(1))) {
            assertThat(m.description()).isEqualTo("qwen3 ?B " + (precision == Precision.F16 ? "F16" : "all F32"));
            int[] prompt = m.tokenize("hello world 🌳", true, false);
            prefill(context, 0, prompt, 0);
            for (float logit : context.logits(prompt.length - 1)) {
                assertThat(Float.isFinite(logit)).isTrue();
            }
        }
    }

    @Test
    void aPromptDecodedAsOneBatchEqualsItDecodedTokenByToken() {
        int[] prompt = model.tokenize("Once upon a time there was a king 👑 who lived by the sea", false, false);
        float[][] batched = new float[prompt.length][];
        try (LlamaContext context = LlamaContext.create(model, TestModels.smallContext(1));
                Batch batch = new Batch(prompt.length)) {
            for (int i = 0; i < prompt.length; i++) {
                batch.add(prompt[i], i, 0, true);
            }
            assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
            for (int i = 0; i < prompt.length; i++) {
                batched[i] = context.logits(i);
            }
        }
        try (LlamaContext context = LlamaContext.create(model, TestModels.smallContext(1))) {
            for (int i = 0; i < prompt.length; i++) {
                float[] single = step(context, 0, prompt[i], i);
                assertThat(maxAbsDifference(batched[i], single)).as("position %d", i).isLessThan(TOLERANCE);
            }
        }
        // Positions see different histories: the comparison is not vacuous.
        assertThat(maxAbsDifference(batched[0], batched[prompt.length - 1])).isGreaterThan(0.1f);
    }

    @Test
    void oneBatchOverFourSequencesEqualsFourSingleDecodes() {
        String[] histories = {"the cat", "a dog ran to the", "你好，世界", "we went home and then we"};
        int next = model.tokenize(" house", false, false)[0];
        float[][] batched = new float[4][];
        float[][] sequential = new float[4][];
        try (LlamaContext context = LlamaContext.create(model, TestModels.smallContext(4))) {
            for (int seq = 0; seq < 4; seq++) {
                prefill(context, seq, tokens(histories[seq]), 0);
            }
            try (Batch batch = new Batch(4)) {
                for (int seq = 0; seq < 4; seq++) {
                    batch.add(next, tokens(histories[seq]).length, seq, true);
                }
                assertThat(context.decode(batch)).isEqualTo(DecodeStatus.OK);
                for (int seq = 0; seq < 4; seq++) {
                    batched[seq] = context.logits(seq);
                }
            }
            context.kvClear();
            for (int seq = 0; seq < 4; seq++) {
                int[] history = tokens(histories[seq]);
                prefill(context, seq, history, 0);
                sequential[seq] = step(context, seq, next, history.length);
            }
        }
        for (int seq = 0; seq < 4; seq++) {
            assertThat(maxAbsDifference(batched[seq], sequential[seq])).as("seq %d", seq).isLessThan(TOLERANCE);
        }
        assertThat(maxAbsDifference(batched[0], batched[1])).isGreaterThan(1e-2f);
    }

    @Test
    void greedyTextIsPeakedButNeitherOneHotNorOneRepeatedToken() {
        int[] prompt = tokens("Once upon a time");
        Set<Integer> distinct = new HashSet<>();
        double topProbabilitySum = 0;
        int steps = 32;
        try (LlamaContext context = LlamaContext.create(model, TestModels.smallContext(1))) {
            prefill(context, 0, prompt, 0);
            float[] logits = context.logits(prompt.length - 1);
            for (int i = 0; i < steps; i++) {
                int best = argmax(logits);
                topProbabilitySum += topProbability(logits, best);
                distinct.add(best);
                logits = step(context, 0, best, prompt.length + i);
            }
        }
        assertThat(distinct).as("distinct greedy tokens").hasSizeGreaterThan(steps / 2);
        assertThat(topProbabilitySum / steps).as("mean probability of the greedy token").isBetween(0.1, 0.9);
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int t = 1; t < logits.length; t++) {
            best = logits[t] > logits[best] ? t : best;
        }
        return best;
    }

    private static double topProbability(float[] logits, int best) {
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - logits[best]);
        }
        return 1 / sum;
    }

    private static int[] tokens(String text) {
        return model.tokenize(text, true, false);
    }
}
