package dev.arbor.search;

/** Why a request was rejected or stopped: a stable code and a message for people. */
@dev.arbor.annotation.PublicApi
public record SearchFailure(ErrorCode code, String message) {
    public SearchFailure {
        if (code == null || message == null) {
            throw new IllegalArgumentException("code and message are required");
        }
    }
}
