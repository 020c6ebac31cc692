package dev.arbor.kv;

/**
 * Running totals over a branch's committed tokens: how surprised the model was by each one
 * (model perplexity) and how likely the sampler was to pick it (sampling perplexity).
 * Prefilled tokens are context, not generation, and are not counted. A fork copies the totals.
 */
final class BranchMetrics {
    private int tokens;
    private double surprisalSum;
    private double samplingSurprisalSum;

    void record(double surprisal, double samplingSurprisal) {
        tokens++;
        surprisalSum += surprisal;
        samplingSurprisalSum += samplingSurprisal;
    }

    int tokens() {
        return tokens;
    }

    /** Sum of the natural-log probabilities the model gave the committed tokens. */
    double sumLogprob() {
        return -surprisalSum;
    }

    /** exp(mean surprisal); NaN before the first committed token. */
    double perplexity() {
        return tokens == 0 ? Double.NaN : Math.exp(surprisalSum / tokens);
    }

    double samplingPerplexity() {
        return tokens == 0 ? Double.NaN : Math.exp(samplingSurprisalSum / tokens);
    }

    BranchMetrics copy() {
        BranchMetrics copy = new BranchMetrics();
        copy.tokens = tokens;
        copy.surprisalSum = surprisalSum;
        copy.samplingSurprisalSum = samplingSurprisalSum;
        return copy;
    }

    /**
     * log(sum(exp(logits))) in double precision, two scalar passes: the reference the native row
     * summary ({@link dev.arbor.llama.RowSummary}) is held to, and the normalizer of {@link #entropy}.
     */
    static double logSumExp(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        return max + Math.log(sum);
    }

    /** Shannon entropy, in nats, of softmax(logits), given their log-sum-exp. */
    static double entropy(float[] logits, double logZ) {
        double entropy = 0;
        for (float logit : logits) {
            double logP = logit - logZ;
            entropy -= Math.exp(logP) * logP;
        }
        return entropy;
    }
}
