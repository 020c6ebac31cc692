package dev.arbor.llama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import dev.arbor.llama.gguf.VocabScaleModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared grammar masks give exactly llama.cpp's own mask: random walks through grammars that use
 * every GBNF construct (literals, classes with ranges and negation, any-char, groups, alternatives
 * with empty ones, {@code * + ? {m} {m,} {m,n}}, escapes, multi-byte characters) mask random rows
 * both ways at every step, on a SentencePiece vocabulary, a byte-level one (whose single-byte
 * tokens leave partial UTF-8 characters pending) and a 30k-token one. Equal followed states always
 * had equal llama.cpp masks, and the sharing was used (hits) without ever turning itself off.
 */
class GrammarMaskSharingTest {
    static final List<String> GRAMMARS = List.of(
            "root ::= [0-9] [0-9]? \"+\" [0-9] [0-9]?",
            """
            root   ::= object
            value  ::= object | array | string | number | ("true" | "false" | "null") ws
            object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
            array  ::= "[" ws ( value ("," ws value)* )? "]" ws
            string ::= "\\"" ( [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4}) )* "\\"" ws
            number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [0-9]{0,15})? ws
            ws     ::= | " " | "\\n" [ \\t]{0,20}
            """,
            """
            root ::= greeting (" " name){1,3} "!"? tail
            greeting ::= "hello" | "hi" | "héllo wörld" | "你好"
            name ::= [A-Z] [a-z]{1,8} | "\\u00e9t\\u00e9" | [^\\x00-\\x7F]+
            tail ::= ( . )? | "\\n" tail
            """,
            """
            root ::= item{2,} end
            item ::= ( [a-c] | [x-z0-9_] )+ ( "," | ";" )
            end ::= "." | "" | [\\t\\r]
            """);

    @TempDir
    static Path dir;

    @Test
    void sharedMasksEqualLlamaCppsOnASentencePieceVocabulary() {
        try (LlamaModel model = LlamaModel.load(TestModels.tiny())) {
            walkAll(model, 1);
        }
    }

    @Test
    void sharedMasksEqualLlamaCppsOnAByteLevelVocabulary() {
        try (LlamaModel model = LlamaModel.load(Qwen3TestModels.tiny())) {
            walkAll(model, 2);
        }
    }

    @Test
    void sharedMasksEqualLlamaCppsOnALargeVocabulary() throws Exception {
        Path file = dir.resolve("large.gguf");
        VocabScaleModel.write(file, SyntheticQwen3Model.Shape.of(SyntheticModel.Size.TINY), 30_000,
                SyntheticModel.Precision.F16, 3);
        try (LlamaModel model = LlamaModel.load(file)) {
            walkAll(model, 3);
        }
    }

    @Test
    void grammarsWithTokenReferencesAreMaskedByLlamaCppAlone() {
        try (LlamaModel model = LlamaModel.load(Qwen3TestModels.tiny())) {
            int bang = model.tokenize("!", false, false)[0];
            String gbnf = "root ::= [a-c]+ <[" + bang + "]> \" done\"";
            Random random = new Random(5);
            try (Grammar grammar = Grammar.parse(model, gbnf, null)) {
                for (int step = 0; step < 12; step++) {
                    float[] row = randomRow(random, model.nVocab());
                    float[] expected = row.clone();
                    try (Grammar reference = grammar.copy()) {
                        reference.maskWithLlamaCpp(expected);
                    }
                    int allowed = grammar.mask(row);
                    assertThat(Arrays.equals(row, expected)).as("step %d", step).isTrue();
                    if (allowed == 0) {
                        break;
                    }
                    int token = step == 4 && grammar.allows(bang) ? bang : pickAllowed(expected, random);
                    if (model.isEndOfGeneration(token)) {
                        break;
                    }
                    grammar.accept(token);
                }
            }
            assertThat(GrammarMasks.of(model, gbnf, Grammar.DEFAULT_ROOT).initialState())
                    .as("states of a grammar with token references are not followed").isNull();
        }
    }

    @Test
    void aSharedMaskThatDisagreesWithLlamaCppTurnsSharingOffAndLlamaCppDecides() {
        try (LlamaModel model = LlamaModel.load(Qwen3TestModels.tiny())) {
            String gbnf = "root ::= \"yes\" | \"no\" # a text of this test alone";
            GrammarMasks masks = GrammarMasks.of(model, gbnf, Grammar.DEFAULT_ROOT);
            long[] everything = TokenMask.newBits(model.nVocab());
            Arrays.fill(everything, -1L);
            // A wrong mask under the start state, as a bug in the mirror would leave: it allows the end.
            masks.store(masks.initialState(), new TokenMask(everything, model.nVocab(), model.nVocab()));
            try (Grammar grammar = Grammar.parse(model, gbnf, null)) {
                float[] row = randomRow(new Random(1), model.nVocab());
                float[] expected = row.clone();
                try (Grammar reference = grammar.copy()) {
                    reference.maskWithLlamaCpp(expected);
                }
                grammar.mask(row);
                assertThat(Arrays.equals(row, expected)).isTrue();
                assertThat(masks.isDisabled()).isTrue();
                assertThat(grammar.allows(model.eos())).isFalse();
            }
        }
    }

    private static void walkAll(LlamaModel model, long seed) {
        for (String gbnf : GRAMMARS) {
            walk(model, gbnf, new Random(seed * 31 + gbnf.hashCode()));
        }
    }

    /** Random walks from the start, masking a fresh random row both ways at every step. */
    private static void walk(LlamaModel model, String gbnf, Random random) {
        Map<GrammarStacks, long[]> seen = new HashMap<>();
        int steps = 0;
        for (int walk = 0; walk < 12; walk++) {
            try (Grammar grammar = Grammar.parse(model, gbnf, null)) {
                for (int step = 0; step < 40; step++, steps++) {
                    float[] row = randomRow(random, model.nVocab());
                    float[] expected = row.clone();
                    int expectedAllowed;
                    try (Grammar reference = grammar.copy()) {
                        expectedAllowed = reference.maskWithLlamaCpp(expected);
                    }
                    RowSummary summary = new RowSummary();
                    int allowed = grammar.mask(row, summary);
                    assertThat(allowed).as("%s step %d", gbnf, steps).isEqualTo(expectedAllowed);
                    // Arrays.equals: AssertJ's containsExactly is quadratic on a vocabulary-sized row.
                    assertThat(Arrays.equals(row, expected)).as("%s step %d: same masked row", gbnf, steps).isTrue();
                    long[] bits = bitsOf(expected);
                    GrammarStacks state = stateOf(grammar);
                    long[] before = seen.putIfAbsent(state, bits);
                    assertThat(before == null || Arrays.equals(before, bits)).as("equal states, equal masks").isTrue();
                    if (allowed == 0) {
                        break;
                    }
                    int token = pickAllowed(expected, random);
                    if (model.isEndOfGeneration(token)) {
                        break;
                    }
                    grammar.accept(token);
                }
            }
        }
        GrammarMasks masks = GrammarMasks.of(model, gbnf, Grammar.DEFAULT_ROOT);
        assertThat(masks.initialState()).as("the mirror follows %s", gbnf).isNotNull();
        assertThat(masks.isDisabled()).isFalse();
        assertThat(masks.hits()).as("states were shared").isPositive();
    }

    private static GrammarStacks stateOf(Grammar grammar) {
        try {
            var field = Grammar.class.getDeclaredField("state");
            field.setAccessible(true);
            return (GrammarStacks) field.get(grammar);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static float[] randomRow(Random random, int n) {
        float[] row = new float[n];
        for (int i = 0; i < n; i++) {
            row[i] = (float) random.nextGaussian() * 3;
        }
        return row;
    }

    private static long[] bitsOf(float[] masked) {
        long[] bits = new long[(masked.length + 63) / 64];
        for (int i = 0; i < masked.length; i++) {
            if (masked[i] != Float.NEGATIVE_INFINITY) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return bits;
    }

    /** An allowed token, favouring the most likely so that walks look like generation. */
    private static int pickAllowed(float[] masked, Random random) {
        int[] top = new int[8];
        int count = LogitsRows.topK(masked, top.length, true, top);
        return top[random.nextInt(count)];
    }
}
