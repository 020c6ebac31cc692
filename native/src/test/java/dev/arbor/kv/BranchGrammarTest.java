package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A branch's grammar masks its logits, advances with its commits, and forks with it. */
class BranchGrammarTest {
    private static final String SUM = "root ::= [0-9] [0-9]? \"+\" [0-9] [0-9]?";
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private static String piece(int token) {
        return new String(model.tokenPiece(token), StandardCharsets.UTF_8);
    }

    private static int argmax(float[] logits) {
        return KvFixture.argmax(logits);
    }

    @Test
    void greedyDecodingUnderAGrammarProducesOnlyWhatItAllows() {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 4)) {
            Branch branch = Branch.create(kv.store, model.tokenize("the sum is", true, false), SamplerParams.greedy(),
                    Grammar.parse(model, SUM, null));
            StringBuilder out = new StringBuilder();
            while (!branch.grammarComplete()) {
                float[] logits = branch.logits();
                long finite = 0;
                for (float logit : logits) {
                    finite += Float.isFinite(logit) ? 1 : 0;
                }
                assertThat(finite).isEqualTo(branch.allowedTokens()).isPositive();
                int token = argmax(logits);
                branch.commit(token);
                out.append(piece(token));
            }
            assertThat(out.toString()).matches("[0-9]{1,2}\\+[0-9]{1,2}");
            assertThat(branch.logprob(argmax(branch.logits()))).isFinite();
        }
    }

    @Test
    void aForkOwnsAnIndependentCopyOfTheGrammarState() {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 4)) {
            Branch parent = Branch.create(kv.store, model.tokenize("x", true, false), SamplerParams.greedy(),
                    Grammar.parse(model, SUM, null));
            parent.commit(argmax(parent.logits())); // a digit
            Branch child = parent.fork();
            int plus = tokenWithPiece("+");
            child.commit(plus);
            assertThat(child.logits()[plus]).as("after '+' a digit must come").isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(parent.logits()[plus]).as("the parent still may write '+'").isFinite();
            parent.pruneSplice(); // the child lives on, with its own state
            child.commit(argmax(child.logits()));
            assertThat(child.grammarComplete()).isTrue();
        }
    }

    @Test
    void aTokenTheGrammarForbidsIsRefusedAndNothingChanges() {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 4)) {
            Branch constrained = Branch.create(kv.store, model.tokenize("x", true, false), SamplerParams.greedy(),
                    Grammar.parse(model, SUM, null));
            Branch free = Branch.create(kv.store, model.tokenize("y", true, false), SamplerParams.greedy());
            int plus = tokenWithPiece("+");
            int cells = kv.context.kvUsedCells();
            assertThatThrownBy(() -> kv.store.commit(List.of(free, constrained), new int[] {plus, plus}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not allowed by the grammar");
            assertThat(kv.context.kvUsedCells()).isEqualTo(cells);
            assertThat(free.position()).isEqualTo(model.tokenize("y", true, false).length);
            assertThat(free.hasGrammar()).isFalse();
            assertThat(free.grammarComplete()).isTrue();
            assertThat(free.allowedTokens()).isEqualTo(-1);
            kv.store.commit(List.of(free, constrained), new int[] {plus, tokenWithPiece("4")});
            assertThat(constrained.logits()[plus]).isFinite();
        }
    }

    @Test
    void releasedAndDrainedBranchesGiveTheirGrammarStatesBack() {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 8)) {
            Branch root = Branch.create(kv.store, model.tokenize("x", true, false), SamplerParams.greedy(),
                    Grammar.parse(model, SUM, null));
            Branch a = root.fork();
            root.fork();
            a.pruneSubtree();
            kv.store.retainOnly(root);
            assertThat(root.hasGrammar()).isTrue();
            kv.store.drain();
            assertThat(root.isActive()).isFalse();
        }
    }

    private static int tokenWithPiece(String text) {
        for (int token = 0; token < model.nVocab(); token++) {
            if (piece(token).equals(text)) {
                return token;
            }
        }
        throw new IllegalArgumentException(text);
    }
}
