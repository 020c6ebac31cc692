package dev.arbor.grammar;

import dev.arbor.grammar.GbnfGrammar.Alt;
import dev.arbor.grammar.GbnfGrammar.CharSet;
import dev.arbor.grammar.GbnfGrammar.Lit;
import dev.arbor.grammar.GbnfGrammar.Node;
import dev.arbor.grammar.GbnfGrammar.Ref;
import dev.arbor.grammar.GbnfGrammar.Repeat;
import dev.arbor.grammar.GbnfGrammar.Seq;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random sentences of a grammar (test-side): a walk that picks alternatives, repetition counts and
 * characters with a seeded {@link Random}. Past a depth budget it takes the alternative with the
 * shallowest derivation and the fewest repetitions, so every walk ends. Repetition counts favour
 * the bounds (min, max) to exercise them. Negated classes draw from a fixed alphabet that mixes
 * ASCII, JSON-special, non-ASCII and astral characters.
 */
final class GbnfSampler {
    private static final int[] ALPHABET = ("abcXYZ019 _-:,.{}[]\"\\/'\u007f\u00e9\u00df\u4e2d\u2028\u00a0"
            + new String(Character.toChars(0x1F600)) + "\t\n\u0001").codePoints().toArray();
    private static final int INFINITE = Integer.MAX_VALUE / 4;

    private final GbnfGrammar grammar;
    private final Random random;
    private final int depthBudget;
    private final Map<String, Integer> height = new HashMap<>();

    GbnfSampler(GbnfGrammar grammar, long seed, int depthBudget) {
        this.grammar = grammar;
        this.random = new Random(seed);
        this.depthBudget = depthBudget;
        computeHeights();
    }

    String sample(String rule) {
        StringBuilder out = new StringBuilder();
        walk(new Ref(rule), 0, out);
        return out.toString();
    }

    private void walk(Node node, int depth, StringBuilder out) {
        if (node instanceof Lit l) {
            for (int cp : l.codePoints()) {
                out.appendCodePoint(cp);
            }
        } else if (node instanceof CharSet c) {
            out.appendCodePoint(pick(c));
        } else if (node instanceof Ref r) {
            walk(grammar.rules.get(r.name()), depth + 1, out);
        } else if (node instanceof Seq s) {
            s.items().forEach(i -> walk(i, depth, out));
        } else if (node instanceof Alt a) {
            walk(choose(a, depth), depth, out);
        } else {
            Repeat r = (Repeat) node;
            int n = count(r, depth);
            for (int i = 0; i < n; i++) {
                walk(r.item(), depth, out);
            }
        }
    }

    private Node choose(Alt a, int depth) {
        if (depth < depthBudget) {
            return a.options().get(random.nextInt(a.options().size()));
        }
        List<Node> best = new ArrayList<>();
        int min = INFINITE;
        for (Node o : a.options()) {
            int h = height(o);
            if (h < min) {
                best.clear();
                min = h;
            }
            if (h == min) {
                best.add(o);
            }
        }
        return best.get(random.nextInt(best.size()));
    }

    private int count(Repeat r, int depth) {
        if (depth >= depthBudget) {
            return r.min();
        }
        int max = r.max() < 0 ? r.min() + 4 : r.max();
        return switch (random.nextInt(4)) {
            case 0 -> r.min();
            case 1 -> max;
            default -> r.min() + random.nextInt(Math.min(max - r.min(), 6) + 1);
        };
    }

    private int pick(CharSet c) {
        if (!c.negated()) {
            int[] ranges = c.ranges();
            int i = 2 * random.nextInt(ranges.length / 2);
            int cp;
            do {
                cp = ranges[i] + random.nextInt(ranges[i + 1] - ranges[i] + 1);
            } while (cp >= 0xD800 && cp <= 0xDFFF);
            return cp;
        }
        List<Integer> allowed = new ArrayList<>();
        for (int cp : ALPHABET) {
            if (c.matches(cp)) {
                allowed.add(cp);
            }
        }
        if (allowed.isEmpty()) {
            throw new IllegalStateException("no sample character fits a negated class");
        }
        return allowed.get(random.nextInt(allowed.size()));
    }

    /** Shallowest derivation of each rule (in rule references), by fixpoint. */
    private void computeHeights() {
        grammar.rules.keySet().forEach(r -> height.put(r, INFINITE));
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var e : grammar.rules.entrySet()) {
                int h = height(e.getValue());
                if (h < height.get(e.getKey())) {
                    height.put(e.getKey(), h);
                    changed = true;
                }
            }
        }
    }

    private int height(Node n) {
        if (n instanceof Ref r) {
            return Math.min(INFINITE, height.get(r.name()) + 1);
        }
        if (n instanceof Seq s) {
            return s.items().stream().mapToInt(this::height).max().orElse(0);
        }
        if (n instanceof Alt a) {
            return a.options().stream().mapToInt(this::height).min().orElse(0);
        }
        if (n instanceof Repeat r) {
            return r.min() == 0 ? 0 : height(r.item());
        }
        return 0;
    }
}
