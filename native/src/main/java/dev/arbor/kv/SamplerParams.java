package dev.arbor.kv;

/**
 * How a branch picks its next token from its logits.
 *
 * <p>The chain, in order: logit bias and steer are added; repeat, frequency and presence
 * penalties apply to the last {@code repeatLastN} accepted tokens; then, at temperature 0, the
 * highest logit wins (greedy, ties to the lowest id). Otherwise top-k, top-p and min-p filter the
 * candidates on the untempered distribution, the temperature scales what is left, and one token
 * is drawn with the branch's seeded generator. A value at its neutral setting disables its step.
 *
 * @param temperature 0 = greedy; otherwise the softmax temperature (> 0)
 * @param topK keep the k most likely tokens; 0 = off
 * @param topP keep the smallest set of most likely tokens whose probability reaches p; 1 = off
 * @param minP keep tokens at least minP times as likely as the most likely one; 0 = off
 * @param repeatPenalty divide positive (multiply negative) logits of recent tokens; 1 = off
 * @param repeatLastN how many recent accepted tokens the penalties look at
 * @param frequencyPenalty subtracted once per occurrence in the window
 * @param presencePenalty subtracted once for any occurrence in the window
 * @param seed seed of the branch's generator: same seed and history give the same tokens
 */
@dev.arbor.annotation.PublicApi
public record SamplerParams(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN,
        float frequencyPenalty, float presencePenalty, long seed) {

    public SamplerParams {
        check(Float.isFinite(temperature) && temperature >= 0, "temperature must be >= 0, was " + temperature);
        check(topK >= 0, "topK must be >= 0 (0 = off), was " + topK);
        check(topP > 0 && topP <= 1, "topP must be in (0, 1] (1 = off), was " + topP);
        check(minP >= 0 && minP < 1, "minP must be in [0, 1) (0 = off), was " + minP);
        check(Float.isFinite(repeatPenalty) && repeatPenalty > 0, "repeatPenalty must be > 0 (1 = off), was "
                + repeatPenalty);
        check(repeatLastN >= 0, "repeatLastN must be >= 0, was " + repeatLastN);
        check(Float.isFinite(frequencyPenalty), "frequencyPenalty must be finite, was " + frequencyPenalty);
        check(Float.isFinite(presencePenalty), "presencePenalty must be finite, was " + presencePenalty);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Always the most likely token; no penalties. */
    /** Arbor's default sampler (see {@link Builder}). */
    public static final SamplerParams DEFAULTS = builder().build();

    public static SamplerParams greedy() {
        return builder().temperature(0).build();
    }

    /** Whether this picks the argmax instead of drawing. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    boolean hasPenalties() {
        return repeatLastN > 0 && (repeatPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0);
    }

    /** The same parameters with another seed. */
    public SamplerParams withSeed(long newSeed) {
        return new SamplerParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty,
                presencePenalty, newSeed);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder starting from Arbor's defaults (the one source every layer takes them from: the
     * operator's options, the job files and the docs): temperature 0.8, top-k 40, top-p 0.95,
     * min-p 0.05, no penalties (repeat-penalty 1 over the last 64 tokens), seed 0.
     */
    public static final class Builder {
        private float temperature = 0.8f;
        private int topK = 40;
        private float topP = 0.95f;
        private float minP = 0.05f;
        private float repeatPenalty = 1f;
        private int repeatLastN = 64;
        private float frequencyPenalty;
        private float presencePenalty;
        private long seed;

        private Builder() {}

        public Builder temperature(float value) {
            temperature = value;
            return this;
        }

        public Builder topK(int value) {
            topK = value;
            return this;
        }

        public Builder topP(float value) {
            topP = value;
            return this;
        }

        public Builder minP(float value) {
            minP = value;
            return this;
        }

        public Builder repeatPenalty(float value) {
            repeatPenalty = value;
            return this;
        }

        public Builder repeatLastN(int value) {
            repeatLastN = value;
            return this;
        }

        public Builder frequencyPenalty(float value) {
            frequencyPenalty = value;
            return this;
        }

        public Builder presencePenalty(float value) {
            presencePenalty = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public SamplerParams build() {
            return new SamplerParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, frequencyPenalty,
                    presencePenalty, seed);
        }
    }
}
