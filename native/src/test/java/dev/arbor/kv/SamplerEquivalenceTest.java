package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LogitsRows;
import dev.arbor.llama.RowSummary;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sampler draws exactly what it drew before its work was made proportional to what each
 * configuration needs ({@link ReferenceSampler}, the old code): the same tokens in the same order
 * and the same probabilities, for every step of the chain (greedy with and without the caller's
 * argmax, top-k, top-p and min-p without top-k, penalties, bias), on rows with ties and banned
 * tokens, at a small and at a real vocabulary size.
 */
class SamplerEquivalenceTest {
    static List<SamplerParams> params() {
        return List.of(
                SamplerParams.greedy(),
                SamplerParams.DEFAULTS,
                SamplerParams.builder().topK(0).build(),
                SamplerParams.builder().topK(0).minP(0).build(),
                SamplerParams.builder().topK(0).topP(1).build(),
                SamplerParams.builder().topK(0).topP(1).minP(0).temperature(0.7f).build(),
                SamplerParams.builder().topK(0).topP(0.5f).minP(0).temperature(1.3f).build(),
                SamplerParams.builder().topK(0).topP(0.999f).minP(0).build(),
                SamplerParams.builder().topK(5).topP(1).minP(0).build(),
                SamplerParams.builder().topK(0).repeatPenalty(1.3f).frequencyPenalty(0.2f).presencePenalty(0.1f)
                        .build(),
                SamplerParams.builder().temperature(0).repeatPenalty(2f).build());
    }

    @ParameterizedTest
    @MethodSource("params")
    void drawsTheSameTokensWithTheSameProbabilitiesAsBefore(SamplerParams base) {
        Random random = new Random(base.hashCode());
        for (int vocab : new int[] {600, 151_936}) {
            for (int trial = 0; trial < 6; trial++) {
                SamplerParams params = base.withSeed(random.nextLong());
                Sampler sampler = new Sampler(params);
                ReferenceSampler reference = new ReferenceSampler(params);
                LogitBias bias = trial % 3 == 2 ? LogitBias.of(Map.of(3, 2.5f, 7, Float.NEGATIVE_INFINITY), vocab)
                        : LogitBias.NONE;
                for (int step = 0; step < 8; step++) {
                    float[] row = row(random, vocab, trial);
                    RowSummary summary = new RowSummary();
                    LogitsRows.summarize(row, summary);
                    int argmax = trial % 2 == 0 ? summary.argmax() : Sampler.ARGMAX_UNKNOWN;
                    int token = sampler.sample(row, bias, LogitBias.NONE, argmax);
                    assertThat(token).as("vocab %d trial %d step %d", vocab, trial, step)
                            .isEqualTo(reference.sample(row, bias, LogitBias.NONE));
                    double probability = sampler.probability(row, bias, LogitBias.NONE, token, argmax);
                    assertThat(probability).isCloseTo(reference.probability(row, bias, LogitBias.NONE, token),
                            org.assertj.core.data.Percentage.withPercentage(1e-9));
                    int other = (token + 1 + random.nextInt(vocab - 1)) % vocab;
                    assertThat(sampler.probability(row, bias, LogitBias.NONE, other, argmax)).isCloseTo(
                            reference.probability(row, bias, LogitBias.NONE, other),
                            org.assertj.core.data.Offset.offset(1e-15));
                    sampler.accept(token);
                    reference.accept(token);
                }
            }
        }
    }

    /** Gaussian logits of a varying spread, with repeated values (ties) and, on odd trials, banned tokens. */
    private static float[] row(Random random, int vocab, int trial) {
        float spread = 1 + trial;
        float[] row = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            row[i] = (float) (random.nextGaussian() * spread);
        }
        for (int i = 0; i < 20; i++) {
            row[random.nextInt(vocab)] = row[random.nextInt(vocab)]; // ties, some of them at the top
        }
        if (trial % 2 == 1) {
            for (int i = 0; i < vocab; i += 2 + trial) {
                row[i] = Float.NEGATIVE_INFINITY;
            }
        }
        return row;
    }
}
