package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Contexts decoding on different threads at the same time get the same logits as alone. Every
 * round is compared: llama.cpp b4916 corrupted about one concurrent decode in ten, so Arbor
 * serialized decodes until 0.5.0 proved exact; this test fails if the fault comes back.
 */
class ConcurrentContextsTest {
    @Test
    void contextsSharingAModelDecodeIndependently() throws Exception {
        try (LlamaModel model = LlamaModel.load(TestModels.tiny())) {
            String[] prompts = {"once upon a time there was a king", "the dog and the cat went home",
                "hello world how are you", "we think so and they know"};
            float[][] alone = new float[prompts.length][];
            try (LlamaContext context = LlamaContext.create(model, TestModels.smallContext(1))) {
                for (int i = 0; i < prompts.length; i++) {
                    alone[i] = decodeSteps(model, context, prompts[i]);
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(prompts.length);
            try {
                List<Future<Float>> worst = new ArrayList<>();
                for (int i = 0; i < prompts.length; i++) {
                    String prompt = prompts[i];
                    float[] expected = alone[i];
                    worst.add(pool.submit(() -> {
                        try (LlamaContext context = LlamaContext.create(model, TestModels.smallContext(1))) {
                            float difference = 0;
                            for (int round = 0; round < 25; round++) {
                                difference = Math.max(difference,
                                        Decoding.maxAbsDifference(decodeSteps(model, context, prompt), expected));
                            }
                            return difference;
                        }
                    }));
                }
                for (int i = 0; i < prompts.length; i++) {
                    assertThat(worst.get(i).get()).as("prompt %d, worst round", i).isLessThan(1e-4f);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Prefills a prompt, then 8 greedy steps; returns the final logits. */
    private static float[] decodeSteps(LlamaModel model, LlamaContext context, String prompt) {
        context.kvClear();
        int[] tokens = model.tokenize(prompt, true, false);
        Decoding.prefill(context, 0, tokens, 0);
        float[] logits = context.logits(tokens.length - 1);
        for (int step = 0; step < 8; step++) {
            int next = 0;
            for (int t = 1; t < logits.length; t++) {
                if (logits[t] > logits[next]) {
                    next = t;
                }
            }
            logits = Decoding.step(context, 0, next, tokens.length + step);
        }
        return logits;
    }
}
