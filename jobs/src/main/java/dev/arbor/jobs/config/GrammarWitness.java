package dev.arbor.jobs.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shortest text a GBNF grammar accepts, found from its rules alone (no model), or the rule that
 * keeps it from accepting any: a grammar whose start rule can never be completed (an empty character
 * class such as {@code [z-a]}, rules that only call each other) would make every completion fail.
 *
 * <p>Each rule's shortest text is found by relaxing all rules until none gets shorter; only a strictly
 * shorter text replaces a rule's, so following the recorded choices always ends. Token references
 * ({@code <...>}) match tokens, not text: a grammar using them gets no witness ({@link Result#text} is
 * empty), but is still told apart from one that accepts nothing. Text this reader cannot parse is
 * left to llama.cpp's parser ({@link Result#unknown}). Stateless; not a validator of GBNF syntax.
 */
final class GrammarWitness {
    /** Witness texts longer than this are not built (the grammar is still known to accept something). */
    private static final int MAX_TEXT = 4096;
    private static final long NONE = Long.MAX_VALUE;

    /**
     * What the grammar accepts.
     *
     * @param unknown the rules could not be read here (llama.cpp's parser judges them)
     * @param accepts whether some text completes the start rule
     * @param text the shortest such text, when it is plain text of a bounded length
     * @param why when nothing is accepted: what stands in the way, in words
     */
    record Result(boolean unknown, boolean accepts, Optional<String> text, String why) {
        static Result unreadable() {
            return new Result(true, true, Optional.empty(), null);
        }
    }

    private GrammarWitness() {}

    /** The shortest text of {@code gbnf} from rule {@code root}, or why there is none. */
    static Result of(String gbnf, String root) {
        Map<String, List<List<GbnfRules.Item>>> rules;
        try {
            rules = GbnfRules.parse(gbnf);
        } catch (IllegalArgumentException unreadable) {
            return Result.unreadable();
        }
        if (!rules.containsKey(root)) {
            return Result.unreadable(); // llama.cpp's parser names the missing rule
        }
        Lengths lengths = new Lengths(rules);
        if (lengths.of(root) == NONE) {
            boolean emptyClass = rules.values().stream().flatMap(List::stream).flatMap(List::stream)
                    .anyMatch(item -> item.element() instanceof GbnfRules.CharClass chars && chars.pick() < 0);
            return new Result(false, false, Optional.empty(), "rule '" + root + "' can never be completed"
                    + (emptyClass ? " (it needs a character of an empty class, such as [z-a])"
                            : " (its rules only lead to each other)"));
        }
        if (lengths.of(root) > MAX_TEXT) {
            return new Result(false, true, Optional.empty(), null);
        }
        StringBuilder text = new StringBuilder();
        boolean tokens = !lengths.build(root, text, 0);
        return new Result(false, true, tokens ? Optional.empty() : Optional.of(text.toString()), null);
    }

    /** The shortest length of every rule, and the alternative that gave it. */
    private static final class Lengths {
        private final Map<String, List<List<GbnfRules.Item>>> rules;
        private final Map<String, Long> shortest = new HashMap<>();
        private final Map<String, Integer> choice = new HashMap<>();

        Lengths(Map<String, List<List<GbnfRules.Item>>> rules) {
            this.rules = rules;
            boolean changed = true;
            for (int round = 0; changed && round <= rules.size() + 1; round++) {
                changed = false;
                for (Map.Entry<String, List<List<GbnfRules.Item>>> rule : rules.entrySet()) {
                    List<List<GbnfRules.Item>> alternatives = rule.getValue();
                    for (int i = 0; i < alternatives.size(); i++) {
                        long length = sequence(alternatives.get(i));
                        if (length < of(rule.getKey())) {
                            shortest.put(rule.getKey(), length);
                            choice.put(rule.getKey(), i);
                            changed = true;
                        }
                    }
                }
            }
        }

        long of(String rule) {
            return shortest.getOrDefault(rule, NONE);
        }

        private long sequence(List<GbnfRules.Item> items) {
            long total = 0;
            for (GbnfRules.Item item : items) {
                if (item.min() == 0) {
                    continue; // zero repetitions: nothing, whatever the element
                }
                long each = element(item.element());
                if (each == NONE) {
                    return NONE;
                }
                long repeated = each > (NONE - 1) / item.min() ? NONE - 1 : each * item.min();
                total = repeated > NONE - 1 - total ? NONE - 1 : total + repeated;
            }
            return total;
        }

        private long alternatives(List<List<GbnfRules.Item>> alternatives) {
            return alternatives.stream().mapToLong(this::sequence).min().orElse(NONE);
        }

        private long element(GbnfRules.Element element) {
            if (element instanceof GbnfRules.Text text) {
                return text.value().length();
            } else if (element instanceof GbnfRules.CharClass chars) {
                return chars.pick() < 0 ? NONE : 1;
            } else if (element instanceof GbnfRules.RuleRef ref) {
                return of(ref.name());
            } else if (element instanceof GbnfRules.Group group) {
                return alternatives(group.alternatives());
            }
            return 1; // a token
        }

        /** Appends the shortest text of {@code rule}; false when it needs a token reference (no text). */
        boolean build(String rule, StringBuilder out, int depth) {
            if (depth > 10_000) {
                return false;
            }
            return buildSequence(rules.get(rule).get(choice.get(rule)), out, depth);
        }

        private boolean buildSequence(List<GbnfRules.Item> items, StringBuilder out, int depth) {
            for (GbnfRules.Item item : items) {
                for (int i = 0; i < item.min(); i++) {
                    if (!buildElement(item.element(), out, depth)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private boolean buildElement(GbnfRules.Element element, StringBuilder out, int depth) {
            if (element instanceof GbnfRules.Text text) {
                out.append(text.value());
                return true;
            } else if (element instanceof GbnfRules.CharClass chars) {
                out.appendCodePoint(chars.pick());
                return true;
            } else if (element instanceof GbnfRules.RuleRef ref) {
                return build(ref.name(), out, depth + 1);
            } else if (element instanceof GbnfRules.Group group) {
                List<GbnfRules.Item> best = group.alternatives().stream()
                        .min(java.util.Comparator.comparingLong(this::sequence)).orElseThrow();
                return buildSequence(best, out, depth + 1);
            }
            return false; // a token: no text
        }
    }

}
