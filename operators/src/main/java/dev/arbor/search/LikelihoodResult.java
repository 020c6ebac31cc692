package dev.arbor.search;

/**
 * How likely the model finds a given continuation of a prompt (teacher forcing): the tokens of
 * the continuation and the model's natural-log probability of each, given the prompt and the
 * tokens before it. Exactly one of a measurement and {@code error} is present.
 *
 * @param perplexity {@code exp(-sumLogprob / tokens)}
 */
public record LikelihoodResult(String id, int[] tokens, float[] tokenLogprobs, double sumLogprob, double perplexity,
        SearchError error) {

    public boolean isError() {
        return error != null;
    }
}
