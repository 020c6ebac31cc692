package dev.arbor.search;

/**
 * Thrown by a {@link SearchTask} when its request cannot go on for a reason of its own (not the
 * engine's): the engine answers the request with {@link #code()} and the message, and goes on with
 * the others.
 */
final class RequestFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorCode code;

    RequestFailure(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
