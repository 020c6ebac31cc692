package dev.arbor.grammar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The hand-written arithmetic grammar the engine tests use ({@code grammars/arithmetic.gbnf}):
 * it parses as llama.cpp would read it, accepts well-formed expressions and rejects others, and
 * every sentence drawn from it is well-formed by an independent check (balanced parentheses,
 * operators between operands).
 */
class ArithmeticGrammarTest {
    static String text() throws IOException {
        try (InputStream in = ArithmeticGrammarTest.class.getResourceAsStream("/grammars/arithmetic.gbnf")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void acceptsExpressionsAndRejectsBrokenOnes() throws IOException {
        GbnfGrammar g = GbnfGrammar.parse(text());
        for (String ok : new String[] {"1+2*(3-4)", "42", "(1)", "((7))", "10/5-3*0", "1 + 2", "-(3)", "9*-2"}) {
            assertThat(GbnfMatcher.matches(g, "root", ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"1+", "", "()", "(1", "1)", "1++2", "+1", "01", "1 2", "a", "1+2 "}) {
            assertThat(GbnfMatcher.matches(g, "root", bad)).as(bad).isFalse();
        }
    }

    @Test
    void everySentenceIsWellFormed() throws IOException {
        GbnfGrammar g = GbnfGrammar.parse(text());
        for (int seed = 0; seed < 300; seed++) {
            String sentence = new GbnfSampler(g, seed, 5).sample("root");
            assertThat(wellFormed(sentence)).as(sentence).isTrue();
        }
    }

    /** Operands and binary operators alternate, parentheses balance, numbers have no leading zero. */
    private static boolean wellFormed(String s) {
        String compact = s.replace(" ", "");
        int depth = 0;
        boolean expectOperand = true;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            if (expectOperand) {
                if (c == '(') {
                    depth++;
                } else if (c == '-') {
                    continue;
                } else if (Character.isDigit(c)) {
                    if (c == '0' && i + 1 < compact.length() && Character.isDigit(compact.charAt(i + 1))) {
                        return false;
                    }
                    while (i + 1 < compact.length() && Character.isDigit(compact.charAt(i + 1))) {
                        i++;
                    }
                    expectOperand = false;
                } else {
                    return false;
                }
            } else if (c == ')') {
                if (--depth < 0) {
                    return false;
                }
            } else if ("+-*/".indexOf(c) >= 0) {
                expectOperand = true;
            } else {
                return false;
            }
        }
        return depth == 0 && !expectOperand;
    }
}
