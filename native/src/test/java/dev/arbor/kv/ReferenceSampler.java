package dev.arbor.kv;

import java.util.Arrays;

/**
 * The sampler as it was before the per-vocabulary work was made proportional to what each
 * configuration needs (issue 21): every call copies the row, applies bias and penalties, and sorts
 * the whole vocabulary for top-p / min-p without top-k. Kept in the tests as the reference that
 * {@link Sampler} must match token for token and probability for probability.
 */
final class ReferenceSampler {
    private SamplerParams params;
    private SplitMix64 random;
    private int[] history;
    private int historyNext;
    private int historySize;
    // The last draw and its probability, so that committing the sampled token does not rerun the
    // chain to measure it; forgotten whenever the history, the parameters or the logits change.
    private int lastToken = -1;
    private double lastProbability;

    // Reused scratch buffers, never part of the state.
    private float[] work = new float[0];
    private int[] candidates = new int[0];
    private double[] probabilities = new double[0];
    private long[] sortKeys = new long[0];
    private int[] counts = new int[0];

    ReferenceSampler(SamplerParams params) {
        this.params = params;
        this.random = new SplitMix64(params.seed());
        this.history = new int[params.repeatLastN()];
    }

    public SamplerParams params() {
        return params;
    }


    /** Restarts the generator from {@code seed} (and makes it this sampler's seed). */
    public void reseed(long seed) {
        forgetLastSample();
        this.params = params.withSeed(seed);
        this.random = new SplitMix64(seed);
    }

    /** Records a token as generated, for the penalties. */
    public void accept(int token) {
        forgetLastSample();
        if (history.length == 0) {
            return;
        }
        history[historyNext] = token;
        historyNext = (historyNext + 1) % history.length;
        historySize = Math.min(historySize + 1, history.length);
    }

    /** Draws the next token from {@code logits} (which are not modified). */
    public int sample(float[] logits) {
        return sample(logits, LogitBias.NONE, LogitBias.NONE);
    }

    /**
     * The full distribution the sampler draws from, indexed by token (zeros for filtered tokens);
     * for a greedy sampler, a point mass on the argmax.
     */
    public double[] distribution(float[] logits) {
        int n = prepare(logits, LogitBias.NONE, LogitBias.NONE);
        double[] full = new double[logits.length];
        for (int i = 0; i < n; i++) {
            full[candidates[i]] = probabilities[i];
        }
        return full;
    }

    /** A sampler that continues exactly like this one (same parameters, generator state and history). */
    ReferenceSampler copy() {
        ReferenceSampler copy = new ReferenceSampler(params); // a copy starts without a cached draw
        copy.random = random.copy();
        copy.history = history.clone();
        copy.historyNext = historyNext;
        copy.historySize = historySize;
        return copy;
    }

    int sample(float[] logits, LogitBias bias, LogitBias steer) {
        int n = prepare(logits, bias, steer);
        int chosen = n - 1;
        if (n == 1) {
            chosen = 0;
        } else {
            double u = random.nextDouble();
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += probabilities[i];
                if (u < cumulative) {
                    chosen = i;
                    break;
                }
            }
        }
        lastToken = candidates[chosen];
        lastProbability = probabilities[chosen];
        return lastToken;
    }

    /** Forgets the last draw: the logits it was drawn from changed. */
    void forgetLastSample() {
        lastToken = -1;
    }

    /** Probability this sampler would give {@code token} now (without drawing). */
    double probability(float[] logits, LogitBias bias, LogitBias steer, int token) {
        if (token == lastToken) {
            return lastProbability;
        }
        int n = prepare(logits, bias, steer);
        for (int i = 0; i < n; i++) {
            if (candidates[i] == token) {
                return probabilities[i];
            }
        }
        return 0;
    }

    /** Fills candidates[0..n) and probabilities[0..n) (summing to 1) and returns n. */
    private int prepare(float[] logits, LogitBias bias, LogitBias steer) {
        int vocab = logits.length;
        ensureCapacity(vocab);
        System.arraycopy(logits, 0, work, 0, vocab);
        bias.applyTo(work);
        steer.applyTo(work);
        if (params.hasPenalties() && historySize > 0) {
            applyPenalties(vocab);
        }
        if (params.isGreedy()) {
            candidates[0] = argmax(vocab);
            probabilities[0] = 1;
            return 1;
        }
        int n = params.topK() > 0 && params.topK() < vocab ? topK(vocab, params.topK())
                : params.topP() < 1 || params.minP() > 0 ? sortedAll(vocab) : unsortedAll(vocab);
        if (n == 0) {
            throw new IllegalStateException("every token is banned by the logit bias");
        }
        n = filterByProbability(n);
        softmax(n, params.temperature());
        return n;
    }

    private void applyPenalties(int vocab) {
        int[] recent = recentTokens();
        for (int token : recent) {
            if (token >= 0 && token < vocab) {
                counts[token]++;
            }
        }
        for (int token : recent) {
            if (token < 0 || token >= vocab || counts[token] == 0) {
                continue;
            }
            int count = counts[token];
            counts[token] = 0; // each distinct token is penalised once
            float value = work[token];
            value = value > 0 ? value / params.repeatPenalty() : value * params.repeatPenalty();
            work[token] = value - count * params.frequencyPenalty() - params.presencePenalty();
        }
    }

    private int argmax(int vocab) {
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (work[i] > work[best]) {
                best = i;
            }
        }
        if (work[best] == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("every token is banned by the logit bias");
        }
        return best;
    }

    /**
     * Top-k by logit, most likely first, ties to the lower id: one pass that keeps the best k in
     * order, so a large vocab is not sorted whole.
     */
    private int topK(int vocab, int k) {
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            float value = work[i];
            if (value == Float.NEGATIVE_INFINITY || (n == k && value <= work[candidates[k - 1]])) {
                continue;
            }
            int at = n < k ? n++ : k - 1;
            // Shift worse entries down; equal values keep the earlier (lower) id ahead.
            while (at > 0 && work[candidates[at - 1]] < value) {
                candidates[at] = candidates[at - 1];
                at--;
            }
            candidates[at] = i;
        }
        return n;
    }

    /** Every allowed token, most likely first, ties to the lower id. */
    private int sortedAll(int vocab) {
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (work[i] != Float.NEGATIVE_INFINITY) {
                // High 32 bits order by logit, low 32 bits put lower ids first once reversed.
                sortKeys[n++] = ((long) sortableBits(work[i]) << 32) | (0xFFFFFFFFL - i);
            }
        }
        Arrays.sort(sortKeys, 0, n);
        for (int i = 0; i < n; i++) {
            candidates[i] = (int) (0xFFFFFFFFL - (sortKeys[n - 1 - i] & 0xFFFFFFFFL));
        }
        return n;
    }

    private int unsortedAll(int vocab) {
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (work[i] != Float.NEGATIVE_INFINITY) {
                candidates[n++] = i;
            }
        }
        return n;
    }

    /** Top-p and min-p on the untempered distribution; candidates are sorted when either is on. */
    private int filterByProbability(int n) {
        if (params.topP() >= 1 && params.minP() <= 0) {
            return n;
        }
        softmax(n, 1f);
        int keep = n;
        if (params.topP() < 1) {
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += probabilities[i];
                if (cumulative >= params.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0) {
            double threshold = params.minP() * probabilities[0];
            int i = 1;
            while (i < keep && probabilities[i] >= threshold) {
                i++;
            }
            keep = i;
        }
        return keep;
    }

    private void softmax(int n, float temperature) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, work[candidates[i]]);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double p = Math.exp((work[candidates[i]] - max) / temperature);
            probabilities[i] = p;
            total += p;
        }
        for (int i = 0; i < n; i++) {
            probabilities[i] /= total;
        }
    }

    private int[] recentTokens() {
        int[] recent = new int[historySize];
        for (int i = 0; i < historySize; i++) {
            recent[i] = history[(historyNext - historySize + i + history.length) % history.length];
        }
        return recent;
    }

    private void ensureCapacity(int vocab) {
        if (work.length < vocab) {
            work = new float[vocab];
            candidates = new int[vocab];
            probabilities = new double[vocab];
            sortKeys = new long[vocab];
            counts = new int[vocab];
        }
    }

    /** Maps float order onto signed int order (negative floats flipped). */
    private static int sortableBits(float value) {
        int bits = Float.floatToIntBits(value);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }
}
