package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.Grammar;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a branch knows of its row once per decode, with or without a grammar: the log-softmax
 * normalizer (summarized natively while the row is copied, again after a mask) within 1e-6 of the
 * double-precision reference, the top tokens equal to a full sort's, and the greedy sampler's
 * draw and probability equal to the row's argmax, also in forks.
 */
class BranchRowTest {
    private static final String DIGITS = "root ::= [0-9]+ \" apples\"";
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @Test
    void rowFactsMatchTheReferenceStepByStepAndInForks() {
        for (Grammar grammar : new Grammar[] {null, Grammar.parse(model, DIGITS, null)}) {
            try (KvFixture kv = new KvFixture(model, 1024, 64, 4)) {
                Branch branch = Branch.create(kv.store, model.tokenize("we counted", true, false),
                        SamplerParams.greedy(), grammar);
                for (int step = 0; step < 5; step++) {
                    assertRowFacts(branch);
                    Branch fork = branch.fork();
                    assertRowFacts(fork);
                    fork.prune();
                    branch.commit(branch.sample());
                }
                assertThat(branch.samplingPerplexity()).as("greedy draws of the argmax have probability 1")
                        .isEqualTo(1.0);
            }
        }
    }

    private static void assertRowFacts(Branch branch) {
        float[] logits = branch.logits();
        double reference = BranchMetrics.logSumExp(logits);
        int argmax = KvFixture.argmax(logits);
        assertThat(branch.logprob(argmax)).isCloseTo(logits[argmax] - reference, Offset.offset(1e-6));
        assertThat(branch.sample()).isEqualTo(argmax);
        int[] sorted = IntStream.range(0, logits.length).boxed().filter(t -> logits[t] != Float.NEGATIVE_INFINITY)
                .sorted(Comparator.<Integer>comparingDouble(t -> -logits[t]).thenComparingInt(t -> t))
                .mapToInt(Integer::intValue).toArray();
        assertThat(branch.topTokens(8)).containsExactly(Arrays.copyOf(sorted, Math.min(8, sorted.length)));
        assertThat(branch.topTokens(0)).isEmpty();
    }
}
