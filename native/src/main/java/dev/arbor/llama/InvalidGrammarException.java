package dev.arbor.llama;

/** A grammar that llama.cpp cannot parse (the message is its reason), or an empty one. */
@dev.arbor.annotation.PublicApi
public final class InvalidGrammarException extends LlamaException {
    private static final long serialVersionUID = 1L;

    public InvalidGrammarException(String message) {
        super(message);
    }
}
