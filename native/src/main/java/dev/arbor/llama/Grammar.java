package dev.arbor.llama;

import java.nio.charset.StandardCharsets;

/**
 * The state of a GBNF grammar over one model's vocabulary (llama.cpp's grammar sampler): which
 * tokens may come next, advanced token by token. A branch owns one; a fork takes a {@link #copy()},
 * so the two advance independently.
 *
 * <p>Invariants: a state only ever accepts tokens it allows ({@link #accept} throws otherwise, where
 * llama.cpp would abort the process); an end-of-generation token is allowed exactly when the text so
 * far is a complete sentence of the grammar ({@link #isComplete()}). Not thread-safe: one owner, one
 * thread. {@link #close()} frees the native state and is idempotent.
 */
@dev.arbor.annotation.PublicApi
public final class Grammar implements AutoCloseable {
    /** The rule a grammar starts from unless told otherwise. */
    public static final String DEFAULT_ROOT = "root";

    private final LlamaModel model;
    private long handle;

    private Grammar(LlamaModel model, long handle) {
        this.model = model;
        this.handle = handle;
    }

    /**
     * Parses GBNF text for {@code model}'s vocabulary.
     *
     * @throws InvalidGrammarException with llama.cpp's parse error when the text is not a grammar
     */
    public static Grammar parse(LlamaModel model, String gbnf, String root) {
        if (gbnf == null || gbnf.isBlank()) {
            throw new InvalidGrammarException("the grammar is empty");
        }
        String start = root == null ? DEFAULT_ROOT : root;
        GbnfCheck.check(gbnf, start);
        LlamaLog.takeLastError();
        long handle = model.withHandle(m -> LlamaNative.grammarInit(m, gbnf.getBytes(StandardCharsets.UTF_8),
                start.getBytes(StandardCharsets.UTF_8)));
        if (handle == 0) {
            String reason = LlamaLog.takeLastError();
            throw new InvalidGrammarException(reason == null ? "llama.cpp could not parse the grammar" : reason);
        }
        return new Grammar(model, handle);
    }

    /** An independent copy of this state (a fork's). */
    public Grammar copy() {
        return new Grammar(model, LlamaNative.grammarClone(openHandle()));
    }

    /** Sets the logits of the tokens the grammar does not allow next to -inf; returns how many stay allowed. */
    public int mask(float[] logits) {
        return LlamaNative.grammarMask(openHandle(), logits);
    }

    /** Whether {@code token} may come next. */
    public boolean allows(int token) {
        return LlamaNative.grammarAllows(openHandle(), token);
    }

    /** Whether the text so far is complete: the grammar allows it to end here. */
    public boolean isComplete() {
        return allows(model.eos());
    }

    /**
     * Advances the state by {@code token}.
     *
     * @throws IllegalArgumentException when the grammar does not allow it (the state is unchanged)
     */
    public void accept(int token) {
        LlamaNative.grammarAccept(openHandle(), token);
    }

    public boolean isClosed() {
        return handle == 0;
    }

    @Override
    public void close() {
        if (handle != 0) {
            long grammar = handle;
            handle = 0;
            LlamaNative.grammarFree(grammar);
        }
    }

    /** Closes every grammar of {@code grammars} that is not null (states no branch took over). */
    public static void closeAll(Iterable<Grammar> grammars) {
        for (Grammar grammar : grammars) {
            if (grammar != null) {
                grammar.close();
            }
        }
    }

    private long openHandle() {
        if (handle == 0) {
            throw new IllegalStateException("grammar state is closed");
        }
        return handle;
    }
}
