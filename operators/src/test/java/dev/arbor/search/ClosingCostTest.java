package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.grammar.GbnfOptions;
import dev.arbor.grammar.GrammarSource;
import dev.arbor.grammar.GrammarState;
import dev.arbor.grammar.SchemaToGbnf;
import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The closing cost agrees with llama.cpp's own grammar sampler, on a byte-level BPE vocabulary
 * (qwen3) and a SentencePiece one (llama): along random walks of allowed tokens, the Java state is
 * complete exactly when llama.cpp allows an end of generation, every token llama.cpp allows keeps
 * the Java state alive, and the closing tokens it names are accepted by llama.cpp one by one and
 * end in a complete document.
 */
class ClosingCostTest {
    @TempDir
    static Path dir;
    private static LlamaModel qwen3;
    private static LlamaModel llama;

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("qwen3-tiny.gguf");
        SyntheticQwen3Model.write(file, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42);
        qwen3 = LlamaModel.load(file);
        llama = LlamaModel.load(SearchTestModels.tiny());
    }

    @AfterAll
    static void unload() {
        qwen3.close();
        llama.close();
    }

    static Stream<Arguments> grammars() throws Exception {
        List<Arguments> all = new ArrayList<>();
        for (String schema : BudgetSchemas.ALL) {
            GrammarSource grammar = SchemaToGbnf.convert(schema, GbnfOptions.DEFAULTS);
            all.add(Arguments.of(schema.substring(0, Math.min(60, schema.length())).replace('\n', ' '), grammar.text()));
        }
        all.add(Arguments.of("arithmetic.gbnf", Files.readString(Path.of("src/test/resources/grammars/arithmetic.gbnf"))));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grammars")
    void randomWalksAgreeWithLlamaCpp(String name, String grammar) {
        for (LlamaModel model : List.of(qwen3, llama)) {
            ClosingCost cost = ClosingCost.of(model, grammar, "root");
            assertCloses(model, grammar, cost, cost.start(), List.of());
            for (int walk = 0; walk < 6; walk++) {
                walk(model, grammar, cost, new Random(walk));
            }
        }
    }

    private static void walk(LlamaModel model, String grammar, ClosingCost cost, Random random) {
        List<Integer> taken = new ArrayList<>();
        GrammarState state = cost.start();
        try (Grammar llamaState = Grammar.parse(model, grammar, "root")) {
            for (int step = 0; step < 40; step++) {
                assertThat(state.isComplete()).as("complete after %s", taken).isEqualTo(llamaState.isComplete());
                assertCloses(model, grammar, cost, state, taken);
                List<Integer> allowed = allowed(model, llamaState);
                for (int token : allowed) {
                    assertThat(state.advance(model.grammarPiece(token)).isLost())
                            .as("llama.cpp allows %d after %s", token, taken).isFalse();
                }
                if (allowed.isEmpty()) {
                    return;
                }
                int token = allowed.get(random.nextInt(allowed.size()));
                llamaState.accept(token);
                state = state.advance(model.grammarPiece(token));
                taken.add(token);
            }
        }
    }

    /** The closing tokens of {@code state} close the document as llama.cpp sees it, after {@code taken}. */
    private static void assertCloses(LlamaModel model, String grammar, ClosingCost cost, GrammarState state,
            List<Integer> taken) {
        int[] closing = cost.closingTokens(state);
        assertThat(closing).as("closing after %s", taken).isNotNull();
        assertThat(cost.closesWithin(state, closing.length)).isTrue();
        try (Grammar check = Grammar.parse(model, grammar, "root")) {
            taken.forEach(check::accept);
            for (int token : closing) {
                assertThat(check.allows(token)).as("closing token %d after %s", token, taken).isTrue();
                check.accept(token);
            }
            assertThat(check.isComplete()).as("complete after closing %s", taken).isTrue();
        }
    }

    private static List<Integer> allowed(LlamaModel model, Grammar grammar) {
        float[] logits = new float[model.nVocab()];
        grammar.mask(logits);
        List<Integer> allowed = new ArrayList<>();
        for (int token = 0; token < logits.length; token++) {
            if (logits[token] != Float.NEGATIVE_INFINITY && !model.isEndOfGeneration(token)) {
                allowed.add(token);
            }
        }
        return allowed;
    }

    @Test
    void theSmallestDocumentIsCountedInTheModelsTokens() {
        ClosingCost cost = ClosingCost.of(qwen3, "root ::= \"{\\\"answer\\\": \" [0-9]+ \"}\"\n", "root");
        assertThat(cost.smallestDocument()).isEqualTo("{\"answer\": 0}");
        int[] tokens = qwen3.tokenize(cost.smallestDocument(), false, false);
        assertThat(cost.smallestDocumentTokens()).isEqualTo(tokens.length);
    }

    @Test
    void grammarsWithoutAComputableClosingAreNamed() {
        assertThatThrownBy(() -> ClosingCost.of(qwen3, "root ::= \"a\" <[3]>\n", "root"))
                .hasMessageContaining("tokens");
    }
}
