package dev.arbor.search;

/**
 * How likely the model finds a given continuation of a prompt (teacher forcing): the tokens of
 * the continuation and the model's natural-log probability of each, given the prompt and the
 * tokens before it. Exactly one of a measurement and {@code error} is present.
 *
 * @param perplexity {@code exp(-sumLogprob / tokens)}
 */
@dev.arbor.annotation.PublicApi
public record LikelihoodResult(String id, int[] tokens, float[] tokenLogprobs, double sumLogprob, double perplexity,
        SearchFailure error) {

    public boolean isError() {
        return error != null;
    }

    /** The measurement a likelihood task's result holds: its "winner" is the scored continuation. */
    static LikelihoodResult of(SearchOutcome result) {
        if (result.isError()) {
            return new LikelihoodResult(result.id(), new int[0], new float[0], 0, Double.NaN, result.error());
        }
        RankedCompletion scored = result.winner();
        int n = scored.tokens().length;
        return new LikelihoodResult(result.id(), scored.tokens(), scored.tokenLogprobs(), scored.sumLogprob(),
                Math.exp(-scored.sumLogprob() / n), null);
    }
}
