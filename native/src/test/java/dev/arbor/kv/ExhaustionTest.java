package dev.arbor.kv;

import static dev.arbor.kv.KvFixture.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Running out of leases or of KV cells leaves the store consistent and recoverable. */
class ExhaustionTest {
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
    void leasesAreRecycledAndARecycledSequenceDecodesLikeAFreshOne() {
        int[] prompt = model.tokenize("a dog ran home", true, false);
        try (KvFixture kv = new KvFixture(model, 1024, 64, 4)) {
            List<Branch> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Branch branch = Branch.create(kv.store, model.tokenize("story number " + i, true, false),
                        SamplerParams.greedy());
                branch.commit(branch.sample());
                all.add(branch);
            }
            assertThatThrownBy(() -> Branch.create(kv.store, prompt, SamplerParams.greedy()))
                    .isInstanceOf(NoLeaseException.class).hasMessageContaining("available() = 0")
                    .hasMessageContaining("nSeqMax = 4");
            assertThatThrownBy(() -> all.get(0).fork()).isInstanceOf(NoLeaseException.class);
            assertThat(kv.store.liveBranches()).isEqualTo(4);

            all.get(1).prune();
            all.get(3).prune();
            assertThat(kv.store.available()).isEqualTo(2);

            Branch recycled = Branch.create(kv.store, prompt, SamplerParams.greedy());
            assertThat(recycled.seqId()).isEqualTo(1);
            recycled.commit(recycled.sample());
            try (KvFixture fresh = new KvFixture(model, 1024, 64, 4)) {
                Branch reference = Branch.create(fresh.store, prompt, SamplerParams.greedy());
                reference.commit(reference.sample());
                assertThat(maxAbsDifference(recycled.logits(), reference.logits())).isLessThan(1e-4f);
            }
        }
    }

    @Test
    void anExhaustedBatchedCommitRollsEveryBranchBackAndSucceedsAfterPruning() {
        try (KvFixture kv = new KvFixture(model, 64, 64, 8)) {
            int[] prompt = model.tokenize("once upon a time there was a king who lived in a big house by the sea",
                    true, false);
            Branch root = Branch.create(kv.store, prompt, SamplerParams.builder().temperature(1).seed(3).build());
            List<Branch> branches = new ArrayList<>(List.of(root));
            for (int i = 0; i < 7; i++) {
                Branch fork = root.fork();
                fork.reseed(100 + i);
                branches.add(fork);
            }
            KvExhaustedException failure = null;
            int commits = 0;
            int[] positions = null;
            float[][] logits = null;
            double[] perplexities = null;
            double[] samplingPerplexities = null;
            int[] nextSamples = null;
            while (failure == null) {
                positions = branches.stream().mapToInt(Branch::position).toArray();
                logits = branches.stream().map(Branch::logits).toArray(float[][]::new);
                perplexities = branches.stream().mapToDouble(Branch::perplexity).toArray();
                samplingPerplexities = branches.stream().mapToDouble(Branch::samplingPerplexity).toArray();
                int[] tokens = branches.stream().mapToInt(Branch::sample).toArray();
                nextSamples = tokens;
                try {
                    kv.store.commit(branches, tokens);
                    commits++;
                } catch (KvExhaustedException e) {
                    failure = e;
                }
            }
            assertThat(commits).isGreaterThan(0);
            assertThat(failure.pressure().nCtx()).isEqualTo(kv.context.nCtx());
            assertThat(failure.pressure().remaining()).isLessThan(branches.size());
            assertThat(kv.context.kvUsedCells()).isEqualTo(prompt.length + commits * branches.size());
            for (int i = 0; i < branches.size(); i++) {
                Branch branch = branches.get(i);
                assertThat(branch.position()).isEqualTo(positions[i]);
                assertThat(branch.logits()).isEqualTo(logits[i]);
                assertThat(branch.perplexity()).isEqualTo(perplexities[i]);
                assertThat(branch.samplingPerplexity()).isEqualTo(samplingPerplexities[i]);
                assertThat(branch.committedTokens()).isEqualTo(commits);
                assertThat(KvFixture.cellsOf(kv.context, branch.seqId())).isEqualTo(positions[i]);
            }

            // Prune six forks; the same commit for the two left now fits.
            for (Branch fork : branches.subList(2, 8)) {
                fork.prune();
            }
            List<Branch> left = branches.subList(0, 2);
            kv.store.commit(left, new int[] {nextSamples[0], nextSamples[1]});
            assertThat(left.get(0).position()).isEqualTo(positions[0] + 1);
            assertThat(left.get(1).committedTokens()).isEqualTo(commits + 1);
            left.get(0).commit(left.get(0).sample());
            assertThat(left.get(0).position()).isEqualTo(positions[0] + 2);
        }
    }
}
