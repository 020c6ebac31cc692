package dev.arbor.llama;

import static dev.arbor.llama.GbnfRules.ALT;
import static dev.arbor.llama.GbnfRules.CHAR;
import static dev.arbor.llama.GbnfRules.CHAR_ALT;
import static dev.arbor.llama.GbnfRules.CHAR_ANY;
import static dev.arbor.llama.GbnfRules.CHAR_NOT;
import static dev.arbor.llama.GbnfRules.CHAR_RNG_UPPER;
import static dev.arbor.llama.GbnfRules.END;
import static dev.arbor.llama.GbnfRules.RULE_REF;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recursive-descent parser behind {@link GbnfRules#parse}: one method per production of
 * llama.cpp 0.5.0's GBNF parser, over the grammar's UTF-8 bytes (a NUL ends the text, as in C), with
 * the same rewriting of groups and repetitions into generated rules and the same order of symbol
 * ids, so that every rule and element lands where llama.cpp puts it. Elements are {@code {type,
 * value}} pairs of {@link GbnfRules}' types.
 */
final class GbnfParser {
    /** llama.cpp's cap on the rules one repetition may generate (MAX_REPETITION_THRESHOLD). */
    private static final long MAX_REPETITION = 2000;

    private final byte[] src;
    final Map<String, Integer> symbolIds = new HashMap<>();
    final List<List<int[]>> rules = new ArrayList<>();

    GbnfParser(byte[] src) {
        this.src = src;
    }

    /** The byte at {@code pos}, 0 past the end (C strings end at the first NUL). */
    private int at(int pos) {
        return pos < src.length ? src[pos] & 0xFF : 0;
    }

    void parseAll() {
        int pos = parseSpace(0, true);
        while (at(pos) != 0) {
            pos = parseRule(pos);
        }
    }

    private int symbolId(String name) {
        Integer id = symbolIds.get(name);
        if (id == null) {
            id = symbolIds.size();
            symbolIds.put(name, id);
        }
        return id;
    }

    private int generateSymbolId(String base) {
        int next = symbolIds.size();
        symbolIds.put(base + "_" + next, next);
        return next;
    }

    private void addRule(int id, List<int[]> rule) {
        while (rules.size() <= id) {
            rules.add(null);
        }
        rules.set(id, rule);
    }

    private int parseRule(int pos) {
        int nameEnd = parseName(pos);
        String name = new String(src, pos, nameEnd - pos, StandardCharsets.UTF_8);
        int p = parseSpace(nameEnd, false);
        int id = symbolId(name);
        if (!(at(p) == ':' && at(p + 1) == ':' && at(p + 2) == '=')) {
            throw new IllegalArgumentException("expecting ::= at byte " + p);
        }
        p = parseSpace(p + 3, true);
        p = parseAlternates(p, name, id, false);
        if (at(p) == '\r') {
            p += at(p + 1) == '\n' ? 2 : 1;
        } else if (at(p) == '\n') {
            p++;
        } else if (at(p) != 0) {
            throw new IllegalArgumentException("expecting newline or end at byte " + p);
        }
        return parseSpace(p, true);
    }

    private int parseAlternates(int pos, String ruleName, int ruleId, boolean nested) {
        List<int[]> rule = new ArrayList<>();
        int p = parseSequence(pos, ruleName, rule, nested);
        while (at(p) == '|') {
            rule.add(new int[] {ALT, 0});
            p = parseSpace(p + 1, true);
            p = parseSequence(p, ruleName, rule, nested);
        }
        rule.add(new int[] {END, 0});
        addRule(ruleId, rule);
        return p;
    }

    private int parseSequence(int pos, String ruleName, List<int[]> rule, boolean nested) {
        int lastSymStart = rule.size();
        long prevRules = 1;
        int p = pos;
        while (at(p) != 0) {
            int c = at(p);
            if (c == '"') {
                p++;
                lastSymStart = rule.size();
                prevRules = 1;
                while (at(p) != '"') {
                    if (at(p) == 0) {
                        throw new IllegalArgumentException("unexpected end of input");
                    }
                    long decoded = parseChar(p);
                    p = (int) (decoded >>> 32);
                    rule.add(new int[] {CHAR, (int) decoded});
                }
                p = parseSpace(p + 1, nested);
            } else if (c == '[') {
                p++;
                int startType = CHAR;
                if (at(p) == '^') {
                    p++;
                    startType = CHAR_NOT;
                }
                lastSymStart = rule.size();
                prevRules = 1;
                while (at(p) != ']') {
                    if (at(p) == 0) {
                        throw new IllegalArgumentException("unexpected end of input");
                    }
                    long decoded = parseChar(p);
                    p = (int) (decoded >>> 32);
                    rule.add(new int[] {lastSymStart < rule.size() ? CHAR_ALT : startType, (int) decoded});
                    if (at(p) == '-' && at(p + 1) != ']') {
                        if (at(p + 1) == 0) {
                            throw new IllegalArgumentException("unexpected end of input");
                        }
                        long upper = parseChar(p + 1);
                        p = (int) (upper >>> 32);
                        rule.add(new int[] {CHAR_RNG_UPPER, (int) upper});
                    }
                }
                p = parseSpace(p + 1, nested);
            } else if (c == '<' || c == '!') {
                throw new GbnfRules.RefersToTokens();
            } else if (isWordChar(c)) {
                int nameEnd = parseName(p);
                int refId = symbolId(new String(src, p, nameEnd - p, StandardCharsets.UTF_8));
                p = parseSpace(nameEnd, nested);
                lastSymStart = rule.size();
                prevRules = 1;
                rule.add(new int[] {RULE_REF, refId});
            } else if (c == '(') {
                p = parseSpace(p + 1, true);
                int rulesBefore = symbolIds.size();
                int subRuleId = generateSymbolId(ruleName);
                p = parseAlternates(p, ruleName, subRuleId, true);
                prevRules = Math.max(1, symbolIds.size() - rulesBefore);
                lastSymStart = rule.size();
                rule.add(new int[] {RULE_REF, subRuleId});
                if (at(p) != ')') {
                    throw new IllegalArgumentException("expecting ')' at byte " + p);
                }
                p = parseSpace(p + 1, nested);
            } else if (c == '.') {
                lastSymStart = rule.size();
                prevRules = 1;
                rule.add(new int[] {CHAR_ANY, 0});
                p = parseSpace(p + 1, nested);
            } else if (c == '*' || c == '+' || c == '?') {
                p = parseSpace(p + 1, nested);
                prevRules = repeat(rule, lastSymStart, ruleName, c == '+' ? 1 : 0, c == '?' ? 1 : -1, prevRules);
            } else if (c == '{') {
                p = parseSpace(p + 1, nested);
                if (!isDigit(at(p))) {
                    throw new IllegalArgumentException("expecting an int at byte " + p);
                }
                int intEnd = parseInt(p);
                long min = Long.parseLong(new String(src, p, intEnd - p, StandardCharsets.US_ASCII));
                p = parseSpace(intEnd, nested);
                long max;
                if (at(p) == '}') {
                    max = min;
                    p = parseSpace(p + 1, nested);
                } else if (at(p) == ',') {
                    p = parseSpace(p + 1, nested);
                    max = -1;
                    if (isDigit(at(p))) {
                        int maxEnd = parseInt(p);
                        max = Long.parseLong(new String(src, p, maxEnd - p, StandardCharsets.US_ASCII));
                        p = parseSpace(maxEnd, nested);
                    }
                    if (at(p) != '}') {
                        throw new IllegalArgumentException("expecting '}' at byte " + p);
                    }
                    p = parseSpace(p + 1, nested);
                } else {
                    throw new IllegalArgumentException("expecting ',' at byte " + p);
                }
                if (min > MAX_REPETITION) {
                    throw new IllegalArgumentException("too many repetitions");
                }
                if (max > MAX_REPETITION) {
                    max = -1;
                }
                prevRules = repeat(rule, lastSymStart, ruleName, min, max, prevRules);
            } else {
                break;
            }
        }
        return p;
    }

    /**
     * Rewrites the last symbol ({@code rule[lastSymStart..]}) as llama.cpp does: {@code S{m,n}}
     * becomes m copies of S and a chain of n - m generated optional rules ({@code S' ::= S S'' |}),
     * {@code S{m,}} m copies and one recursive rule ({@code S' ::= S S' |}); max -1 is "no max".
     * Returns the new count of repeated rules (for llama.cpp's size cap).
     */
    private long repeat(List<int[]> rule, int lastSymStart, String ruleName, long min, long max, long prevRules) {
        boolean noMax = max == -1;
        if (lastSymStart == rule.size()) {
            throw new IllegalArgumentException("expecting preceding item to */+/?/{");
        }
        List<int[]> previous = new ArrayList<>(rule.subList(lastSymStart, rule.size()));
        long total = !noMax && max > 0 ? max : min > 0 ? min : 1;
        if (prevRules * total > MAX_REPETITION) {
            throw new IllegalArgumentException("repetition over llama.cpp's cap");
        }
        if (min == 0) {
            rule.subList(lastSymStart, rule.size()).clear();
        } else {
            for (long i = 1; i < min; i++) {
                rule.addAll(previous);
            }
        }
        int lastRecursiveId = 0;
        long optional = noMax ? 1 : max - min;
        for (long i = 0; i < optional; i++) {
            List<int[]> recursive = new ArrayList<>(previous);
            int id = generateSymbolId(ruleName);
            if (i > 0 || noMax) {
                recursive.add(new int[] {RULE_REF, noMax ? id : lastRecursiveId});
            }
            recursive.add(new int[] {ALT, 0});
            recursive.add(new int[] {END, 0});
            addRule(id, recursive);
            lastRecursiveId = id;
        }
        if (optional > 0) {
            rule.add(new int[] {RULE_REF, lastRecursiveId});
        }
        return prevRules * total;
    }

    /** One character of a literal or class: its code point in the low 32 bits, the next position in the high. */
    private long parseChar(int pos) {
        if (at(pos) == '\\') {
            int escape = at(pos + 1);
            switch (escape) {
                case 'x':
                    return hex(pos + 2, 2);
                case 'u':
                    return hex(pos + 2, 4);
                case 'U':
                    return hex(pos + 2, 8);
                case 't':
                    return pack('\t', pos + 2);
                case 'r':
                    return pack('\r', pos + 2);
                case 'n':
                    return pack('\n', pos + 2);
                case '\\', '"', '[', ']', '-':
                    return pack(escape, pos + 2);
                default:
                    throw new IllegalArgumentException("unknown escape at byte " + pos);
            }
        }
        if (at(pos) == 0) {
            throw new IllegalArgumentException("unexpected end of input");
        }
        // llama.cpp's decode of grammar text: the length from the first byte's high bits, the
        // continuation bytes taken as they come (up to a NUL).
        int first = at(pos);
        int length = new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4}[first >> 4];
        int value = first & ((1 << (8 - length)) - 1);
        int p = pos + 1;
        for (; p < pos + length && at(p) != 0; p++) {
            value = (value << 6) + (at(p) & 0x3F);
        }
        return pack(value, p);
    }

    private long hex(int pos, int size) {
        long value = 0;
        int p = pos;
        for (; p < pos + size && at(p) != 0; p++) {
            int digit = Character.digit(at(p), 16);
            if (digit < 0) {
                break;
            }
            value = (value << 4) + digit;
        }
        if (p != pos + size) {
            throw new IllegalArgumentException("expecting " + size + " hex chars at byte " + pos);
        }
        return pack((int) value, p);
    }

    private static long pack(int codePoint, int next) {
        return ((long) next << 32) | (codePoint & 0xFFFFFFFFL);
    }

    private int parseSpace(int pos, boolean newlineOk) {
        int p = pos;
        while (at(p) == ' ' || at(p) == '\t' || at(p) == '#' || (newlineOk && (at(p) == '\r' || at(p) == '\n'))) {
            if (at(p) == '#') {
                while (at(p) != 0 && at(p) != '\r' && at(p) != '\n') {
                    p++;
                }
            } else {
                p++;
            }
        }
        return p;
    }

    private int parseName(int pos) {
        int p = pos;
        while (isWordChar(at(p))) {
            p++;
        }
        if (p == pos) {
            throw new IllegalArgumentException("expecting name at byte " + pos);
        }
        return p;
    }

    private int parseInt(int pos) {
        int p = pos;
        while (isDigit(at(p))) {
            p++;
        }
        return p;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || isDigit(c);
    }
}
