package dev.arbor.search;

import dev.arbor.grammar.GrammarAutomaton;
import dev.arbor.grammar.GrammarState;
import dev.arbor.llama.LlamaModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many tokens of one model a grammar's text still needs to become a complete sentence: the
 * shortest completion of a {@link GrammarState} (fewest UTF-8 bytes, read off its parse stacks),
 * written in tokens by {@link TokenSpelling} (the model's own tokenizer, checked). That token
 * sequence is also how a search closes a document: every token of it is allowed by the grammar
 * in turn, since together they spell a valid continuation.
 *
 * <p>Cheap when the budget is loose: a completion of {@code n} bytes never takes more than
 * {@code n} tokens when every byte has a token ({@link TokenSpelling#spellsEveryByte()}), so the
 * tokenizer runs only when the bytes left to write come close to the tokens left; its spellings are
 * cached by text. One per (model, grammar text, root), shared ({@link #of}); thread-safe.
 */
@dev.arbor.annotation.Internal
public final class ClosingCost {
    private static final int CACHED_GRAMMARS = 64;
    private static final int CACHED_SPELLINGS = 4096;
    private static final Map<Key, Object> BY_GRAMMAR = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Object> eldest) {
            return size() > CACHED_GRAMMARS;
        }
    };

    private record Key(LlamaModel model, String grammar, String root) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && model == that.model && grammar.equals(that.grammar)
                    && root.equals(that.root);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * System.identityHashCode(model) + grammar.hashCode()) + root.hashCode();
        }
    }

    private final GrammarAutomaton automaton;
    private final TokenSpelling spelling;
    private final Map<String, int[]> spellings = new ConcurrentHashMap<>();
    private final GrammarState start;
    private final String smallestDocument;
    private final int[] smallestDocumentTokens;

    private ClosingCost(LlamaModel model, GrammarAutomaton automaton) {
        this.automaton = automaton;
        this.spelling = TokenSpelling.of(model);
        // The one scan of the vocabulary happens here, on the submitting thread, not in a search step.
        spelling.spellsEveryByte();
        this.start = automaton.start();
        this.smallestDocument = automaton.shortestSentence();
        this.smallestDocumentTokens = closingTokens(start);
        if (smallestDocumentTokens == null) {
            throw new IllegalArgumentException("the model's vocabulary cannot write the smallest document");
        }
    }

    /**
     * The closing cost of {@code grammar} (GBNF that llama.cpp accepts) for {@code model}, cached.
     *
     * @throws IllegalArgumentException naming why it cannot be computed: the grammar refers to tokens,
     *     has no finite sentence, or the vocabulary cannot write its smallest document. Searches under
     *     such a grammar run without a closing budget.
     */
    public static ClosingCost of(LlamaModel model, String grammar, String root) {
        Key key = new Key(Objects.requireNonNull(model, "model"), Objects.requireNonNull(grammar, "grammar"),
                root == null ? "root" : root);
        Object known;
        synchronized (BY_GRAMMAR) {
            known = BY_GRAMMAR.get(key);
        }
        if (known == null) {
            try {
                known = new ClosingCost(model, GrammarAutomaton.compile(grammar, key.root()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                known = e.getMessage();
            }
            synchronized (BY_GRAMMAR) {
                BY_GRAMMAR.putIfAbsent(key, known);
            }
        }
        if (known instanceof ClosingCost cost) {
            return cost;
        }
        throw new IllegalArgumentException((String) known);
    }

    public GrammarAutomaton automaton() {
        return automaton;
    }

    /** The state before any text. */
    public GrammarState start() {
        return start;
    }

    /** A smallest document of the grammar (fewest bytes). */
    public String smallestDocument() {
        return smallestDocument;
    }

    /** The tokens the model writes {@link #smallestDocument()} with: what any completion needs at least room for. */
    public int smallestDocumentTokens() {
        return smallestDocumentTokens.length;
    }

    /**
     * Whether the text of {@code state} can be completed in at most {@code tokens} tokens. A lost
     * state is answered true: nothing is known about it, so nothing is held against it.
     */
    public boolean closesWithin(GrammarState state, int tokens) {
        if (state.isLost()) {
            return true;
        }
        int bytes = state.shortestCompletionBytes();
        if (bytes >= GrammarAutomaton.INFINITE) {
            return false;
        }
        if (bytes <= tokens && spelling.spellsEveryByte()) {
            return true;
        }
        int[] closing = closingTokens(state);
        return closing != null && closing.length <= tokens;
    }

    /**
     * Tokens that complete the text of {@code state} (the shortest completion, spelled by the
     * model), empty when it is complete; null for a lost state or one the vocabulary cannot close.
     */
    int[] closingTokens(GrammarState state) {
        if (state.isComplete()) {
            return new int[0];
        }
        GrammarState.Completion completion = state.shortestCompletion();
        if (completion == null || completion.bytes() >= GrammarAutomaton.INFINITE) {
            return null;
        }
        int[] text = spellings.get(completion.text());
        if (text == null) {
            text = spelling.spell(completion.text());
            if (text == null) {
                return null;
            }
            if (spellings.size() >= CACHED_SPELLINGS) {
                spellings.clear(); // completions near the end of documents repeat; a rare reset costs little
            }
            spellings.put(completion.text(), text);
        }
        return completion.pendingBytes().length == 0 ? text.clone() : spelling.spell(completion.pendingBytes(),
                completion.text());
    }
}
