package dev.arbor.search;

/**
 * Ranks the completions of a best-of-n request; higher is better. Implementations must be
 * deterministic and cheap: they run on the engine thread.
 */
@FunctionalInterface
public interface Scorer {
    double score(Completion completion);

    /** Mean token logprob: prefers confident completions without favouring short ones (the default). */
    Scorer MEAN_LOGPROB = completion -> {
        int n = completion.tokenLogprobs().length;
        return n == 0 ? Double.NEGATIVE_INFINITY : completion.sumLogprob() / n;
    };

    /** Sum of token logprobs: the completion's log probability under the model. */
    Scorer SUM_LOGPROB = Completion::sumLogprob;
}
