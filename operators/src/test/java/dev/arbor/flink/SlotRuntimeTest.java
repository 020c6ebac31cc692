package dev.arbor.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.PromptRequest;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.flink.records.Strategy;
import dev.arbor.search.LikelihoodResult;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A slot's runtime on the real engine, without Flink around it: per-record overrides over the
 * configured defaults, rejections naming the field, reference likelihoods.
 */
class SlotRuntimeTest {
    private static SlotRuntime runtime;

    @BeforeAll
    static void open() {
        runtime = SlotRuntime.open(TestSetup.small().build(), 8, new ModelRegistry(), new UnregisteredMetricsGroup());
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    private static SearchResult run(PromptRequest request) throws Exception {
        return runtime.submit(request).get(60, TimeUnit.SECONDS);
    }

    private static PromptRequest.Builder request(String id) {
        return PromptRequest.newBuilder(TestSetup.request(id, "once upon a time"));
    }

    @Test
    void perRecordOverridesTakePrecedenceOverTheConfiguredDefaults() throws Exception {
        SearchResult defaults = run(request("defaults").setStopAtEndOfGeneration(false).build());
        assertThat(defaults.getWinner().getTokens()).hasSize(6);
        assertThat(defaults.getCandidates()).isEmpty();

        SearchResult overridden = run(request("overridden").setWidth(3).setMaxNewTokens(2)
                .setStopAtEndOfGeneration(false).setReturnCandidates(true).build());
        assertThat(overridden.getWinner().getTokens()).hasSize(2);
        assertThat(overridden.getCandidates()).hasSize(3);
        assertThat(overridden.getCandidates()).extracting(c -> c.getRank()).containsExactly(0, 1, 2);
        assertThat(overridden.getCandidates().get(0)).isEqualTo(overridden.getWinner());
        assertThat(overridden.getStats().getPeakLeases()).isEqualTo(3);
    }

    @Test
    void sampledResultsDependOnIdAndSeedOnly() throws Exception {
        PromptRequest sampled = request("sampled").setStrategy(Strategy.BEST_OF_N).setTemperature(1.5f)
                .setMaxNewTokens(6).setStopAtEndOfGeneration(false).setSeed(7L).build();
        SearchResult first = run(sampled);
        SearchResult again = run(sampled);
        assertThat(again.getWinner().getTokens()).isEqualTo(first.getWinner().getTokens());
        assertThat(first.getStats().getPeakLeases()).as("best-of-n with the default width").isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"topK, -1", "minP, 1", "repeatPenalty, 0", "repeatLastN, -1", "frequencyPenalty, NaN",
            "presencePenalty, Infinity"})
    void anOutOfRangeSamplerOverrideIsRejectedNamingTheField(String field, String value) throws Exception {
        PromptRequest.Builder builder = request("bad-" + field);
        switch (field) {
            case "topK" -> builder.setTopK(Integer.parseInt(value));
            case "minP" -> builder.setMinP(Float.parseFloat(value));
            case "repeatPenalty" -> builder.setRepeatPenalty(Float.parseFloat(value));
            case "repeatLastN" -> builder.setRepeatLastN(Integer.parseInt(value));
            case "frequencyPenalty" -> builder.setFrequencyPenalty(Float.parseFloat(value));
            default -> builder.setPresencePenalty(Float.parseFloat(value));
        }
        SearchResult result = run(builder.build());
        assertThat(result.getWinner()).isNull();
        assertThat(result.getError().getCode()).isEqualTo("INVALID_PARAMS");
        assertThat(result.getError().getMessage()).startsWith(field + " must");
        assertThat(result.getId()).isEqualTo("bad-" + field);
        assertThat(result.getMetadata()).containsEntry("id", "bad-" + field);
    }

    @Test
    void aRecordWithoutAnIdGetsAnErrorResultInsteadOfAnException() throws Exception {
        PromptRequest noId = new PromptRequest();
        noId.setPrompt("hello");
        SearchResult result = run(noId);
        assertThat(result.getError().getCode()).isEqualTo("INVALID_PARAMS");
        assertThat(result.getError().getMessage()).contains("id");
    }

    @Test
    void theReferenceIsScoredAsTheEngineScoresIt() throws Exception {
        SearchResult result = run(request("with-reference").setReference(" there was a king").build());
        LikelihoodResult direct = runtime.engine().likelihood("direct", "once upon a time", " there was a king")
                .get(60, TimeUnit.SECONDS);

        assertThat(result.getError()).isNull();
        assertThat(result.getWinner()).isNotNull();
        assertThat(result.getReferenceLogprob()).isCloseTo(direct.sumLogprob(),
                org.assertj.core.data.Offset.offset(1e-3));
        assertThat(result.getReferencePerplexity())
                .isCloseTo(Math.exp(-direct.sumLogprob() / direct.tokens().length),
                        org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(run(request("no-reference").build()).getReferenceLogprob()).isNull();
    }
}
