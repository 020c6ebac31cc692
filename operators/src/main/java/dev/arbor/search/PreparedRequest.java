package dev.arbor.search;

/**
 * A request that passed validation, with its prompt tokenized and its clock started.
 *
 * @param request what was asked
 * @param promptTokens the prompt as the model sees it
 * @param submittedNanos {@code System.nanoTime()} at submission
 * @param deadlineNanos when it times out, or {@code Long.MAX_VALUE}
 * @param forcedTokens for a likelihood request, the continuation to score; null for a search
 * @param footprint the most it holds at once: what admission reserves for it
 */
record PreparedRequest(SearchRequest request, int[] promptTokens, long submittedNanos, long deadlineNanos,
        int[] forcedTokens, Footprint footprint) {

    /** With the footprint its strategy states for a model with attention cells. */
    PreparedRequest(SearchRequest request, int[] promptTokens, long submittedNanos, long deadlineNanos,
            int[] forcedTokens) {
        this(request, promptTokens, submittedNanos, deadlineNanos, forcedTokens,
                request.strategy().footprint(request, promptTokens.length));
    }

    PreparedRequest withForcedTokens(int[] tokens) {
        return new PreparedRequest(request, promptTokens, submittedNanos, deadlineNanos, tokens, footprint);
    }

    boolean expired(long now) {
        return now - deadlineNanos >= 0 && deadlineNanos != Long.MAX_VALUE;
    }
}
