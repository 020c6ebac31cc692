package dev.arbor.search;

/**
 * Scores solutions; higher is better. Ranks the completions of best-of-n and self-consistency and,
 * through {@link #scorePartial}, the partial solutions a step-level search keeps or drops. A user's
 * own scorer (a regex against the record's reference answer, a unit-test runner) implements this
 * interface and is named by its class (records, options, SQL). Implementations must be
 * deterministic and should be quick: they run on the engine thread. One that throws fails only the
 * request it was scoring.
 */
@dev.arbor.annotation.PublicApi
@FunctionalInterface
public interface Scorer {
    double score(Completion completion);

    /**
     * The score of a partial (or complete) solution of a step-level search; by default what
     * {@link #score} gives the text generated so far.
     */
    default double scorePartial(PartialSolution solution) {
        return score(solution.completion());
    }

    /** Mean token logprob: prefers confident completions without favouring short ones (the default). */
    Scorer MEAN_LOGPROB = completion -> {
        int n = completion.tokenLogprobs().length;
        return n == 0 ? Double.NEGATIVE_INFINITY : completion.sumLogprob() / n;
    };

    /** Sum of token logprobs: the completion's log probability under the model. */
    Scorer SUM_LOGPROB = Completion::sumLogprob;
}
