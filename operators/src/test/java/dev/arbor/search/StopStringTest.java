package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Through the engine: a stop string spanning two generated tokens ends the completion before it. */
class StopStringTest {
    @Test
    void stopStringAcrossATokenBoundaryEndsTheCompletion() {
        try (LlamaModel model = LlamaModel.load(SearchTestModels.tiny());
                EngineFixture fixture = new EngineFixture(model, 2048, 4)) {
            SearchRequest.Builder greedy = SearchRequest.builder("greedy").prompt("once upon a time the king")
                    .strategy(SearchStrategy.BEST_OF_N).width(1).maxNewTokens(16).sampler(SamplerParams.greedy());
            SearchOutcome free = fixture.run(greedy.build());
            int[] tokens = free.winner().tokens();
            // A stop string made of the last two characters of token 3 and the first of token 4.
            String before = piece(model, tokens, 0, 4);
            String through = piece(model, tokens, 0, 5);
            assertThat(before.length()).isGreaterThanOrEqualTo(2);
            String stop = through.substring(before.length() - 2, before.length() + 1);
            int expectedCut = through.indexOf(stop);

            SearchOutcome stopped = fixture.run(greedy.stop(List.of(stop)).build());
            assertThat(stopped.winner().finishReason()).isEqualTo(StopReason.STOP);
            assertThat(stopped.winner().text()).isEqualTo(through.substring(0, expectedCut));
            assertThat(stopped.winner().text()).doesNotContain(stop);
            assertThat(free.winner().text()).startsWith(stopped.winner().text());
        }
    }

    private static String piece(LlamaModel model, int[] tokens, int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append(new String(model.tokenPiece(tokens[i]), StandardCharsets.UTF_8));
        }
        return text.toString();
    }
}
