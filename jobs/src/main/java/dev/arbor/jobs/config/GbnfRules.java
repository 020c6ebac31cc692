package dev.arbor.jobs.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of a GBNF grammar as data, for {@link GrammarWitness}: each rule's alternatives, each a
 * sequence of elements (text, a character class, a rule, a group, a token) with the least number of
 * times each repeats. Reads what llama.cpp's parser reads ({@code name ::= alternatives}, literals
 * with escapes, classes with ranges and negation, groups, {@code * + ? {m,n}}, comments), but is no
 * validator: text it cannot read is an {@link IllegalArgumentException}, and llama.cpp's own parser
 * says what is wrong with it. Stateless.
 */
final class GbnfRules {
    /** Characters a class is tried with first, so that a witness reads like text. */
    private static final String PREFERRED = "a0 x\"{}[]:,.-_e1";

    private GbnfRules() {}

    /** The rules of {@code gbnf} by name, in the order written. */
    static Map<String, List<List<Item>>> parse(String gbnf) {
        return new Parser(gbnf).rules();
    }

    /** One element of a sequence, repeated at least {@code min} times. */
    record Item(Element element, int min) {}

    /** What a sequence is made of. */
    sealed interface Element permits Text, CharClass, RuleRef, Group, TokenRef {}

    record Text(String value) implements Element {}

    /** {@code ranges} holds inclusive code point pairs; {@code negated}: any character but those. */
    record CharClass(List<int[]> ranges, boolean negated) implements Element {
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

    record RuleRef(String name) implements Element {}

    record Group(List<List<Item>> alternatives) implements Element {}

    record TokenRef() implements Element {}


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
