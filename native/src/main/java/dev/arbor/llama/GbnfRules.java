package dev.arbor.llama;

import dev.arbor.annotation.Internal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

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
 * <p>The one GBNF reader in Arbor: the search's closing budget ({@code dev.arbor.grammar}'s
 * automaton, which finds the shortest completion of a state) reads its rules from here too, so the
 * mask cache and the budget can never disagree on where an element is.
 *
 * <p>Invariants: every rule ends with {@link #END}; positions are indices into the flattened
 * element arrays; a grammar that refers to tokens ({@code <...>}) is refused with a
 * {@link RefersToTokens} (its states are left to llama.cpp alone). Immutable.
 */
@Internal
public final class GbnfRules {
    public static final int END = 0;
    public static final int ALT = 1;
    public static final int RULE_REF = 2;
    public static final int CHAR = 3;
    public static final int CHAR_NOT = 4;
    public static final int CHAR_RNG_UPPER = 5;
    public static final int CHAR_ALT = 6;
    public static final int CHAR_ANY = 7;

    /** A grammar that matches tokens ({@code <[id]>}, {@code <text>}): their text depends on the model. */
    public static final class RefersToTokens extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        RefersToTokens() {
            super("the grammar refers to tokens (<...>), whose text depends on the model");
        }
    }

    /** Element types and values, all rules back to back. */
    final int[] types;
    final int[] values;
    /** Where each rule's elements start in {@link #types}. */
    final int[] ruleStart;
    final int root;
    private final String[] ruleNames;

    private GbnfRules(List<List<int[]>> rules, Map<String, Integer> symbolIds, int root) {
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
        ruleNames = new String[rules.size()];
        symbolIds.forEach((name, id) -> {
            if (id < ruleNames.length) {
                ruleNames[id] = name;
            }
        });
    }

    /** The start rule's id. */
    public int root() {
        return root;
    }

    /** How many rules there are (ids 0 to this, exclusive). */
    public int ruleCount() {
        return ruleStart.length;
    }

    /** How many elements all rules hold together (positions 0 to this, exclusive). */
    public int elementCount() {
        return types.length;
    }

    /** Where rule {@code rule}'s elements start. */
    public int ruleStart(int rule) {
        return ruleStart[rule];
    }

    /** The type of the element at {@code position} ({@link #END}, {@link #CHAR}, ...). */
    public int type(int position) {
        return types[position];
    }

    /** The value of the element at {@code position}: a code point or a rule id. */
    public int value(int position) {
        return values[position];
    }

    /** The name of rule {@code rule} (a generated rule's name is its parent's plus {@code _id}). */
    public String ruleName(int rule) {
        return ruleNames[rule];
    }

    /** Whether the element at {@code position} ends an alternative (ALT or END). */
    boolean isEndOfSequence(int position) {
        return types[position] == END || types[position] == ALT;
    }

    /**
     * Parses {@code gbnf} as llama.cpp does, starting from rule {@code root}.
     *
     * @throws RefersToTokens when the grammar matches tokens
     * @throws IllegalArgumentException when the text is not a grammar this mirror follows (llama.cpp
     *     judges texts first, so this only happens for a missing start rule or text llama.cpp reads
     *     differently from the format's rules)
     */
    public static GbnfRules parse(String gbnf, String root) {
        GbnfParser parser = new GbnfParser(gbnf.getBytes(StandardCharsets.UTF_8));
        parser.parseAll();
        Integer rootId = parser.symbolIds.get(root);
        if (rootId == null || rootId >= parser.rules.size()) {
            throw new IllegalArgumentException("the grammar has no rule '" + root + "'");
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
        return new GbnfRules(parser.rules, parser.symbolIds, rootId);
    }
}
