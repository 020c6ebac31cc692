package dev.arbor.search;

/** Why a request was rejected or stopped: a stable code and a message for people. */
public record SearchError(ErrorCode code, String message) {
    public SearchError {
        if (code == null || message == null) {
            throw new IllegalArgumentException("code and message are required");
        }
    }
}
