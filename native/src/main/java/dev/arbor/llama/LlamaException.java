package dev.arbor.llama;

/**
 * A failure reported by llama.cpp itself: a model that does not load, a context that cannot be
 * created, a decode that returns an error status. Misuse of the Java API (a closed object, an
 * index out of range) is reported with {@link IllegalStateException} or
 * {@link IllegalArgumentException} instead.
 */
@dev.arbor.annotation.PublicApi
public class LlamaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LlamaException(String message) {
        super(message);
    }

    public LlamaException(String message, Throwable cause) {
        super(message, cause);
    }
}
