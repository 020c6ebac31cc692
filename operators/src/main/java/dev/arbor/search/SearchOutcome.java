package dev.arbor.search;

import java.util.List;

/**
 * The outcome of one {@link SearchRequest}: the winner and, when asked, every kept completion
 * ranked best first (the winner included), or an error when the request was rejected or stopped.
 *
 * <p>Invariant: exactly one of {@code winner} and {@code error} is non-null; {@code candidates}
 * is empty unless the request asked for them and it succeeded.
 */
@dev.arbor.annotation.PublicApi
public record SearchOutcome(String id, RankedCompletion winner, List<RankedCompletion> candidates, RunStats stats,
        SearchFailure error, SearchDetails details) {

    public SearchOutcome {
        candidates = List.copyOf(candidates);
        details = details == null ? SearchDetails.NONE : details;
        if ((winner == null) == (error == null)) {
            throw new IllegalArgumentException("a result has either a winner or an error");
        }
    }

    /** An outcome without step-level details. */
    public SearchOutcome(String id, RankedCompletion winner, List<RankedCompletion> candidates, RunStats stats,
            SearchFailure error) {
        this(id, winner, candidates, stats, error, SearchDetails.NONE);
    }

    static SearchOutcome failure(String id, ErrorCode code, String message, RunStats stats) {
        return new SearchOutcome(id, null, List.of(), stats, new SearchFailure(code, message));
    }

    public boolean isError() {
        return error != null;
    }
}
