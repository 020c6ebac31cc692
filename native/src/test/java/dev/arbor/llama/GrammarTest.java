package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Grammar states mask logits rows, advance token by token, fork independently, and never abort the JVM. */
class GrammarTest {
    private static final String DIGITS = "root ::= [0-9] [0-9]? \"+\" [0-9] [0-9]?";
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    /** The token whose text is exactly {@code text} (the tokenizer itself would add a leading space). */
    private static int token(String text) {
        for (int token = 0; token < model.nVocab(); token++) {
            if (piece(token).equals(text)) {
                return token;
            }
        }
        throw new IllegalArgumentException("no token " + text);
    }

    /** Text of a token as the grammar sees it. */
    private static String piece(int token) {
        return new String(model.tokenPiece(token), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Greedily follows random logits under the grammar until it completes; returns the text. */
    private static String generate(Grammar grammar, Random random) {
        StringBuilder text = new StringBuilder();
        for (int step = 0; step < 40 && !grammar.isComplete(); step++) {
            float[] logits = new float[model.nVocab()];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) random.nextGaussian();
            }
            assertThat(grammar.mask(logits)).isPositive();
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            grammar.accept(best);
            text.append(piece(best));
        }
        return text.toString();
    }

    @Test
    void everyTextFollowedUnderTheGrammarMatchesIt() {
        Random random = new Random(7);
        for (int run = 0; run < 20; run++) {
            try (Grammar grammar = Grammar.parse(model, DIGITS, null)) {
                String text = generate(grammar, random);
                assertThat(text).matches("[0-9]{1,2}\\+[0-9]{1,2}");
                assertThat(grammar.isComplete()).isTrue();
            }
        }
    }

    @Test
    void maskingLeavesOnlyAllowedTokensAndEndOfGenerationOnlyWhenComplete() {
        try (Grammar grammar = Grammar.parse(model, "root ::= \"ab\"", "root")) {
            float[] logits = new float[model.nVocab()];
            int allowed = grammar.mask(logits);
            List<String> pieces = new ArrayList<>();
            for (int token = 0; token < logits.length; token++) {
                if (logits[token] != Float.NEGATIVE_INFINITY) {
                    pieces.add(piece(token));
                }
            }
            assertThat(pieces).hasSize(allowed).isNotEmpty().allSatisfy(p -> assertThat("ab").startsWith(p));
            assertThat(grammar.isComplete()).isFalse();
            assertThat(grammar.allows(model.eos())).isFalse();
        }
    }

    @Test
    void aForkAdvancesIndependently() {
        try (Grammar parent = Grammar.parse(model, DIGITS, null)) {
            int one = token("1");
            int plus = token("+");
            parent.accept(one);
            try (Grammar child = parent.copy()) {
                child.accept(plus);
                assertThat(child.allows(plus)).as("after '+' comes a digit").isFalse();
                assertThat(parent.allows(plus)).as("the parent is still after '1'").isTrue();
                parent.accept(one);
                assertThat(child.allows(one)).isTrue();
                assertThat(parent.isComplete()).isFalse();
            }
        }
    }

    @Test
    void tokensTheGrammarForbidsThrowInsteadOfAbortingTheProcess() {
        try (Grammar grammar = Grammar.parse(model, DIGITS, null)) {
            int plus = token("+");
            assertThatThrownBy(() -> grammar.accept(plus)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not allowed");
            // An end of generation before the grammar is complete: llama.cpp itself would abort here.
            assertThatThrownBy(() -> grammar.accept(model.eos())).isInstanceOf(IllegalArgumentException.class);
            grammar.accept(token("7"));
            assertThatThrownBy(() -> grammar.accept(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void invalidGrammarsNameLlamaCppsReason() {
        assertThatThrownBy(() -> Grammar.parse(model, "root ::= ( \"a\"", null))
                .isInstanceOf(InvalidGrammarException.class).hasMessageContaining("line 1, column 15")
                .hasMessageContaining("')'");
        assertThatThrownBy(() -> Grammar.parse(model, "root ::= \"a\" other\n", null))
                .isInstanceOf(InvalidGrammarException.class).hasMessageContaining("'other' is used but never defined");
        assertThatThrownBy(() -> Grammar.parse(model, "start ::= \"a\"", null))
                .isInstanceOf(InvalidGrammarException.class).hasMessageContaining("no rule 'root'");
        assertThatThrownBy(() -> Grammar.parse(model, "root ::= \"a\nb\"", null))
                .isInstanceOf(InvalidGrammarException.class).hasMessageContaining("not closed");
        assertThatThrownBy(() -> Grammar.parse(model, "root ::= [a-z", null))
                .isInstanceOf(InvalidGrammarException.class).hasMessageContaining("']'");
        assertThatThrownBy(() -> Grammar.parse(model, "root = \"a\"", null))
                .isInstanceOf(InvalidGrammarException.class).hasMessageContaining("'::='");
        // What the check lets through, llama.cpp still judges: left recursion is its to refuse.
        assertThatThrownBy(() -> Grammar.parse(model, "root ::= root \"a\" | \"b\"", null))
                .isInstanceOf(InvalidGrammarException.class).hasMessageContaining("left recursion");
        assertThatThrownBy(() -> Grammar.parse(model, " ", null)).isInstanceOf(InvalidGrammarException.class);
    }

    @Test
    void realGrammarsPassTheCheck() {
        String json = String.join("\n",
                "root   ::= object",
                "value  ::= object | array | string | number | (\"true\" | \"false\" | \"null\") ws",
                "object ::=",
                "  \"{\" ws (",
                "            string \":\" ws value",
                "    (\",\" ws string \":\" ws value)*",
                "  )? \"}\" ws",
                "array  ::= \"[\" ws ( value (\",\" ws value)* )? \"]\" ws",
                "string ::= \"\\\"\" ( [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4}) )* \"\\\"\" ws",
                "number ::= (\"-\"? ([0-9] | [1-9] [0-9]{0,15})) (\".\" [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws",
                "# a comment",
                "ws ::= | \" \" | \"\\n\" [ \\t]{0,20}");
        try (Grammar grammar = Grammar.parse(model, json, null)) {
            assertThat(grammar.allows(token("{"))).isTrue();
        }
    }

    @Test
    void aClosedStateThrows() {
        Grammar grammar = Grammar.parse(model, DIGITS, null);
        grammar.close();
        grammar.close();
        assertThatThrownBy(() -> grammar.allows(5)).isInstanceOf(IllegalStateException.class);
    }
}
