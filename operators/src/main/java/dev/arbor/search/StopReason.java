package dev.arbor.search;

/** Why a completion ended. */
@dev.arbor.annotation.PublicApi
public enum StopReason {
    /** The model produced an end-of-generation token (when stopping at it is on). */
    EOG,
    /** The text reached one of the request's stop strings (cut from the output). */
    STOP,
    /** It reached {@code maxNewTokens}. */
    LENGTH,
    /**
     * It reached {@code maxNewTokens} as a complete document of its grammar: the search kept every
     * branch able to close in the tokens left, and closed this one ({@link ClosingBudget}).
     */
    BUDGET
}
