package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;
import dev.arbor.annotation.PublicApi;
import java.time.Instant;

/**
 * The aggregates of one processing-time window of evaluation scores: one line of the aggregates
 * output (a Flink POJO, written as JSON with these field names). Rates and means are over the items
 * of this window; counts let windows be summed.
 */
@PublicApi
public class EvalAggregate {
    /** Window bounds, ISO-8601 instants (end exclusive). */
    public String windowStart;
    public String windowEnd;
    /** False for the last window of a stopped job, flushed before its end. */
    public boolean complete;
    /** Items scored in the window. */
    public long count;
    public long correct;
    /** correct / count: the accuracy under eval.metric. */
    public double accuracy;
    public long exactMatches;
    public long containsMatches;
    /** Items with a regex, and those whose regex was found. */
    public long regexItems;
    public long regexMatches;
    /** Mean of the winners' search scores. */
    public double meanScore;
    /** Items with a reference log-likelihood, and its means over them (null when none). */
    public long referenceItems;
    public Double meanReferenceLogprob;
    public Double meanReferencePerplexity;
    public long generatedTokens;
    /** Tokens generated per second of the window (of its elapsed part, when not complete). */
    public double tokensPerSecond;

    public EvalAggregate() {}

    /** The aggregate of {@code totals} over the whole window [start, end) (epoch milliseconds). */
    @Internal
    public static EvalAggregate of(EvalTotals totals, long start, long end) {
        return of(totals, start, end, end);
    }

    /**
     * The aggregate of {@code totals} over the window [start, end), emitted at {@code now}: before
     * the end when the job stopped, and then rates are over [start, now).
     */
    @Internal
    public static EvalAggregate of(EvalTotals totals, long start, long end, long now) {
        EvalAggregate aggregate = new EvalAggregate();
        aggregate.windowStart = Instant.ofEpochMilli(start).toString();
        aggregate.windowEnd = Instant.ofEpochMilli(end).toString();
        aggregate.complete = now >= end;
        long until = Math.max(start + 1, Math.min(end, now));
        aggregate.count = totals.count;
        aggregate.correct = totals.correct;
        aggregate.accuracy = totals.count == 0 ? 0 : (double) totals.correct / totals.count;
        aggregate.exactMatches = totals.exactMatches;
        aggregate.containsMatches = totals.containsMatches;
        aggregate.regexItems = totals.regexItems;
        aggregate.regexMatches = totals.regexMatches;
        aggregate.meanScore = totals.count == 0 ? 0 : totals.scoreSum / totals.count;
        aggregate.referenceItems = totals.referenceItems;
        if (totals.referenceItems > 0) {
            aggregate.meanReferenceLogprob = totals.referenceLogprobSum / totals.referenceItems;
            aggregate.meanReferencePerplexity = totals.referencePerplexitySum / totals.referenceItems;
        }
        aggregate.generatedTokens = totals.generatedTokens;
        aggregate.tokensPerSecond = totals.generatedTokens * 1000.0 / (until - start);
        return aggregate;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "window %s..%s%s: %d items, accuracy %.3f, exact %d, contains %d, regex %d/%d, mean score %.3f, "
                        + "mean reference logprob %s, %.1f tokens/s",
                windowStart, windowEnd, complete ? "" : " (stopped early)", count, accuracy, exactMatches, containsMatches, regexMatches, regexItems,
                meanScore, meanReferenceLogprob == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f",
                        meanReferenceLogprob), tokensPerSecond);
    }
}
