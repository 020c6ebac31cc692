package dev.arbor.grammar;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.GbnfRules;
import java.util.Optional;

/**
 * Whether a GBNF grammar accepts any text at all, known from its rules alone (no model), with the
 * shortest such text as a witness, or what keeps it from accepting any: a start rule that can never
 * be completed (an empty character class such as {@code [z-a]}, rules that only lead to each other)
 * would make every completion fail. Read and solved by {@link GrammarAutomaton}, as llama.cpp parses
 * the grammar. Token references ({@code <...>}) match tokens, not text: such a grammar gets no
 * witness text, but is taken to accept. Text the reader cannot parse is left to llama.cpp's parser
 * ({@link #readable} false).
 *
 * @param readable whether the rules could be read here (false: llama.cpp's parser judges them)
 * @param accepts whether some text completes the start rule
 * @param text the shortest such text, when it is plain text of at most {@value #MAX_TEXT} characters
 * @param why when nothing is accepted: what stands in the way, in words
 */
@Internal
public record GrammarWitness(boolean readable, boolean accepts, Optional<String> text, String why) {
    /** Witness texts longer than this are not built (the grammar is still known to accept something). */
    public static final int MAX_TEXT = 4096;

    private static final GrammarWitness UNREADABLE = new GrammarWitness(false, true, Optional.empty(), null);

    /** The shortest text of {@code gbnf} from rule {@code root}, or why there is none. */
    public static GrammarWitness of(String gbnf, String root) {
        GbnfRules rules;
        try {
            rules = GbnfRules.parse(gbnf, root);
        } catch (GbnfRules.RefersToTokens tokens) {
            return new GrammarWitness(true, true, Optional.empty(), null);
        } catch (IllegalArgumentException unreadable) {
            return UNREADABLE; // llama.cpp's parser names what is wrong (a missing rule, say)
        }
        GrammarAutomaton automaton = GrammarAutomaton.of(rules);
        if (!automaton.hasFiniteSentence()) {
            return new GrammarWitness(true, false, Optional.empty(), "rule '" + root + "' can never be completed"
                    + (automaton.hasEmptyClass() ? " (it needs a character of an empty class, such as [z-a])"
                            : " (its rules only lead to each other)"));
        }
        String shortest = automaton.shortestSentence();
        return new GrammarWitness(true, true, shortest.length() <= MAX_TEXT ? Optional.of(shortest) : Optional.empty(),
                null);
    }
}
