package dev.arbor.grammar;

import dev.arbor.grammar.GbnfGrammar.Alt;
import dev.arbor.grammar.GbnfGrammar.CharSet;
import dev.arbor.grammar.GbnfGrammar.Lit;
import dev.arbor.grammar.GbnfGrammar.Node;
import dev.arbor.grammar.GbnfGrammar.Ref;
import dev.arbor.grammar.GbnfGrammar.Repeat;
import dev.arbor.grammar.GbnfGrammar.Seq;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides whether a grammar derives a string (test-side interpreter). Every expression maps a start
 * position to the set of positions where a match can end, so ambiguity and backtracking cost
 * nothing special; rule results are memoized per position. Works on code points, as llama.cpp does.
 * One instance per string.
 */
final class GbnfMatcher {
    private final GbnfGrammar grammar;
    private final int[] input;
    private final Map<Long, BitSet> memo = new HashMap<>();
    private final Map<String, Integer> ruleIds = new HashMap<>();

    private GbnfMatcher(GbnfGrammar grammar, String input) {
        this.grammar = grammar;
        this.input = input.codePoints().toArray();
    }

    /** Whether {@code rule} derives exactly {@code input}. */
    static boolean matches(GbnfGrammar grammar, String rule, String input) {
        GbnfMatcher m = new GbnfMatcher(grammar, input);
        return m.ends(new Ref(rule), 0).get(m.input.length);
    }

    private BitSet ends(Node node, int pos) {
        if (node instanceof Lit l) {
            return literal(l, pos);
        }
        if (node instanceof CharSet c) {
            BitSet out = new BitSet();
            if (pos < input.length && c.matches(input[pos])) {
                out.set(pos + 1);
            }
            return out;
        }
        if (node instanceof Ref r) {
            return rule(r.name(), pos);
        }
        if (node instanceof Seq s) {
            BitSet at = single(pos);
            for (Node item : s.items()) {
                at = step(item, at);
            }
            return at;
        }
        if (node instanceof Alt a) {
            BitSet out = new BitSet();
            a.options().forEach(o -> out.or(ends(o, pos)));
            return out;
        }
        return repeat((Repeat) node, pos);
    }

    private BitSet literal(Lit l, int pos) {
        int[] cps = l.codePoints();
        BitSet out = new BitSet();
        if (pos + cps.length > input.length) {
            return out;
        }
        for (int i = 0; i < cps.length; i++) {
            if (input[pos + i] != cps[i]) {
                return out;
            }
        }
        out.set(pos + cps.length);
        return out;
    }

    private BitSet rule(String name, int pos) {
        int id = ruleIds.computeIfAbsent(name, n -> ruleIds.size());
        long key = ((long) id << 32) | pos;
        BitSet cached = memo.get(key);
        if (cached != null) {
            return cached;
        }
        // No left recursion (the parser checks), so a rule is never re-entered at the same position.
        memo.put(key, new BitSet());
        BitSet out = ends(grammar.rules.get(name), pos);
        memo.put(key, out);
        return out;
    }

    private BitSet repeat(Repeat r, int pos) {
        BitSet current = single(pos);
        for (int i = 0; i < r.min(); i++) {
            current = step(r.item(), current);
        }
        BitSet all = (BitSet) current.clone();
        if (r.max() < 0) {
            BitSet frontier = current;
            while (!frontier.isEmpty()) {
                BitSet next = step(r.item(), frontier);
                next.andNot(all);
                all.or(next);
                frontier = next;
            }
            return all;
        }
        for (int i = r.min(); i < r.max() && !current.isEmpty(); i++) {
            current = step(r.item(), current);
            all.or(current);
        }
        return all;
    }

    /** Where {@code node} can end, starting at any of {@code starts}. */
    private BitSet step(Node node, BitSet starts) {
        BitSet out = new BitSet();
        for (int p = starts.nextSetBit(0); p >= 0; p = starts.nextSetBit(p + 1)) {
            out.or(ends(node, p));
        }
        return out;
    }

    private static BitSet single(int pos) {
        BitSet b = new BitSet();
        b.set(pos);
        return b;
    }
}
