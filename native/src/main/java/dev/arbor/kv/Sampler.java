package dev.arbor.kv;

import dev.arbor.llama.LogitsRows;

/**
 * Picks tokens from logits as {@link SamplerParams} describe, with its own seeded generator and
 * the window of recently accepted tokens that the penalties look at.
 *
 * <p>Deterministic: the same parameters, seed, accepted history and logits give the same token.
 * {@link #copy()} duplicates the generator's state and the history, so a copy continues exactly
 * as the original would. Not thread-safe.
 *
 * <p>Work per draw is proportional to what the parameters need, not to the vocabulary where that
 * can be avoided (a real model has 128k-262k tokens): without bias, steer or active penalties the
 * row is read in place instead of copied; a greedy draw whose caller knows the row's argmax costs
 * nothing; top-k is one native pass that skips whole blocks ({@link LogitsRows#topK}); top-p and
 * min-p without top-k sort only the tokens that can survive them. Scratch buffers
 * ({@link SamplerScratch}) are sized on first use and shared by a branch's forks.
 */
@dev.arbor.annotation.Internal
public final class Sampler {
    /** The argmax hint of a caller that does not know the row's argmax. */
    static final int ARGMAX_UNKNOWN = -1;

    private SamplerParams params;
    private SplitMix64 random;
    private int[] history;
    private int historyNext;
    private int historySize;
    // The last draw and its probability, so that committing the sampled token does not rerun the
    // chain to measure it; forgotten whenever the history, the parameters or the logits change.
    private int lastToken = -1;
    private double lastProbability;
    private final SamplerScratch scratch;

    public Sampler(SamplerParams params) {
        this(params, new SamplerScratch());
    }

    /** A sampler whose scratch buffers are {@code scratch} (shared with the other samplers of one store). */
    Sampler(SamplerParams params, SamplerScratch scratch) {
        this.params = params;
        this.random = new SplitMix64(params.seed());
        this.history = new int[params.repeatLastN()];
        this.scratch = scratch;
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
        return sample(logits, LogitBias.NONE, LogitBias.NONE, ARGMAX_UNKNOWN);
    }

    /**
     * The full distribution the sampler draws from, indexed by token (zeros for filtered tokens);
     * for a greedy sampler, a point mass on the argmax.
     */
    public double[] distribution(float[] logits) {
        int n = prepare(logits, LogitBias.NONE, LogitBias.NONE);
        double[] full = new double[logits.length];
        for (int i = 0; i < n; i++) {
            full[scratch.candidates[i]] = scratch.probabilities[i];
        }
        return full;
    }

    /** A sampler that continues exactly like this one (same parameters, generator state and history). */
    public Sampler copy() {
        return copyWith(new SamplerScratch());
    }

    /** As {@link #copy()}, sharing this sampler's scratch buffers: a fork's, on the same store's thread. */
    Sampler fork() {
        return copyWith(scratch);
    }

    private Sampler copyWith(SamplerScratch buffers) {
        Sampler copy = new Sampler(params, buffers); // a copy starts without a cached draw
        copy.random = random.copy();
        copy.history = history.clone();
        copy.historyNext = historyNext;
        copy.historySize = historySize;
        return copy;
    }

    /**
     * Draws from {@code logits} with a bias and a steer; {@code argmax} is the lowest token holding
     * the row's largest logit when the caller knows it (a finite one), else {@link #ARGMAX_UNKNOWN}.
     */
    int sample(float[] logits, LogitBias bias, LogitBias steer, int argmax) {
        if (isPlainGreedy(bias, steer, argmax)) {
            lastToken = argmax;
            lastProbability = 1;
            return argmax;
        }
        int n = prepare(logits, bias, steer);
        int[] candidates = scratch.candidates;
        double[] probabilities = scratch.probabilities;
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

    /** Probability this sampler would give {@code token} now (without drawing); {@code argmax} as in {@link #sample}. */
    double probability(float[] logits, LogitBias bias, LogitBias steer, int token, int argmax) {
        if (token == lastToken) {
            return lastProbability;
        }
        if (isPlainGreedy(bias, steer, argmax)) {
            return token == argmax ? 1 : 0;
        }
        int n = prepare(logits, bias, steer);
        for (int i = 0; i < n; i++) {
            if (scratch.candidates[i] == token) {
                return scratch.probabilities[i];
            }
        }
        return 0;
    }

    /** A greedy draw the caller's argmax answers: nothing changes the row before the argmax. */
    private boolean isPlainGreedy(LogitBias bias, LogitBias steer, int argmax) {
        return params.isGreedy() && argmax >= 0 && bias.isEmpty() && steer.isEmpty() && !penaltiesApply();
    }

    private boolean penaltiesApply() {
        return params.hasPenalties() && historySize > 0;
    }

    /** Fills candidates[0..n) and probabilities[0..n) (summing to 1) and returns n. */
    private int prepare(float[] logits, LogitBias bias, LogitBias steer) {
        int vocab = logits.length;
        // The row itself when nothing changes it; a copy only for bias, steer or penalties.
        float[] values = logits;
        if (!bias.isEmpty() || !steer.isEmpty() || penaltiesApply()) {
            values = scratch.work(vocab);
            System.arraycopy(logits, 0, values, 0, vocab);
            bias.applyTo(values);
            steer.applyTo(values);
            if (penaltiesApply()) {
                applyPenalties(values);
            }
        }
        int[] candidates = scratch.candidates(vocab);
        double[] probabilities = scratch.probabilities(vocab);
        if (params.isGreedy()) {
            candidates[0] = argmax(values);
            probabilities[0] = 1;
            return 1;
        }
        int n;
        int keep;
        if (params.topK() > 0 && params.topK() < vocab) {
            n = LogitsRows.topK(values, params.topK(), true, candidates);
            keep = n == 0 ? 0 : SamplerFilters.filterByProbability(params, values, candidates, probabilities, n,
                    SamplerFilters.candidateTotal(values, candidates, n));
        } else if (params.topP() < 1 || params.minP() > 0) {
            n = SamplerFilters.sortedSurvivors(params, values, scratch);
            keep = n == 0 ? 0 : SamplerFilters.filterByProbability(params, values, candidates, probabilities, n,
                    scratch.rowTotal);
        } else {
            n = unsortedAll(values, candidates);
            keep = n;
        }
        if (n == 0) {
            throw new IllegalStateException("every token is banned by the logit bias");
        }
        SamplerFilters.softmax(values, candidates, probabilities, keep, params.temperature());
        return keep;
    }

    private void applyPenalties(float[] values) {
        int vocab = values.length;
        int[] counts = scratch.counts(vocab);
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
            float value = values[token];
            value = value > 0 ? value / params.repeatPenalty() : value * params.repeatPenalty();
            values[token] = value - count * params.frequencyPenalty() - params.presencePenalty();
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        if (values[best] == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("every token is banned by the logit bias");
        }
        return best;
    }

    private static int unsortedAll(float[] values, int[] candidates) {
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Float.NEGATIVE_INFINITY) {
                candidates[n++] = i;
            }
        }
        return n;
    }

    private int[] recentTokens() {
        int[] recent = new int[historySize];
        for (int i = 0; i < historySize; i++) {
            recent[i] = history[(historyNext - historySize + i + history.length) % history.length];
        }
        return recent;
    }
}
