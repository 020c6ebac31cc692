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
 *
 * <p>Masks are shared: every state parsed from the same text for the same model keeps its mask in
 * one {@link GrammarMasks} under its position in the grammar ({@link GrammarStacks}, followed in
 * Java alongside llama.cpp's own state), so branches, steps and requests that reach the same
 * grammar state get the mask llama.cpp computed there once, instead of a scan of the whole
 * vocabulary each. The result is llama.cpp's mask either way.
 */
@dev.arbor.annotation.PublicApi
public final class Grammar implements AutoCloseable {
    /** The rule a grammar starts from unless told otherwise. */
    public static final String DEFAULT_ROOT = "root";

    private final LlamaModel model;
    private final GrammarMasks masks;
    private GrammarStacks state; // null: this grammar's states are not followed (no shared masks)
    private TokenMask current;   // the mask of the state as it is now, once known
    private long handle;

    private Grammar(LlamaModel model, GrammarMasks masks, GrammarStacks state, long handle) {
        this.model = model;
        this.masks = masks;
        this.state = state;
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
        GrammarMasks masks = GrammarMasks.of(model, gbnf, start);
        return new Grammar(model, masks, masks.initialState(), handle);
    }

    /** An independent copy of this state (a fork's). */
    public Grammar copy() {
        Grammar copy = new Grammar(model, masks, state, LlamaNative.grammarClone(openHandle()));
        copy.current = current;
        return copy;
    }

    /** Sets the logits of the tokens the grammar does not allow next to -inf; returns how many stay allowed. */
    public int mask(float[] logits) {
        return mask(logits, null);
    }

    /**
     * As {@link #mask(float[])}, and fills {@code summary} (when not null) with the masked row's max,
     * first argmax and log-sum-exp: when few tokens stay allowed, from them alone.
     */
    @dev.arbor.annotation.Internal
    public int mask(float[] logits, RowSummary summary) {
        if (logits.length != model.nVocab()) {
            throw new IllegalArgumentException("logits must hold nVocab (" + model.nVocab() + ") floats");
        }
        TokenMask mask = currentMask();
        int allowed = mask.applyTo(logits);
        if (summary != null) {
            mask.summarize(logits, summary);
        }
        return allowed;
    }

    /**
     * llama.cpp's own grammar sampler over the whole row, as every mask was made before masks were
     * shared: for comparisons (benchmarks, tests). Same result as {@link #mask(float[])}.
     */
    public int maskWithLlamaCpp(float[] logits) {
        return LlamaNative.grammarMask(openHandle(), logits);
    }

    /** Whether {@code token} may come next. */
    public boolean allows(int token) {
        if (current != null && token >= 0 && token < model.nVocab()) {
            return current.allows(token);
        }
        return LlamaNative.grammarAllows(openHandle(), token);
    }

    /**
     * The mask of the state as it is now: known already, shared by another branch or request in the
     * same state (checked against llama.cpp on a few tokens), or computed by llama.cpp and shared.
     */
    private TokenMask currentMask() {
        if (current != null) {
            return current;
        }
        TokenMask shared = masks.lookup(state);
        if (shared != null && agreesWithLlamaCpp(shared)) {
            current = shared;
            return shared;
        }
        long[] bits = TokenMask.newBits(model.nVocab());
        // The first-byte filter needs to know that no partial character is pending: only a followed state tells.
        int allowed = LlamaNative.grammarAllowed(openHandle(), bits, state != null && !state.hasPendingCharacter());
        current = new TokenMask(bits, allowed, model.nVocab());
        masks.store(state, current);
        return current;
    }

    private boolean agreesWithLlamaCpp(TokenMask shared) {
        int[] tokens = masks.tokensToCheck();
        if (model.eos() >= 0) {
            tokens[0] = model.eos(); // whether the text may end is part of every state
        }
        boolean[] verdicts = new boolean[tokens.length];
        LlamaNative.grammarCheck(openHandle(), tokens, verdicts);
        for (int i = 0; i < tokens.length; i++) {
            if (verdicts[i] != shared.allows(tokens[i])) {
                masks.disable("token " + tokens[i] + " is " + (verdicts[i] ? "allowed" : "banned")
                        + " by llama.cpp but not by the shared mask");
                return false;
            }
        }
        return true;
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
        current = null;
        if (state != null) {
            state = masks.advance(state, model, token);
        }
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
