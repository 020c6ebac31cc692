package dev.arbor.jobs.eval;

import dev.arbor.annotation.Internal;

/**
 * Running sums over evaluation scores: the accumulator of the windowed aggregates (a Flink POJO).
 * Sums, not means, so that windows merge exactly and the aggregates can be checked against the
 * per-item scores.
 */
@Internal
public class EvalTotals {
    public long count;
    public long correct;
    public long exactMatches;
    public long containsMatches;
    public long regexItems;
    public long regexMatches;
    public double scoreSum;
    public long referenceItems;
    public double referenceLogprobSum;
    public double referencePerplexitySum;
    public long generatedTokens;

    public EvalTotals() {}

    /** Adds one item. */
    public EvalTotals add(EvalScore score) {
        count++;
        correct += score.correct ? 1 : 0;
        exactMatches += score.exactMatch ? 1 : 0;
        containsMatches += score.contains ? 1 : 0;
        if (score.regexMatch != null) {
            regexItems++;
            regexMatches += score.regexMatch ? 1 : 0;
        }
        scoreSum += score.score;
        if (score.referenceLogprob != null && score.referencePerplexity != null) {
            referenceItems++;
            referenceLogprobSum += score.referenceLogprob;
            referencePerplexitySum += score.referencePerplexity;
        }
        generatedTokens += score.generatedTokens;
        return this;
    }

    /** Adds another total. */
    public EvalTotals merge(EvalTotals other) {
        count += other.count;
        correct += other.correct;
        exactMatches += other.exactMatches;
        containsMatches += other.containsMatches;
        regexItems += other.regexItems;
        regexMatches += other.regexMatches;
        scoreSum += other.scoreSum;
        referenceItems += other.referenceItems;
        referenceLogprobSum += other.referenceLogprobSum;
        referencePerplexitySum += other.referencePerplexitySum;
        generatedTokens += other.generatedTokens;
        return this;
    }
}
