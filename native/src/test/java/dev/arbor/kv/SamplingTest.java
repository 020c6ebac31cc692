package dev.arbor.kv;

import static dev.arbor.kv.KvFixture.argmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SamplingTest {
    private static LlamaModel model;
    private KvFixture kv;
    private int[] prompt;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @BeforeEach
    void open() {
        kv = new KvFixture(model, 2048, 64, 8);
        prompt = model.tokenize("once upon a time the king", true, false);
    }

    @AfterEach
    void close() {
        kv.close();
    }

    private int[] generate(Branch branch, int n) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = branch.sample();
            branch.commit(tokens[i]);
        }
        return tokens;
    }

    @Test
    void aBranchTellsItsSamplerParamsWhichAForkKeepsAndForkAtReplaces() {
        SamplerParams params = SamplerParams.builder().temperature(0.7f).topK(5).seed(3).build();
        Branch branch = Branch.create(kv.store, prompt, params);
        assertThat(branch.samplerParams()).isEqualTo(params);
        assertThat(branch.fork().samplerParams()).isEqualTo(params);
        assertThat(branch.forkAt(prompt.length, SamplerParams.greedy()).samplerParams())
                .isEqualTo(SamplerParams.greedy());
    }

    @Test
    void greedyIsTheArgmax() {
        Branch branch = Branch.create(kv.store, prompt, SamplerParams.greedy());
        for (int step = 0; step < 5; step++) {
            int token = branch.sample();
            assertThat(token).isEqualTo(argmax(branch.logits()));
            branch.commit(token);
        }
    }

    @Test
    void sameSeedGivesTheSameTokensAndReseedChangesThem() {
        SamplerParams params = SamplerParams.builder().temperature(1).seed(11).build();
        int[] first = generate(Branch.create(kv.store, prompt, params), 12);
        int[] second = generate(Branch.create(kv.store, prompt, params), 12);
        assertThat(second).isEqualTo(first);

        Branch reseeded = Branch.create(kv.store, prompt, params);
        reseeded.reseed(12);
        assertThat(generate(reseeded, 12)).isNotEqualTo(first);
    }

    @Test
    void logitBiasBansATokenAndForksInheritIt() {
        Branch branch = Branch.create(kv.store, prompt, SamplerParams.greedy());
        int best = argmax(branch.logits());
        branch.setLogitBias(Map.of(best, Float.NEGATIVE_INFINITY));
        assertThat(branch.sample()).isNotEqualTo(best);
        Branch fork = branch.fork();
        assertThat(fork.sample()).isNotEqualTo(best);
        branch.setLogitBias(Map.of());
        assertThat(branch.sample()).isEqualTo(best);
        assertThat(fork.sample()).as("the fork's bias is its own copy").isNotEqualTo(best);
    }

    @Test
    void steerIsNotInherited() {
        Branch branch = Branch.create(kv.store, prompt, SamplerParams.greedy());
        int best = argmax(branch.logits());
        branch.steer(Map.of(best, Float.NEGATIVE_INFINITY));
        assertThat(branch.sample()).isNotEqualTo(best);
        Branch fork = branch.fork();
        assertThat(fork.sample()).isEqualTo(best);
        branch.clearSteer();
        assertThat(branch.sample()).isEqualTo(best);
    }

    @Test
    void topKOneEqualsGreedy() {
        Branch topOne = Branch.create(kv.store, prompt, SamplerParams.builder().temperature(1.5f).topK(1).seed(9).build());
        Branch greedy = Branch.create(kv.store, prompt, SamplerParams.greedy());
        assertThat(generate(topOne, 8)).isEqualTo(generate(greedy, 8));
    }

    @Test
    void repeatPenaltyDemotesRecentTokens() {
        Branch branch = Branch.create(kv.store, prompt, SamplerParams.builder().temperature(0).repeatPenalty(1e6f)
                .repeatLastN(64).build());
        int[] tokens = generate(branch, 10);
        assertThat(Arrays.stream(tokens).distinct().count()).as("no token twice").isEqualTo(10);
    }

    /**
     * Temperature 0.7 with top-p 0.9 on a fixed logits vector: 40,000 draws with seed 1234 match
     * the target distribution (computed here independently) to within 0.012 per token, about five
     * standard errors at this sample size, and filtered tokens are never drawn.
     */
    @Test
    void temperatureAndTopPSamplerMatchesItsTargetDistribution() {
        float[] logits = {2.0f, 1.6f, 1.1f, 0.9f, 0.2f, -0.3f, -1.0f, -2.0f, -3.0f, -4.0f};
        float temperature = 0.7f;
        float topP = 0.9f;
        double[] target = targetDistribution(logits, temperature, topP);

        Sampler sampler = new Sampler(SamplerParams.builder().temperature(temperature).topP(topP).seed(1234).build());
        int draws = 40_000;
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits)]++;
        }
        for (int token = 0; token < logits.length; token++) {
            double observed = counts[token] / (double) draws;
            if (target[token] == 0) {
                assertThat(counts[token]).as("token %d is outside top-p", token).isZero();
            } else {
                assertThat(Math.abs(observed - target[token])).as("token %d", token).isLessThan(0.012);
            }
        }
        assertThat(sampler.distribution(logits)).usingElementComparator(
                (a, b) -> Math.abs(a - b) < 1e-6 ? 0 : Double.compare(a, b)).containsExactly(
                        Arrays.stream(target).boxed().toArray(Double[]::new));
    }

    /** Softmax at temperature 1 to choose the top-p set, then the temperature over that set. */
    private static double[] targetDistribution(float[] logits, float temperature, float topP) {
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i]);
            z += p[i];
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        boolean[] kept = new boolean[logits.length];
        double cumulative = 0;
        for (int index : order) {
            kept[index] = true;
            cumulative += p[index] / z;
            if (cumulative >= topP) {
                break;
            }
        }
        double[] target = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            if (kept[i]) {
                target[i] = Math.exp(logits[i] / temperature);
                total += target[i];
            }
        }
        for (int i = 0; i < target.length; i++) {
            target[i] /= total;
        }
        return target;
    }

    @Test
    void topKKeepsExactlyTheKMostLikelyTokensTiesToTheLowerId() {
        java.util.Random random = new java.util.Random(17);
        float[] logits = new float[5000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = random.nextInt(40) / 4f; // many ties
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        for (int k : new int[] {1, 7, 40, 300}) {
            double[] distribution = new Sampler(SamplerParams.builder().temperature(1).topK(k).topP(1).minP(0).build())
                    .distribution(logits);
            for (int rank = 0; rank < order.length; rank++) {
                assertThat(distribution[order[rank]] > 0).as("k %d, rank %d", k, rank).isEqualTo(rank < k);
            }
        }
    }

    @Test
    void samplingPerplexityOfSampledTokensMatchesTheirProbabilityUnderTheSampler() {
        SamplerParams params = SamplerParams.builder().temperature(0.7f).topK(20).topP(0.9f).seed(4).build();
        Branch branch = Branch.create(kv.store, prompt, params);
        Sampler reference = new Sampler(params);
        double surprisal = 0;
        for (int i = 0; i < 8; i++) {
            int token = branch.sample();
            surprisal -= Math.log(reference.distribution(branch.logits())[token]);
            branch.commit(token);
        }
        assertThat(branch.samplingPerplexity()).isCloseTo(Math.exp(surprisal / 8), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void invalidParametersAndBiasesAreRejected() {
        assertThatThrownBy(() -> SamplerParams.builder().temperature(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplerParams.builder().topP(0).build()).hasMessageContaining("topP");
        assertThatThrownBy(() -> SamplerParams.builder().minP(1).build()).hasMessageContaining("minP");
        assertThatThrownBy(() -> SamplerParams.builder().topK(-2).build()).hasMessageContaining("topK");
        Branch branch = Branch.create(kv.store, prompt, SamplerParams.greedy());
        assertThatThrownBy(() -> branch.setLogitBias(Map.of(model.nVocab(), 1f)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> branch.setLogitBias(Map.of(3, Float.NaN))).isInstanceOf(IllegalArgumentException.class);
    }
}
