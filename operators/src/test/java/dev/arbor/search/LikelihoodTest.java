package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.Batch;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The engine's teacher-forced likelihood equals one decode of prompt + continuation with every row read. */
class LikelihoodTest {
    @Test
    void matchesAFullDecodeAndRunsAlongsideSearches() throws Exception {
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny());
                EngineFixture fixture = new EngineFixture(model, 2048, 8)) {
            String[][] cases = {{"once upon a time", " there was a king"}, {"the old man", " and the sea"},
                {"hello", " world how are you"}};
            List<CompletableFuture<LikelihoodResult>> measured = new ArrayList<>();
            List<CompletableFuture<SearchOutcome>> searches = new ArrayList<>();
            for (int i = 0; i < cases.length; i++) {
                searches.add(fixture.engine.submit(SearchRequest.builder("search-" + i).prompt(cases[i][0]).width(3)
                        .maxNewTokens(6).build()));
                measured.add(fixture.engine.likelihood("ref-" + i, cases[i][0], cases[i][1]));
            }
            for (int i = 0; i < cases.length; i++) {
                LikelihoodResult result = measured.get(i).get();
                assertThat(result.isError()).isFalse();
                double[] expected = reference(model, cases[i][0], cases[i][1]);
                assertThat(result.tokenLogprobs()).hasSize(expected.length);
                double sum = 0;
                for (int t = 0; t < expected.length; t++) {
                    assertThat((double) result.tokenLogprobs()[t]).isCloseTo(expected[t], Offset.offset(1e-3));
                    sum += expected[t];
                }
                assertThat(result.sumLogprob()).isCloseTo(sum, Offset.offset(1e-3));
                assertThat(result.perplexity()).isCloseTo(Math.exp(-sum / expected.length), org.assertj.core.data.Percentage.withPercentage(0.1));
                assertThat(searches.get(i).get().isError()).isFalse();
            }
            LikelihoodResult empty = fixture.engine.likelihood("empty", "hello", "").get();
            assertThat(empty.error().code()).isEqualTo(ErrorCode.INVALID_PARAMS);
            LikelihoodResult noPrompt = fixture.engine.likelihood("no-prompt", null, "x").get();
            assertThat(noPrompt.error().code()).isEqualTo(ErrorCode.EMPTY_PROMPT);
            fixture.assertIdleAndEmpty();
        }
    }

    /** log p(continuation token t | prompt, earlier continuation tokens), from one decode with all rows. */
    private static double[] reference(LlamaModel model, String prompt, String continuation) {
        int[] head = model.tokenize(prompt, true, false);
        int[] tail = model.tokenize(continuation, false, false);
        try (LlamaContext context = LlamaContext.create(model, ContextParams.builder().nCtx(512).nSeqMax(1).threads(2)
                .build()); Batch batch = new Batch(head.length + tail.length)) {
            for (int i = 0; i < head.length + tail.length; i++) {
                int token = i < head.length ? head[i] : tail[i - head.length];
                batch.add(token, i, 0, true);
            }
            context.decode(batch);
            double[] logprobs = new double[tail.length];
            for (int t = 0; t < tail.length; t++) {
                float[] row = context.logits(head.length - 1 + t);
                double max = Double.NEGATIVE_INFINITY;
                for (float v : row) {
                    max = Math.max(max, v);
                }
                double z = 0;
                for (float v : row) {
                    z += Math.exp(v - max);
                }
                logprobs[t] = row[tail[t]] - max - Math.log(z);
            }
            return logprobs;
        }
    }
}
