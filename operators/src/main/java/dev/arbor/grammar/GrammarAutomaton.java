package dev.arbor.grammar;

import static dev.arbor.llama.GbnfRules.ALT;
import static dev.arbor.llama.GbnfRules.CHAR;
import static dev.arbor.llama.GbnfRules.CHAR_ALT;
import static dev.arbor.llama.GbnfRules.CHAR_ANY;
import static dev.arbor.llama.GbnfRules.CHAR_NOT;
import static dev.arbor.llama.GbnfRules.CHAR_RNG_UPPER;
import static dev.arbor.llama.GbnfRules.END;
import static dev.arbor.llama.GbnfRules.RULE_REF;

import dev.arbor.annotation.Internal;
import dev.arbor.llama.GbnfRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A GBNF grammar in the pushdown form llama.cpp's grammar sampler runs (the same rule table, the
 * same parse stacks), together with what it takes to finish any state: for every element of every
 * alternative, the fewest UTF-8 bytes that complete its alternative, and for every rule a shortest
 * sentence. {@link GrammarState} follows generated text through it and names the shortest
 * completion of the text so far; that is how a search knows how many tokens a branch still needs
 * to close its document.
 *
 * <p>Only grammars of characters are followed: a grammar with token references ({@code <[id]>},
 * {@code <text>}) or without any finite sentence is refused by {@link #compile} with the reason.
 * Immutable after construction and thread-safe (the shortest strings are memoized concurrently).
 */
@Internal
public final class GrammarAutomaton {
    /** A length at or above this means "no finite completion". */
    public static final int INFINITE = Integer.MAX_VALUE / 4;
    /** Characters tried first for a character class, so shortest texts read (and tokenize) plainly. */
    private static final String PREFERRED = "a0 ";

    final int[] type;
    final int[] value;
    /** Start positions of each rule's alternatives. */
    final int[][] alternatives;
    /** For a character element: the position after its class (its CHAR_ALT and range elements). */
    final int[] afterChar;
    /** Fewest bytes that complete the alternative from this position (0 at END and ALT). */
    final int[] restBytes;
    /** For a character element: the character a shortest text writes there. */
    final int[] shortestChar;
    private final int[] ruleBytes;
    private final int[] bestAlternative;
    private final int root;
    private final String[] ruleNames;
    private final Map<Integer, String> shortestRuleText = new ConcurrentHashMap<>();

    private GrammarAutomaton(GbnfRules rules) {
        this.root = rules.root();
        int size = rules.elementCount();
        type = new int[size];
        value = new int[size];
        for (int p = 0; p < size; p++) {
            type[p] = rules.type(p);
            value[p] = rules.value(p);
        }
        alternatives = new int[rules.ruleCount()][];
        ruleNames = new String[rules.ruleCount()];
        for (int r = 0; r < rules.ruleCount(); r++) {
            List<Integer> starts = new ArrayList<>();
            int at = rules.ruleStart(r);
            starts.add(at);
            for (; type[at] != END; at++) {
                if (type[at] == ALT) {
                    starts.add(at + 1);
                }
            }
            alternatives[r] = starts.stream().mapToInt(Integer::intValue).toArray();
            ruleNames[r] = rules.ruleName(r);
        }
        afterChar = new int[size];
        shortestChar = new int[size];
        for (int p = 0; p < size; p++) {
            if (isCharElement(p)) {
                afterChar[p] = skipClass(p);
                shortestChar[p] = chooseChar(p);
            }
        }
        restBytes = new int[size];
        ruleBytes = new int[rules.ruleCount()];
        bestAlternative = new int[rules.ruleCount()];
        solveShortest();
    }

    /**
     * Compiles {@code gbnf} (text llama.cpp accepts) from the rule {@code root}.
     *
     * @throws IllegalArgumentException naming why the grammar cannot be followed: unreadable,
     *     token references, no rule {@code root}, or no finite sentence
     */
    public static GrammarAutomaton compile(String gbnf, String root) {
        GrammarAutomaton automaton = new GrammarAutomaton(GbnfRules.parse(gbnf, root));
        if (!automaton.hasFiniteSentence()) {
            throw new IllegalArgumentException("the grammar has no finite sentence");
        }
        return automaton;
    }

    /** The automaton of rules read already, whether or not it has a finite sentence ({@link GrammarWitness}). */
    static GrammarAutomaton of(GbnfRules rules) {
        return new GrammarAutomaton(rules);
    }

    /** Whether some finite text completes the start rule. */
    boolean hasFiniteSentence() {
        return ruleBytes[root] < INFINITE;
    }

    /** Whether some character class of the grammar admits no character at all (such as {@code [z-a]}). */
    boolean hasEmptyClass() {
        for (int p = 0; p < type.length; p++) {
            if (isCharElement(p) && (p == 0 || !isClassContinuation(p)) && shortestChar[p] < 0) {
                return true;
            }
        }
        return false;
    }

    private boolean isClassContinuation(int p) {
        return isCharElement(p - 1) && (type[p] == CHAR_ALT || type[p] == CHAR_RNG_UPPER);
    }

    /** The state before any text: llama.cpp's initial stacks. */
    public GrammarState start() {
        return GrammarState.initial(this, root);
    }

    /** A shortest sentence of the grammar (what the smallest document is). */
    public String shortestSentence() {
        return shortestRule(root, 0);
    }

    boolean isEndOfSequence(int p) {
        return type[p] == END || type[p] == ALT;
    }

    boolean isCharElement(int p) {
        int t = type[p];
        return t == CHAR || t == CHAR_NOT || t == CHAR_ANY;
    }

    /** Whether the class starting at {@code p} admits {@code cp} (llama.cpp's match_char). */
    boolean matches(int p, int cp) {
        boolean positive = type[p] == CHAR || type[p] == CHAR_ANY;
        boolean found = false;
        int q = p;
        do {
            if (type[q + 1] == CHAR_RNG_UPPER) {
                found |= value[q] <= cp && cp <= value[q + 1];
                q += 2;
            } else if (type[q] == CHAR_ANY) {
                found = true;
                q += 1;
            } else {
                found |= value[q] == cp;
                q += 1;
            }
        } while (type[q] == CHAR_ALT);
        return found == positive;
    }

    /** The smallest code point in {@code [low, high]} the class at {@code p} admits, or -1. */
    int smallestIn(int p, int low, int high) {
        int cp = low;
        while (cp <= high) {
            if (matches(p, cp)) {
                return cp;
            }
            int next = nextCandidate(p, cp);
            if (next <= cp) {
                return -1;
            }
            cp = next;
        }
        return -1;
    }

    /** The next code point after {@code cp} where the class's answer may change (a range bound). */
    private int nextCandidate(int p, int cp) {
        int best = Integer.MAX_VALUE;
        int q = p;
        do {
            int lo = value[q];
            int hi = type[q + 1] == CHAR_RNG_UPPER ? value[q + 1] : lo;
            if (lo > cp) {
                best = Math.min(best, lo);
            }
            if (hi >= cp) {
                best = Math.min(best, hi + 1);
            }
            q += type[q + 1] == CHAR_RNG_UPPER ? 2 : 1;
        } while (type[q] == CHAR_ALT);
        return best == Integer.MAX_VALUE ? -1 : best;
    }

    private int skipClass(int p) {
        int q = p;
        do {
            q += type[q + 1] == CHAR_RNG_UPPER ? 2 : 1;
        } while (type[q] == CHAR_ALT);
        return q;
    }

    /** A character the class admits, as few UTF-8 bytes as possible, plain ones first; -1 if none. */
    private int chooseChar(int p) {
        for (int i = 0; i < PREFERRED.length(); i++) {
            if (matches(p, PREFERRED.charAt(i))) {
                return PREFERRED.charAt(i);
            }
        }
        int[] limits = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
        // From 1: llama.cpp refuses every token whose text starts with a NUL byte.
        int low = 1;
        for (int high : limits) {
            int cp = smallestIn(p, low, high);
            if (cp >= 0) {
                return cp;
            }
            low = high + 1;
        }
        return -1;
    }

    static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /**
     * Fewest bytes of every rule, to a fixpoint: a rule is re-evaluated whenever a rule it refers to
     * gets shorter, so the work is proportional to the improvements, not to rules x passes.
     */
    private void solveShortest() {
        int rules = alternatives.length;
        Arrays.fill(ruleBytes, INFINITE);
        List<List<Integer>> dependents = new ArrayList<>(rules);
        for (int r = 0; r < rules; r++) {
            dependents.add(new ArrayList<>());
        }
        for (int r = 0; r < rules; r++) {
            for (int start : alternatives[r]) {
                for (int p = start; !isEndOfSequence(p); p++) {
                    if (type[p] == RULE_REF) {
                        dependents.get(value[p]).add(r);
                    }
                }
            }
        }
        ArrayDeque<Integer> work = new ArrayDeque<>();
        BitSet queued = new BitSet(rules);
        for (int r = rules - 1; r >= 0; r--) {
            work.add(r);
            queued.set(r);
        }
        while (!work.isEmpty()) {
            int r = work.poll();
            queued.clear(r);
            int best = INFINITE;
            int bestAlt = -1;
            for (int a = 0; a < alternatives[r].length; a++) {
                int bytes = fillRest(alternatives[r][a]);
                if (bytes < best) {
                    best = bytes;
                    bestAlt = a;
                }
            }
            if (best < ruleBytes[r]) {
                ruleBytes[r] = best;
                bestAlternative[r] = bestAlt;
                for (int d : dependents.get(r)) {
                    if (!queued.get(d)) {
                        queued.set(d);
                        work.add(d);
                    }
                }
            }
        }
        for (int[] starts : alternatives) {
            for (int start : starts) {
                fillRest(start);
            }
        }
    }

    /** Fills {@link #restBytes} along one alternative from its end; returns the alternative's total. */
    private int fillRest(int start) {
        int end = start;
        while (!isEndOfSequence(end)) {
            end++;
        }
        restBytes[end] = 0;
        int rest = 0;
        // Walk elements backwards; a class's trailing CHAR_ALT/range elements belong to its first.
        for (int p = end - 1; p >= start; p--) {
            int t = type[p];
            if (t == CHAR_ALT || t == CHAR_RNG_UPPER) {
                continue;
            }
            int element = switch (t) {
                case RULE_REF -> ruleBytes[value[p]];
                case CHAR, CHAR_NOT, CHAR_ANY -> shortestChar[p] < 0 ? INFINITE : utf8Length(shortestChar[p]);
                default -> INFINITE; // tokens: never reached, compile refuses them
            };
            rest = Math.min(INFINITE, rest + element);
            restBytes[p] = rest;
        }
        return rest;
    }

    /** A shortest text that completes the alternative from position {@code p}. */
    String shortestFrom(int p) {
        StringBuilder out = new StringBuilder();
        appendShortestFrom(p, out, 0);
        return out.toString();
    }

    private void appendShortestFrom(int p, StringBuilder out, int depth) {
        for (int q = p; !isEndOfSequence(q); ) {
            if (type[q] == RULE_REF) {
                out.append(shortestRule(value[q], depth + 1));
                q++;
            } else {
                out.appendCodePoint(shortestChar[q]);
                q = afterChar[q];
            }
        }
    }

    private String shortestRule(int r, int depth) {
        String known = shortestRuleText.get(r);
        if (known != null) {
            return known;
        }
        // A shortest derivation never needs a rule inside itself; the guard only stops a bug from
        // overflowing the stack.
        if (depth > 10_000) {
            throw new IllegalStateException("no finite shortest derivation for rule " + ruleNames[r]);
        }
        StringBuilder out = new StringBuilder();
        appendShortestFrom(alternatives[r][bestAlternative[r]], out, depth);
        String text = out.toString();
        shortestRuleText.putIfAbsent(r, text);
        return text;
    }
}
