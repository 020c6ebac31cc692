package dev.arbor.llama;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks GBNF text before llama.cpp parses it, to say where it is wrong: llama.cpp reports a
 * syntax error only on the process's standard error, which a job's user never sees. The check is
 * lenient on purpose: it looks for what a GBNF grammar must have (well-formed rules, closed
 * literals, classes and groups, defined rules, the root rule) and leaves everything else to
 * llama.cpp, which stays the judge.
 *
 * <p>GBNF, as llama.cpp reads it: rules {@code name ::= alternatives}, one per line (a rule may go
 * on after a {@code |} or inside parentheses); alternatives are sequences of {@code "literals"},
 * {@code [character classes]}, {@code .}, rule names, {@code <token>} references and
 * {@code ( groups )}, each optionally followed by {@code * + ?} or {@code {m}}, {@code {m,}},
 * {@code {m,n}}; {@code #} starts a comment.
 */
final class GbnfCheck {
    private final String text;
    private int pos;
    private final Map<String, Integer> defined = new LinkedHashMap<>();
    private final Map<String, Integer> referenced = new LinkedHashMap<>();

    private GbnfCheck(String text) {
        this.text = text;
    }

    /** @throws InvalidGrammarException naming the line and column of the first problem */
    static void check(String gbnf, String root) {
        GbnfCheck check = new GbnfCheck(gbnf);
        check.rules();
        for (Map.Entry<String, Integer> reference : check.referenced.entrySet()) {
            if (!check.defined.containsKey(reference.getKey())) {
                throw check.error(reference.getValue(), "rule '" + reference.getKey() + "' is used but never defined");
            }
        }
        if (!check.defined.containsKey(root)) {
            throw new InvalidGrammarException("the grammar has no rule '" + root + "' to start from"
                    + (check.defined.isEmpty() ? "" : " (it defines " + String.join(", ", names(check.defined)) + ")"));
        }
    }

    private static Set<String> names(Map<String, Integer> rules) {
        return new LinkedHashSet<>(rules.keySet());
    }

    private void rules() {
        while (true) {
            skip(true);
            if (pos >= text.length()) {
                return;
            }
            int start = pos;
            String name = name();
            if (name.isEmpty()) {
                throw error(pos, "expected a rule name");
            }
            skip(false);
            if (!text.startsWith("::=", pos)) {
                throw error(pos, "expected '::=' after the rule name '" + name + "'");
            }
            pos += 3;
            if (defined.putIfAbsent(name, start) != null) {
                throw error(start, "rule '" + name + "' is defined twice");
            }
            alternatives(false);
            skip(false);
            if (pos < text.length() && !Character.isWhitespace(text.charAt(pos)) && !isNameChar(text.charAt(pos))) {
                throw error(pos, "unexpected '" + text.charAt(pos) + "'");
            }
        }
    }

    private void alternatives(boolean nested) {
        sequence(nested);
        while (true) {
            skip(nested);
            if (pos < text.length() && text.charAt(pos) == '|') {
                pos++;
                sequence(nested);
            } else {
                return;
            }
        }
    }

    private void sequence(boolean nested) {
        skip(true); // an alternative may start on the next line
        while (pos < text.length()) {
            skip(nested);
            if (pos >= text.length()) {
                return;
            }
            char c = text.charAt(pos);
            if (c == '"') {
                literal('"', pos++);
            } else if (c == '[') {
                literal(']', pos++);
            } else if (c == '.') {
                pos++;
            } else if (c == '<' || (c == '!' && text.startsWith("<", pos + 1))) {
                token();
            } else if (c == '(') {
                int open = pos++;
                alternatives(true);
                skip(true);
                if (pos >= text.length() || text.charAt(pos) != ')') {
                    throw error(pos, "expected ')' to close the group opened at " + where(open));
                }
                pos++;
            } else if (isNameChar(c)) {
                int at = pos;
                String name = name();
                int after = pos;
                skip(false);
                if (text.startsWith("::=", pos)) {
                    pos = at; // the next rule's definition: this sequence ends here
                    return;
                }
                pos = after;
                referenced.putIfAbsent(name, at);
            } else {
                return;
            }
            repetition();
        }
    }

    private void repetition() {
        if (pos >= text.length()) {
            return;
        }
        char c = text.charAt(pos);
        if (c == '*' || c == '+' || c == '?') {
            pos++;
        } else if (c == '{') {
            int open = pos;
            int close = text.indexOf('}', pos);
            if (close < 0 || !text.substring(pos + 1, close).strip().matches("\\d+(\\s*,\\s*\\d*)?")) {
                throw error(open, "expected a repetition {m}, {m,} or {m,n}");
            }
            pos = close + 1;
        }
    }

    /** A "literal" or a [class] from its opening character at {@code open}; escapes skip a character. */
    private void literal(char end, int open) {
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '\\') {
                pos++;
            } else if (c == end) {
                return;
            } else if (end == '"' && c == '\n') {
                break;
            }
        }
        throw error(open, end == '"' ? "the literal is not closed with '\"'" : "the character class is not closed with ']'");
    }

    private void token() {
        int open = pos;
        int close = text.indexOf('>', pos);
        int newline = text.indexOf('\n', pos);
        if (close < 0 || (newline >= 0 && newline < close)) {
            throw error(open, "the token reference is not closed with '>'");
        }
        pos = close + 1;
    }

    private String name() {
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** Skips blanks and comments; newlines too when {@code newlines}. */
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

    private String where(int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (at - lineStart + 1);
    }

    private InvalidGrammarException error(int at, String what) {
        return new InvalidGrammarException(where(at) + ": " + what);
    }
}
