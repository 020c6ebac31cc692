package dev.arbor.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.flink.records.Candidate;
import dev.arbor.flink.records.FinishReason;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.flink.records.SearchStats;
import dev.arbor.jobs.config.JobOptions.Metric;
import dev.arbor.jobs.records.RecordTags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-item metrics and their aggregation, on hand-made results. */
class EvalScorerTest {
    private static SearchResult result(String generated, String reference, String regex, Double logprob) {
        Map<String, String> metadata = new HashMap<>(Map.of("topic", "t", RecordTags.REFERENCE, reference));
        if (regex != null) {
            metadata.put(RecordTags.REGEX, regex);
        }
        Candidate winner = Candidate.newBuilder().setText(generated).setTokens(List.of(1, 2)).setTokenLogprobs(
                List.of(-0.5f, -0.5f)).setSumLogprob(-1.0).setScore(-0.5).setFinishReason(FinishReason.LENGTH)
                .setRank(0).build();
        return SearchResult.newBuilder().setId("i").setPrompt("p").setWinner(winner).setMetadata(metadata)
                .setStats(new SearchStats(3, 7, 2, 1, 5, 0L, 12L, 0, 0, 0, 0, 0L)).setReferenceLogprob(logprob)
                .setReferencePerplexity(logprob == null ? null : Math.exp(-logprob / 2)).build();
    }

    @Test
    void exactContainsAndRegex() {
        EvalScorer exact = new EvalScorer(Metric.EXACT, null);
        EvalScore same = exact.score(result("  Paris\n", "Paris ", null, -2.0));
        assertThat(same.exactMatch).isTrue();
        assertThat(same.contains).isTrue();
        assertThat(same.regexMatch).as("no regex, none configured").isNull();
        assertThat(same.correct).isTrue();
        assertThat(same.referenceLogprob).isEqualTo(-2.0);
        assertThat(same.referencePerplexity).isEqualTo(Math.E);
        assertThat(same.generatedTokens).isEqualTo(7);
        assertThat(same.metadata).containsOnlyKeys("topic");

        EvalScore within = new EvalScorer(Metric.CONTAINS, "\\d+").score(result("It is Paris, 1 city", "Paris", null,
                null));
        assertThat(within.exactMatch).isFalse();
        assertThat(within.contains).isTrue();
        assertThat(within.regexMatch).as("the configured regex applies").isTrue();
        assertThat(within.correct).isTrue();
        assertThat(within.referenceLogprob).isNull();

        EvalScore regex = new EvalScorer(Metric.REGEX, "\\d+").score(result("eight legs", "8", "\\b(8|eight)\\b", null));
        assertThat(regex.regexMatch).as("the item's regex wins over the configured one").isTrue();
        assertThat(regex.contains).isFalse();
        assertThat(regex.correct).isTrue();
        assertThat(new EvalScorer(Metric.REGEX, null).score(result("x", "y", null, null)).correct)
                .as("no regex at all: not correct under REGEX").isFalse();
    }

    @Test
    void aggregatesAreTheSumsOfTheItems() {
        EvalScorer scorer = new EvalScorer(Metric.EXACT, null);
        EvalTotals totals = new EvalTotals();
        totals.add(scorer.score(result("a", "a", null, -1.0)));
        EvalTotals other = new EvalTotals().add(scorer.score(result("b", "a", "b", -3.0)));
        EvalAggregate aggregate = EvalAggregate.of(totals.merge(other), 0, 2000);
        assertThat(aggregate.count).isEqualTo(2);
        assertThat(aggregate.correct).isEqualTo(1);
        assertThat(aggregate.accuracy).isEqualTo(0.5);
        assertThat(aggregate.regexItems).isEqualTo(1);
        assertThat(aggregate.regexMatches).isEqualTo(1);
        assertThat(aggregate.meanScore).isEqualTo(-0.5);
        assertThat(aggregate.meanReferenceLogprob).isEqualTo(-2.0);
        assertThat(aggregate.generatedTokens).isEqualTo(14);
        assertThat(aggregate.tokensPerSecond).isEqualTo(7.0);
        assertThat(aggregate.windowStart).isEqualTo("1970-01-01T00:00:00Z");
    }
}
