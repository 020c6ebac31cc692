package dev.arbor.jobs.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    /** Characters a class is tried with first, so that the witness reads like text. */
    private static final String PREFERRED = "a0 x\"{}[]:,.-_e1";

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
        Map<String, List<List<Item>>> rules;
        try {
            rules = new Parser(gbnf).rules();
        } catch (IllegalArgumentException unreadable) {
            return Result.unreadable();
        }
        if (!rules.containsKey(root)) {
            return Result.unreadable(); // llama.cpp's parser names the missing rule
        }
        Lengths lengths = new Lengths(rules);
        if (lengths.of(root) == NONE) {
            boolean emptyClass = rules.values().stream().flatMap(List::stream).flatMap(List::stream)
                    .anyMatch(item -> item.element() instanceof CharClass chars && chars.pick() < 0);
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

    /** One element of a sequence, repeated at least {@code min} times. */
    private record Item(Element element, int min) {}

    /** What a sequence is made of. */
    private sealed interface Element permits Text, CharClass, RuleRef, Group, TokenRef {}

    private record Text(String value) implements Element {}

    /** {@code ranges} holds inclusive code point pairs; {@code negated}: any character but those. */
    private record CharClass(List<int[]> ranges, boolean negated) implements Element {
        /** A character of the class, preferring readable ones; -1 when the class is empty. */
        int pick() {
            for (int c : PREFERRED.codePoints().toArray()) {
                if (matches(c)) {
                    return c;
                }
            }
            if (!negated) {
                return ranges.stream().filter(r -> r[0] <= r[1]).mapToInt(r -> r[0]).findFirst().orElse(-1);
            }
            for (int c = 0x20; c <= 0x10FFFF; c++) {
                if (matches(c)) {
                    return c;
                }
            }
            return -1;
        }

        private boolean matches(int c) {
            boolean in = ranges.stream().anyMatch(r -> r[0] <= c && c <= r[1]);
            return in != negated;
        }
    }

    private record RuleRef(String name) implements Element {}

    private record Group(List<List<Item>> alternatives) implements Element {}

    private record TokenRef() implements Element {}

    /** The shortest length of every rule, and the alternative that gave it. */
    private static final class Lengths {
        private final Map<String, List<List<Item>>> rules;
        private final Map<String, Long> shortest = new HashMap<>();
        private final Map<String, Integer> choice = new HashMap<>();

        Lengths(Map<String, List<List<Item>>> rules) {
            this.rules = rules;
            boolean changed = true;
            for (int round = 0; changed && round <= rules.size() + 1; round++) {
                changed = false;
                for (Map.Entry<String, List<List<Item>>> rule : rules.entrySet()) {
                    List<List<Item>> alternatives = rule.getValue();
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

        private long sequence(List<Item> items) {
            long total = 0;
            for (Item item : items) {
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

        private long alternatives(List<List<Item>> alternatives) {
            return alternatives.stream().mapToLong(this::sequence).min().orElse(NONE);
        }

        private long element(Element element) {
            if (element instanceof Text text) {
                return text.value().length();
            } else if (element instanceof CharClass chars) {
                return chars.pick() < 0 ? NONE : 1;
            } else if (element instanceof RuleRef ref) {
                return of(ref.name());
            } else if (element instanceof Group group) {
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

        private boolean buildSequence(List<Item> items, StringBuilder out, int depth) {
            for (Item item : items) {
                for (int i = 0; i < item.min(); i++) {
                    if (!buildElement(item.element(), out, depth)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private boolean buildElement(Element element, StringBuilder out, int depth) {
            if (element instanceof Text text) {
                out.append(text.value());
                return true;
            } else if (element instanceof CharClass chars) {
                out.appendCodePoint(chars.pick());
                return true;
            } else if (element instanceof RuleRef ref) {
                return build(ref.name(), out, depth + 1);
            } else if (element instanceof Group group) {
                List<Item> best = group.alternatives().stream()
                        .min(java.util.Comparator.comparingLong(this::sequence)).orElseThrow();
                return buildSequence(best, out, depth + 1);
            }
            return false; // a token: no text
        }
    }

    /** Reads GBNF rules: {@code name ::= alternatives}, literals, classes, groups, repetitions, comments. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Map<String, List<List<Item>>> rules() {
            Map<String, List<List<Item>>> rules = new LinkedHashMap<>();
            while (true) {
                skip(true);
                if (pos >= text.length()) {
                    return rules;
                }
                String name = name();
                skip(false);
                expect("::=");
                rules.put(name, alternatives(false));
            }
        }

        private List<List<Item>> alternatives(boolean nested) {
            List<List<Item>> alternatives = new ArrayList<>();
            alternatives.add(sequence(nested));
            while (true) {
                skip(nested);
                if (pos < text.length() && text.charAt(pos) == '|') {
                    pos++;
                    alternatives.add(sequence(nested));
                } else {
                    return alternatives;
                }
            }
        }

        private List<Item> sequence(boolean nested) {
            List<Item> items = new ArrayList<>();
            skip(true);
            while (pos < text.length()) {
                skip(nested);
                if (pos >= text.length()) {
                    break;
                }
                char c = text.charAt(pos);
                Element element;
                if (c == '"') {
                    pos++;
                    element = new Text(literal());
                } else if (c == '[') {
                    pos++;
                    element = charClass();
                } else if (c == '.') {
                    pos++;
                    element = new CharClass(List.of(), true);
                } else if (c == '<' || (c == '!' && text.startsWith("<", pos + 1))) {
                    int close = text.indexOf('>', pos);
                    if (close < 0) {
                        throw new IllegalArgumentException("token");
                    }
                    pos = close + 1;
                    element = new TokenRef();
                } else if (c == '(') {
                    pos++;
                    element = new Group(alternatives(true));
                    skip(true);
                    expect(")");
                } else if (isNameChar(c)) {
                    int at = pos;
                    String name = name();
                    int after = pos;
                    skip(false);
                    if (text.startsWith("::=", pos)) {
                        pos = at; // the next rule begins
                        break;
                    }
                    pos = after;
                    element = new RuleRef(name);
                } else {
                    break;
                }
                items.add(new Item(element, repetition()));
            }
            return items;
        }

        /** The least count of the repetition after an element: 1 without one. */
        private int repetition() {
            if (pos >= text.length()) {
                return 1;
            }
            char c = text.charAt(pos);
            if (c == '*' || c == '?') {
                pos++;
                return 0;
            }
            if (c == '+') {
                pos++;
                return 1;
            }
            if (c == '{') {
                int close = text.indexOf('}', pos);
                if (close < 0) {
                    throw new IllegalArgumentException("repetition");
                }
                String bounds = text.substring(pos + 1, close).strip();
                pos = close + 1;
                int comma = bounds.indexOf(',');
                return Integer.parseInt((comma < 0 ? bounds : bounds.substring(0, comma)).strip());
            }
            return 1;
        }

        private String literal() {
            StringBuilder value = new StringBuilder();
            while (pos < text.length() && text.charAt(pos) != '"') {
                value.appendCodePoint(character());
            }
            expect("\"");
            return value.toString();
        }

        private CharClass charClass() {
            boolean negated = pos < text.length() && text.charAt(pos) == '^';
            if (negated) {
                pos++;
            }
            List<int[]> ranges = new ArrayList<>();
            while (pos < text.length() && text.charAt(pos) != ']') {
                int low = character();
                int high = low;
                if (pos + 1 < text.length() && text.charAt(pos) == '-' && text.charAt(pos + 1) != ']') {
                    pos++;
                    high = character();
                }
                ranges.add(new int[] {low, high});
            }
            expect("]");
            return new CharClass(ranges, negated);
        }

        /** One character of a literal or class, escapes decoded. */
        private int character() {
            if (pos >= text.length()) {
                throw new IllegalArgumentException("end");
            }
            char c = text.charAt(pos++);
            if (c != '\\') {
                if (Character.isHighSurrogate(c) && pos < text.length()) {
                    return Character.toCodePoint(c, text.charAt(pos++));
                }
                return c;
            }
            if (pos >= text.length()) {
                throw new IllegalArgumentException("escape");
            }
            char escaped = text.charAt(pos++);
            return switch (escaped) {
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'x' -> hex(2);
                case 'u' -> hex(4);
                case 'U' -> hex(8);
                default -> escaped;
            };
        }

        private int hex(int digits) {
            if (pos + digits > text.length()) {
                throw new IllegalArgumentException("hex");
            }
            int value = Integer.parseInt(text.substring(pos, pos + digits), 16);
            pos += digits;
            return value;
        }

        private String name() {
            int start = pos;
            while (pos < text.length() && isNameChar(text.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException("name");
            }
            return text.substring(start, pos);
        }

        private void expect(String token) {
            if (!text.startsWith(token, pos)) {
                throw new IllegalArgumentException(token);
            }
            pos += token.length();
        }

        private static boolean isNameChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        }

        private void skip(boolean newlines) {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '#') {
                    while (pos < text.length() && text.charAt(pos) != '\n') {
                        pos++;
                    }
                } else if (c == ' ' || c == '\t' || ((c == '\n' || c == '\r') && newlines)) {
                    pos++;
                } else {
                    return;
                }
            }
        }
    }
}
