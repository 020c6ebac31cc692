package dev.arbor.search;

import java.util.List;

/**
 * The outcome of one {@link SearchRequest}: the winner and, when asked, every kept completion
 * ranked best first (the winner included), or an error when the request was rejected or stopped.
 *
 * <p>Invariant: exactly one of {@code winner} and {@code error} is non-null; {@code candidates}
 * is empty unless the request asked for them and it succeeded.
 */
public record SearchResult(String id, Candidate winner, List<Candidate> candidates, SearchStats stats,
        SearchError error) {

    public SearchResult {
        candidates = List.copyOf(candidates);
        if ((winner == null) == (error == null)) {
            throw new IllegalArgumentException("a result has either a winner or an error");
        }
    }

    static SearchResult failure(String id, ErrorCode code, String message, SearchStats stats) {
        return new SearchResult(id, null, List.of(), stats, new SearchError(code, message));
    }

    public boolean isError() {
        return error != null;
    }
}
