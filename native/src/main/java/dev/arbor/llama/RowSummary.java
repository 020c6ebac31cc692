package dev.arbor.llama;

import dev.arbor.annotation.Internal;

/**
 * What one logits row says before any sampling: its largest logit, the lowest token holding it,
 * and {@code log(sum(exp(logits)))} (the log-softmax normalizer). Filled by
 * {@link LlamaContext#logits(int, float[], RowSummary)} while the row is copied, or by
 * {@link LogitsRows#summarize}; a holder that callers reuse row after row, so it is mutable.
 *
 * <p>Invariants once filled: {@code max} is the row's largest entry and {@code argmax} the lowest
 * index holding it; {@code logSumExp} is within about 1e-6 of the double-precision sum (float
 * exponentials, double accumulation) and at least {@code max}. A row of only {@code -Infinity}
 * has {@code max == logSumExp == -Infinity} and {@code argmax == 0}.
 */
@Internal
public final class RowSummary {
    final double[] values = new double[3];

    public float max() {
        return (float) values[0];
    }

    public int argmax() {
        return (int) values[1];
    }

    public double logSumExp() {
        return values[2];
    }

    @Override
    public String toString() {
        return "RowSummary[max=" + max() + ", argmax=" + argmax() + ", logSumExp=" + logSumExp() + "]";
    }
}
