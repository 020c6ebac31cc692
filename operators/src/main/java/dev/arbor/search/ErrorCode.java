package dev.arbor.search;

/** Why a request produced no completion. Carried as a string in records, so new codes never break readers. */
@dev.arbor.annotation.PublicApi
public enum ErrorCode {
    /** No prompt, an empty one, or one made only of whitespace. */
    EMPTY_PROMPT,
    /** The prompt alone, or the prompt plus what the search may generate, does not fit the context. */
    PROMPT_TOO_LONG,
    /** Width (beams or samples) is larger than the context's sequence count. */
    WIDTH_TOO_LARGE,
    /** A parameter is out of range (width, maxNewTokens, sampler values, tokens outside the vocab, ...). */
    INVALID_PARAMS,
    /** The prompt text cannot be encoded as UTF-8 (for example, an unpaired surrogate). */
    INVALID_TEXT,
    /**
     * The grammar is not valid GBNF (the message says where), or the JSON Schema uses a keyword
     * Arbor cannot turn into a grammar (the message names it and its location).
     */
    INVALID_GRAMMAR,
    /** Chat messages but no chat template: the model has none and no named one was configured. */
    CHAT_TEMPLATE,
    /** The request's deadline passed before it finished. */
    TIMEOUT,
    /** The request was cancelled, or the engine closed before it finished. */
    CANCELLED,
    /** The engine failed while running the request (a llama.cpp error). */
    FAILED;

    /** Whether the code says the record itself was bad input (it never ran, and would never run as it is). */
    public boolean isBadInput() {
        return switch (this) {
            case EMPTY_PROMPT, PROMPT_TOO_LONG, WIDTH_TOO_LARGE, INVALID_PARAMS, INVALID_TEXT, INVALID_GRAMMAR,
                    CHAT_TEMPLATE -> true;
            case TIMEOUT, CANCELLED, FAILED -> false;
        };
    }
}
