package dev.arbor.llama;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A GBNF grammar as llama.cpp 0.5.0's grammar parser lays it out: one rule per symbol id, each a
 * run of elements (characters, character ranges and alternatives, rule references, ALT between
 * alternatives, END), with repetitions and groups rewritten into generated rules exactly as
 * llama.cpp rewrites them, and symbol ids handed out in the same order. Parsed from the same UTF-8
 * bytes, so that the element at each position is the element llama.cpp has there.
 *
 * <p>Why a mirror: a grammar state is a set of pushdown stacks of element positions
 * ({@link GrammarStacks}), and two branches whose stacks are equal are offered exactly the same
 * tokens. Knowing the positions in Java lets branches and requests in the same grammar state share
 * one token mask instead of asking llama.cpp to check the whole vocabulary again. Written for
 * Arbor from the grammar format's rules; the tests compare every state's mask with llama.cpp's.
 *
 * <p>Invariants: every rule ends with {@link #END}; positions are indices into the flattened
 * element arrays; a grammar that refers to tokens ({@code <...>}) is refused with an
 * {@link IllegalArgumentException} (its states are left to llama.cpp alone).
 */
final class GbnfRules {
    static final int END = 0;
    static final int ALT = 1;
    static final int RULE_REF = 2;
    static final int CHAR = 3;
    static final int CHAR_NOT = 4;
    static final int CHAR_RNG_UPPER = 5;
    static final int CHAR_ALT = 6;
    static final int CHAR_ANY = 7;

    /** Element types and values, all rules back to back. */
    final int[] types;
    final int[] values;
    /** Where each rule's elements start in {@link #types}. */
    final int[] ruleStart;
    final int root;

    private GbnfRules(List<List<int[]>> rules, int root) {
        int total = 0;
        for (List<int[]> rule : rules) {
            total += rule.size();
        }
        types = new int[total];
        values = new int[total];
        ruleStart = new int[rules.size()];
        int at = 0;
        for (int r = 0; r < rules.size(); r++) {
            ruleStart[r] = at;
            for (int[] element : rules.get(r)) {
                types[at] = element[0];
                values[at] = element[1];
                at++;
            }
        }
        this.root = root;
    }

    /** Whether the element at {@code position} ends an alternative (ALT or END). */
    boolean isEndOfSequence(int position) {
        return types[position] == END || types[position] == ALT;
    }

    /**
     * Parses {@code gbnf} as llama.cpp does, starting from rule {@code root}.
     *
     * @throws IllegalArgumentException when the text is not a grammar this mirror follows (llama.cpp
     *     has accepted it already, so this only happens for token references or text llama.cpp reads
     *     differently from the format's rules)
     */
    static GbnfRules parse(String gbnf, String root) {
        GbnfParser parser = new GbnfParser(gbnf.getBytes(StandardCharsets.UTF_8));
        parser.parseAll();
        Integer rootId = parser.symbolIds.get(root);
        if (rootId == null) {
            throw new IllegalArgumentException("no rule '" + root + "'");
        }
        for (List<int[]> rule : parser.rules) {
            if (rule == null || rule.isEmpty()) {
                throw new IllegalArgumentException("undefined rule");
            }
            for (int[] element : rule) {
                if (element[0] == RULE_REF && (element[1] >= parser.rules.size() || parser.rules.get(element[1]) == null)) {
                    throw new IllegalArgumentException("undefined rule " + element[1]);
                }
            }
        }
        return new GbnfRules(parser.rules, rootId);
    }
}
