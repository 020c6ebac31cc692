package dev.arbor.search;

import java.util.Arrays;

/**
 * A finished generated sequence, before ranking: what a {@link Scorer} sees.
 *
 * @param text the generated text (valid UTF-8: a trailing partial character is dropped, a stop
 *     string and what follows it are cut)
 * @param tokens the generated tokens, the end-of-generation token included when it ended one
 * @param tokenLogprobs the model's natural-log probability of each token, from its raw logits
 * @param finishReason why it ended
 * @param grammarComplete under a grammar: whether the tokens form a complete sentence of it (false
 *     for one cut short by {@code maxNewTokens}: never pass it off as valid); null without a grammar
 */
@dev.arbor.annotation.PublicApi
public record Completion(String text, int[] tokens, float[] tokenLogprobs, StopReason finishReason,
        Boolean grammarComplete) {
    /** A completion of an unconstrained search. */
    public Completion(String text, int[] tokens, float[] tokenLogprobs, StopReason finishReason) {
        this(text, tokens, tokenLogprobs, finishReason, null);
    }

    public Completion {
        tokens = tokens.clone();
        tokenLogprobs = tokenLogprobs.clone();
        if (tokens.length != tokenLogprobs.length) {
            throw new IllegalArgumentException("one logprob per token");
        }
    }

    /** Sum of the token logprobs, accumulated in double precision. */
    public double sumLogprob() {
        double sum = 0;
        for (float logprob : tokenLogprobs) {
            sum += logprob;
        }
        return sum;
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public float[] tokenLogprobs() {
        return tokenLogprobs.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Completion that && text.equals(that.text) && Arrays.equals(tokens, that.tokens)
                && Arrays.equals(tokenLogprobs, that.tokenLogprobs) && finishReason == that.finishReason
                && java.util.Objects.equals(grammarComplete, that.grammarComplete);
    }

    @Override
    public int hashCode() {
        return 31 * text.hashCode() + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Completion[" + finishReason + ", " + tokens.length + " tokens, \"" + text + "\"]";
    }
}
