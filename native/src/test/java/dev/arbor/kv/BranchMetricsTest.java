package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import org.junit.jupiter.api.Test;

class BranchMetricsTest {
    @Test
    void perplexitySurprisalAndEntropyBehave() {
        try (LlamaModel model = LlamaModel.load(TestModels.tiny()); KvFixture kv = new KvFixture(model, 1024, 64, 2)) {
            Branch branch = Branch.create(kv.store, model.tokenize("the dog and the cat", true, false),
                    SamplerParams.builder().temperature(1).seed(5).build());
            assertThat(branch.perplexity()).as("no committed tokens yet").isNaN();
            assertThat(branch.entropy()).isPositive();
            assertThat(branch.entropy()).isLessThanOrEqualTo(Math.log(model.nVocab()) + 1e-9);

            double expectedLogprob = 0;
            for (int i = 0; i < 6; i++) {
                int token = branch.sample();
                double surprisal = branch.surprisal(token);
                assertThat(surprisal).isGreaterThanOrEqualTo(0);
                expectedLogprob -= surprisal;
                branch.commit(token);
            }
            assertThat(branch.committedTokens()).isEqualTo(6);
            assertThat(branch.sumLogprob()).isCloseTo(expectedLogprob, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(branch.perplexity()).isFinite().isGreaterThanOrEqualTo(1);
            assertThat(branch.perplexity()).isCloseTo(Math.exp(-expectedLogprob / 6),
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(branch.samplingPerplexity()).isFinite().isGreaterThanOrEqualTo(1);

            Branch fork = branch.fork();
            assertThat(fork.perplexity()).as("forks copy metrics").isEqualTo(branch.perplexity());
        }
    }
}
