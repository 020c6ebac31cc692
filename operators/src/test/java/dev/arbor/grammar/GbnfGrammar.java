package dev.arbor.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GBNF grammar parsed the way llama.cpp's parser reads it (test-side interpreter): rules
 * {@code name ::= alternatives}, one a line; literals and classes with the escapes llama.cpp knows
 * ({@code \xHH \}{@code uHHHH \UHHHHHHHH \t \r \n \\ \" \[ \]}); groups; {@code * + ? {m} {m,}
 * {m,n}}; {@code .}; {@code #} comments. Parsing fails on anything llama.cpp would refuse that the
 * tests can meet: bad escapes, undefined rules, left recursion. Immutable once parsed.
 */
final class GbnfGrammar {
    /** A grammar expression. */
    sealed interface Node permits Lit, CharSet, Ref, Seq, Alt, Repeat {
    }

    record Lit(int[] codePoints) implements Node {
    }

    /** A class: {@code ranges} pairs (from, to) inclusive; {@code negated} for {@code [^...]}. */
    record CharSet(int[] ranges, boolean negated) implements Node {
        boolean matches(int cp) {
            boolean in = false;
            for (int i = 0; i < ranges.length; i += 2) {
                in |= ranges[i] <= cp && cp <= ranges[i + 1];
            }
            return in != negated;
        }
    }

    record Ref(String name) implements Node {
    }

    record Seq(List<Node> items) implements Node {
    }

    record Alt(List<Node> options) implements Node {
    }

    /** {@code max < 0}: unbounded. */
    record Repeat(Node item, int min, int max) implements Node {
    }

    final Map<String, Node> rules;

    private GbnfGrammar(Map<String, Node> rules) {
        this.rules = rules;
    }

    static GbnfGrammar parse(String text) {
        GbnfGrammar g = new GbnfGrammar(new Parser(text).rules());
        g.checkDefined();
        g.checkNoLeftRecursion();
        return g;
    }

    private void checkDefined() {
        for (Node body : rules.values()) {
            forEachRef(body, name -> {
                if (!rules.containsKey(name)) {
                    throw new IllegalArgumentException("undefined rule " + name);
                }
            });
        }
    }

    private static void forEachRef(Node n, java.util.function.Consumer<String> f) {
        if (n instanceof Ref r) {
            f.accept(r.name());
        } else if (n instanceof Seq s) {
            s.items().forEach(i -> forEachRef(i, f));
        } else if (n instanceof Alt a) {
            a.options().forEach(o -> forEachRef(o, f));
        } else if (n instanceof Repeat r) {
            forEachRef(r.item(), f);
        }
    }

    /** Which rules can derive the empty string (fixpoint). */
    Set<String> nullableRules() {
        Set<String> nullable = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var e : rules.entrySet()) {
                if (!nullable.contains(e.getKey()) && nullable(e.getValue(), nullable)) {
                    nullable.add(e.getKey());
                    changed = true;
                }
            }
        }
        return nullable;
    }

    private static boolean nullable(Node n, Set<String> nullableRules) {
        if (n instanceof Lit l) {
            return l.codePoints().length == 0;
        }
        if (n instanceof Ref r) {
            return nullableRules.contains(r.name());
        }
        if (n instanceof Seq s) {
            return s.items().stream().allMatch(i -> nullable(i, nullableRules));
        }
        if (n instanceof Alt a) {
            return a.options().stream().anyMatch(o -> nullable(o, nullableRules));
        }
        if (n instanceof Repeat r) {
            return r.min() == 0 || nullable(r.item(), nullableRules);
        }
        return false;
    }

    /** llama.cpp refuses a rule that can reach itself without consuming a character. */
    private void checkNoLeftRecursion() {
        Set<String> nullable = nullableRules();
        Map<String, Set<String>> first = new HashMap<>();
        rules.forEach((name, body) -> {
            Set<String> refs = new HashSet<>();
            leftmost(body, nullable, refs);
            first.put(name, refs);
        });
        for (String start : rules.keySet()) {
            Set<String> seen = new HashSet<>();
            List<String> todo = new ArrayList<>(first.get(start));
            while (!todo.isEmpty()) {
                String r = todo.remove(todo.size() - 1);
                if (r.equals(start)) {
                    throw new IllegalArgumentException("left recursion through rule " + start);
                }
                if (seen.add(r)) {
                    todo.addAll(first.get(r));
                }
            }
        }
    }

    /** Adds the rules {@code n} may start with; returns whether {@code n} may be empty. */
    private static boolean leftmost(Node n, Set<String> nullable, Set<String> out) {
        if (n instanceof Lit l) {
            return l.codePoints().length == 0;
        }
        if (n instanceof Ref r) {
            out.add(r.name());
            return nullable.contains(r.name());
        }
        if (n instanceof Seq s) {
            for (Node i : s.items()) {
                if (!leftmost(i, nullable, out)) {
                    return false;
                }
            }
            return true;
        }
        if (n instanceof Alt a) {
            boolean any = false;
            for (Node o : a.options()) {
                any |= leftmost(o, nullable, out);
            }
            return any;
        }
        if (n instanceof Repeat r) {
            return leftmost(r.item(), nullable, out) || r.min() == 0;
        }
        return false;
    }

    /** A recursive-descent reader of GBNF text. */
    private static final class Parser {
        private final int[] s;
        private int pos;

        Parser(String text) {
            this.s = text.codePoints().toArray();
        }

        Map<String, Node> rules() {
            Map<String, Node> rules = new LinkedHashMap<>();
            space(true);
            while (pos < s.length) {
                String name = name();
                space(false);
                expect("::=");
                space(true);
                Node body = alternatives(false);
                if (rules.put(name, body) != null) {
                    throw error("rule defined twice: " + name);
                }
                if (pos < s.length && s[pos] != '\n' && s[pos] != '\r') {
                    throw error("expecting newline or end");
                }
                space(true);
            }
            return rules;
        }

        private Node alternatives(boolean nested) {
            List<Node> options = new ArrayList<>();
            options.add(sequence(nested));
            while (pos < s.length && s[pos] == '|') {
                pos++;
                space(true);
                options.add(sequence(nested));
            }
            return options.size() == 1 ? options.get(0) : new Alt(options);
        }

        private Node sequence(boolean nested) {
            List<Node> items = new ArrayList<>();
            while (pos < s.length) {
                int c = s[pos];
                if (c == '"') {
                    pos++;
                    List<Integer> cps = new ArrayList<>();
                    while (peek() != '"') {
                        cps.add(character());
                    }
                    pos++;
                    items.add(new Lit(cps.stream().mapToInt(Integer::intValue).toArray()));
                } else if (c == '[') {
                    items.add(charSet());
                } else if (isWordChar(c)) {
                    items.add(new Ref(name()));
                } else if (c == '(') {
                    pos++;
                    space(true);
                    Node inner = alternatives(true);
                    if (peek() != ')') {
                        throw error("expecting )");
                    }
                    pos++;
                    items.add(inner);
                } else if (c == '.') {
                    pos++;
                    items.add(new CharSet(new int[0], true));
                } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                    if (items.isEmpty()) {
                        throw error("repetition without a preceding item");
                    }
                    Node last = items.remove(items.size() - 1);
                    items.add(repetition(last));
                } else {
                    break;
                }
                space(nested);
            }
            return items.size() == 1 ? items.get(0) : new Seq(items);
        }

        private Node repetition(Node item) {
            int c = s[pos++];
            if (c == '*') {
                return new Repeat(item, 0, -1);
            }
            if (c == '+') {
                return new Repeat(item, 1, -1);
            }
            if (c == '?') {
                return new Repeat(item, 0, 1);
            }
            space(true);
            int min = integer();
            space(true);
            int max = min;
            if (peek() == ',') {
                pos++;
                space(true);
                max = Character.isDigit(peek()) ? integer() : -1;
                space(true);
            }
            if (peek() != '}') {
                throw error("expecting }");
            }
            pos++;
            if (max > 2000 || min > 2000) {
                throw error("repetition beyond llama.cpp's threshold");
            }
            return new Repeat(item, min, max);
        }

        private Node charSet() {
            pos++;
            boolean negated = peek() == '^';
            if (negated) {
                pos++;
            }
            List<Integer> ranges = new ArrayList<>();
            while (peek() != ']') {
                int from = character();
                int to = from;
                if (peek() == '-' && pos + 1 < s.length && s[pos + 1] != ']') {
                    pos++;
                    to = character();
                }
                ranges.add(from);
                ranges.add(to);
            }
            pos++;
            return new CharSet(ranges.stream().mapToInt(Integer::intValue).toArray(), negated);
        }

        private int character() {
            if (pos >= s.length) {
                throw error("unexpected end of input");
            }
            int c = s[pos++];
            if (c != '\\') {
                return c;
            }
            int e = s[pos++];
            return switch (e) {
                case 'x' -> hex(2);
                case 'u' -> hex(4);
                case 'U' -> hex(8);
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'n' -> '\n';
                case '\\', '"', '[', ']' -> e;
                default -> throw error("unknown escape \\" + Character.toString(e));
            };
        }

        private int hex(int n) {
            String digits = new String(s, pos, n);
            pos += n;
            return Integer.parseInt(digits, 16);
        }

        private String name() {
            int start = pos;
            while (pos < s.length && isWordChar(s[pos])) {
                pos++;
            }
            if (pos == start) {
                throw error("expecting name");
            }
            return new String(s, start, pos - start);
        }

        private int integer() {
            int start = pos;
            while (pos < s.length && Character.isDigit(s[pos])) {
                pos++;
            }
            if (pos == start) {
                throw error("expecting integer");
            }
            return Integer.parseInt(new String(s, start, pos - start));
        }

        private void space(boolean newlineOk) {
            while (pos < s.length) {
                int c = s[pos];
                if (c == '#') {
                    while (pos < s.length && s[pos] != '\n' && s[pos] != '\r') {
                        pos++;
                    }
                } else if (c == ' ' || c == '\t' || (newlineOk && (c == '\n' || c == '\r'))) {
                    pos++;
                } else {
                    return;
                }
            }
        }

        private void expect(String token) {
            for (char c : token.toCharArray()) {
                if (peek() != c) {
                    throw error("expecting " + token);
                }
                pos++;
            }
        }

        private int peek() {
            if (pos >= s.length) {
                throw error("unexpected end of input");
            }
            return s[pos];
        }

        private static boolean isWordChar(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(message + " at offset " + pos);
        }
    }
}
