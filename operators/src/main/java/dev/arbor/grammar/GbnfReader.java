package dev.arbor.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads GBNF text into the rule table llama.cpp's grammar parser builds from it, so that a
 * {@link GrammarAutomaton} can follow the same parse stacks as llama.cpp's grammar sampler: rule ids
 * in order of first mention, a synthesized rule for every group and for every repetition step
 * ({@code S{m,n}} becomes {@code m} copies of S followed by a chain of {@code n-m} optional rules,
 * {@code S*} a right-recursive rule), and each rule a flat list of elements with {@link #ALT} between
 * alternatives and {@link #END} after the last.
 *
 * <p>llama.cpp stays the judge of the text: grammars reach this reader only after llama.cpp parsed
 * them, so this reader is strict only where it must be to build the same table, and it throws
 * {@link IllegalArgumentException} on anything it cannot read. Used by one compilation, one thread.
 */
final class GbnfReader {
    static final int END = 0;
    static final int ALT = 1;
    static final int RULE_REF = 2;
    static final int CHAR = 3;
    static final int CHAR_NOT = 4;
    static final int CHAR_RNG_UPPER = 5;
    static final int CHAR_ALT = 6;
    static final int CHAR_ANY = 7;
    static final int TOKEN = 8;
    static final int TOKEN_NOT = 9;

    /** llama.cpp's {@code MAX_REPETITION_THRESHOLD}. */
    private static final int MAX_REPETITION = Expr.MAX_REPETITION;

    /** The table read: {@code rules.get(id)} holds (type, value) pairs, END-terminated. */
    record Table(List<int[]> rules, Map<String, Integer> symbols, boolean hasTokens) {}

    private final int[] s;
    private int pos;
    private final Map<String, Integer> symbols = new HashMap<>();
    private final List<int[]> rules = new ArrayList<>();
    private boolean hasTokens;

    private GbnfReader(String text) {
        this.s = text.codePoints().toArray();
    }

    /** The table of {@code text}; throws {@link IllegalArgumentException} when it cannot be read. */
    static Table read(String text) {
        GbnfReader reader = new GbnfReader(text);
        reader.grammar();
        for (int id = 0; id < reader.rules.size(); id++) {
            if (reader.rules.get(id) == null) {
                throw new IllegalArgumentException("a rule is used but never defined");
            }
        }
        if (reader.rules.size() < reader.symbols.size()) {
            throw new IllegalArgumentException("a rule is used but never defined");
        }
        return new Table(List.copyOf(reader.rules), Map.copyOf(reader.symbols), reader.hasTokens);
    }

    private void grammar() {
        pos = space(0, true);
        while (pos < s.length) {
            rule();
        }
    }

    private void rule() {
        int nameEnd = name(pos);
        String name = new String(s, pos, nameEnd - pos);
        pos = space(nameEnd, false);
        int id = symbolId(name);
        if (!(at(pos) == ':' && at(pos + 1) == ':' && at(pos + 2) == '=')) {
            throw error("expecting ::=");
        }
        pos = space(pos + 3, true);
        alternates(name, id, false);
        if (at(pos) == '\r') {
            pos += at(pos + 1) == '\n' ? 2 : 1;
        } else if (at(pos) == '\n') {
            pos++;
        } else if (pos < s.length) {
            throw error("expecting newline or end");
        }
        pos = space(pos, true);
    }

    private void alternates(String ruleName, int ruleId, boolean nested) {
        IntPairs rule = new IntPairs();
        sequence(ruleName, rule, nested);
        while (at(pos) == '|') {
            rule.add(ALT, 0);
            pos = space(pos + 1, true);
            sequence(ruleName, rule, nested);
        }
        rule.add(END, 0);
        define(ruleId, rule.toArray());
    }

    private void sequence(String ruleName, IntPairs rule, boolean nested) {
        int lastSymbolStart = rule.size();
        while (pos < s.length) {
            int c = s[pos];
            if (c == '"') {
                pos++;
                lastSymbolStart = rule.size();
                while (at(pos) != '"') {
                    rule.add(CHAR, character());
                }
                pos = space(pos + 1, nested);
            } else if (c == '[') {
                pos++;
                int startType = CHAR;
                if (at(pos) == '^') {
                    pos++;
                    startType = CHAR_NOT;
                }
                lastSymbolStart = rule.size();
                while (at(pos) != ']') {
                    int type = lastSymbolStart < rule.size() ? CHAR_ALT : startType;
                    rule.add(type, character());
                    if (at(pos) == '-' && at(pos + 1) != ']') {
                        pos++;
                        rule.add(CHAR_RNG_UPPER, character());
                    }
                }
                pos = space(pos + 1, nested);
            } else if (c == '<' || c == '!') {
                int type = c == '!' ? TOKEN_NOT : TOKEN;
                if (c == '!') {
                    pos++;
                }
                int close = pos;
                while (close < s.length && s[close] != '>') {
                    close++;
                }
                if (at(pos) != '<' || close >= s.length) {
                    throw error("expecting a token <...>");
                }
                hasTokens = true; // the token's id depends on the vocab: the automaton does not follow tokens
                lastSymbolStart = rule.size();
                rule.add(type, -1);
                pos = space(close + 1, nested);
            } else if (isWordChar(c)) {
                int nameEnd = name(pos);
                int ref = symbolId(new String(s, pos, nameEnd - pos));
                pos = space(nameEnd, nested);
                lastSymbolStart = rule.size();
                rule.add(RULE_REF, ref);
            } else if (c == '(') {
                pos = space(pos + 1, true);
                int group = generatedId(ruleName);
                alternates(ruleName, group, true);
                lastSymbolStart = rule.size();
                rule.add(RULE_REF, group);
                if (at(pos) != ')') {
                    throw error("expecting ')'");
                }
                pos = space(pos + 1, nested);
            } else if (c == '.') {
                lastSymbolStart = rule.size();
                rule.add(CHAR_ANY, 0);
                pos = space(pos + 1, nested);
            } else if (c == '*' || c == '+' || c == '?') {
                pos = space(pos + 1, nested);
                repeat(ruleName, rule, lastSymbolStart, c == '+' ? 1 : 0, c == '?' ? 1 : -1);
            } else if (c == '{') {
                braces(ruleName, rule, lastSymbolStart, nested);
            } else {
                break;
            }
        }
    }

    private void braces(String ruleName, IntPairs rule, int lastSymbolStart, boolean nested) {
        pos = space(pos + 1, nested);
        int intEnd = digits(pos);
        int min = number(pos, intEnd);
        pos = space(intEnd, nested);
        int max;
        if (at(pos) == '}') {
            max = min;
            pos = space(pos + 1, nested);
        } else if (at(pos) == ',') {
            pos = space(pos + 1, nested);
            max = -1;
            if (isDigit(at(pos))) {
                int end = digits(pos);
                max = number(pos, end);
                pos = space(end, nested);
            }
            if (at(pos) != '}') {
                throw error("expecting '}'");
            }
            pos = space(pos + 1, nested);
        } else {
            throw error("expecting ','");
        }
        if (min > MAX_REPETITION) {
            throw error("too many repetitions");
        }
        repeat(ruleName, rule, lastSymbolStart, min, max > MAX_REPETITION ? -1 : max);
    }

    /**
     * Rewrites the item at {@code [lastSymbolStart, end)} as llama.cpp does: {@code min} copies in
     * place, then one reference to a chain of optional rules ({@code max < 0}: one recursive rule).
     */
    private void repeat(String ruleName, IntPairs rule, int lastSymbolStart, int min, int max) {
        if (lastSymbolStart == rule.size()) {
            throw error("expecting an item before a repetition");
        }
        int[] item = rule.slice(lastSymbolStart, rule.size());
        if (min == 0) {
            rule.truncate(lastSymbolStart);
        } else {
            for (int i = 1; i < min; i++) {
                rule.addAll(item);
            }
        }
        boolean unbounded = max < 0;
        int optional = unbounded ? 1 : max - min;
        int lastId = 0;
        for (int i = 0; i < optional; i++) {
            int id = generatedId(ruleName);
            IntPairs step = new IntPairs();
            step.addAll(item);
            if (i > 0 || unbounded) {
                step.add(RULE_REF, unbounded ? id : lastId);
            }
            step.add(ALT, 0);
            step.add(END, 0);
            define(id, step.toArray());
            lastId = id;
        }
        if (optional > 0) {
            rule.add(RULE_REF, lastId);
        }
    }

    private int character() {
        if (pos >= s.length) {
            throw error("unexpected end of input");
        }
        int c = s[pos];
        if (c != '\\') {
            pos++;
            return c;
        }
        int e = at(pos + 1);
        pos += 2;
        return switch (e) {
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'n' -> '\n';
            case '\\', '"', '[', ']', '-' -> e;
            default -> throw error("unknown escape");
        };
    }

    private int hex(int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            int digit = Character.digit(at(pos), 16);
            if (digit < 0) {
                throw error("expecting " + size + " hex digits");
            }
            value = (value << 4) | digit;
            pos++;
        }
        return value;
    }

    private int symbolId(String name) {
        return symbols.computeIfAbsent(name, n -> symbols.size());
    }

    private int generatedId(String base) {
        int id = symbols.size();
        symbols.put(base + "_" + id, id);
        return id;
    }

    private void define(int id, int[] body) {
        while (rules.size() <= id) {
            rules.add(null);
        }
        rules.set(id, body);
    }

    /** Skips blanks and {@code #} comments, and line ends when {@code newlines}. */
    private int space(int from, boolean newlines) {
        int p = from;
        while (p < s.length) {
            int c = s[p];
            if (c == '#') {
                while (p < s.length && s[p] != '\r' && s[p] != '\n') {
                    p++;
                }
            } else if (c == ' ' || c == '\t' || (newlines && (c == '\r' || c == '\n'))) {
                p++;
            } else {
                break;
            }
        }
        return p;
    }

    private int name(int from) {
        int p = from;
        while (p < s.length && isWordChar(s[p])) {
            p++;
        }
        if (p == from) {
            throw error("expecting a name");
        }
        return p;
    }

    private int digits(int from) {
        int p = from;
        while (p < s.length && isDigit(s[p])) {
            p++;
        }
        if (p == from) {
            throw error("expecting an integer");
        }
        return p;
    }

    private int number(int from, int to) {
        String digits = new String(s, from, to - from);
        return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
    }

    private int at(int p) {
        return p < s.length ? s[p] : 0;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || isDigit(c);
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at code point " + pos);
    }

    /** A growable list of (type, value) pairs. */
    private static final class IntPairs {
        private int[] data = new int[16];
        private int size; // in ints, two per pair

        void add(int type, int value) {
            if (size + 2 > data.length) {
                data = java.util.Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = type;
            data[size++] = value;
        }

        void addAll(int[] pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                add(pairs[i], pairs[i + 1]);
            }
        }

        /** Size in pairs. */
        int size() {
            return size / 2;
        }

        int[] slice(int fromPair, int toPair) {
            return java.util.Arrays.copyOfRange(data, fromPair * 2, toPair * 2);
        }

        void truncate(int pairs) {
            size = pairs * 2;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
