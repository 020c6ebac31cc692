package dev.arbor.kv;

import static dev.arbor.kv.KvFixture.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetainOnlyTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private int[] tokens(String text) {
        return model.tokenize(text, true, false);
    }

    @Test
    void withOneTreeTheWinnerIsTheOnlyBranchLeft() {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 8)) {
            Branch root = Branch.create(kv.store, tokens("the old king"), SamplerParams.greedy());
            Branch a = root.fork();
            Branch b = root.fork();
            Branch c = root.fork();
            a.commit(a.sample());
            Branch winner = a.fork();
            winner.commit(winner.sample());
            b.commit(b.sample());

            kv.store.retainOnly(winner);
            assertThat(kv.store.available()).isEqualTo(8 - 1);
            assertThat(winner.parent()).isEmpty();
            assertThat(winner.children()).isEmpty();
            for (Branch loser : new Branch[] {root, a, b, c}) {
                assertThat(loser.isActive()).isFalse();
            }
            assertThat(kv.context.kvUsedCells()).isEqualTo(winner.position());
            assertThat(KvFixture.cellsOf(kv.context, winner.seqId())).isEqualTo(winner.position());

            kv.store.retainOnly(winner); // sole survivor: a no-op
            assertThat(winner.isActive()).isTrue();
            assertThat(kv.store.available()).isEqualTo(8 - 1);
            winner.commit(winner.sample());
        }
    }

    @Test
    void withSeveralTreesOnlyTheWinnersTreeIsReleased() {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 8)) {
            Branch treeA = Branch.create(kv.store, tokens("the cat sat"), SamplerParams.greedy());
            Branch a1 = treeA.fork();
            Branch a2 = treeA.fork();
            a1.commit(a1.sample());

            Branch treeB = Branch.create(kv.store, tokens("we went to the sea"), SamplerParams.greedy());
            Branch b1 = treeB.fork();
            b1.commit(b1.sample());
            Branch treeC = Branch.create(kv.store, tokens("hello"), SamplerParams.greedy());

            Branch[] others = {treeB, b1, treeC};
            int[] positions = Arrays.stream(others).mapToInt(Branch::position).toArray();
            float[][] logits = Arrays.stream(others).map(Branch::logits).toArray(float[][]::new);

            kv.store.retainOnly(a1);
            assertThat(treeA.isActive()).isFalse();
            assertThat(a2.isActive()).isFalse();
            assertThat(a1.parent()).isEmpty();
            assertThat(kv.store.available()).isEqualTo(8 - 4);
            for (int i = 0; i < others.length; i++) {
                assertThat(others[i].isActive()).isTrue();
                assertThat(others[i].position()).isEqualTo(positions[i]);
                assertThat(others[i].logits()).isEqualTo(logits[i]);
                assertThat(KvFixture.cellsOf(kv.context, others[i].seqId())).isEqualTo(positions[i]);
            }
            assertThat(b1.parent()).contains(treeB);

            // The other trees' cells are intact: a next step equals a fresh decode of the same history.
            int next = b1.sample();
            b1.commit(next);
            int[] history = tokens("we went to the sea");
            int[] full = Arrays.copyOf(history, history.length + 2);
            full[history.length] = b1Token(kv, history);
            full[history.length + 1] = next;
            Branch fresh = Branch.create(kv.store, full, SamplerParams.greedy());
            assertThat(maxAbsDifference(b1.logits(), fresh.logits())).isLessThan(1e-4f);
        }
    }

    /** The greedy token a fresh branch picks after {@code history} (what b1 committed first). */
    private static int b1Token(KvFixture kv, int[] history) {
        Branch probe = Branch.create(kv.store, history, SamplerParams.greedy());
        int token = probe.sample();
        probe.prune();
        return token;
    }

    @Test
    void aReleasedOrForeignWinnerThrows() {
        try (KvFixture kv = new KvFixture(model, 512, 64, 4); KvFixture other = new KvFixture(model, 512, 64, 4)) {
            Branch root = Branch.create(kv.store, tokens("the sun"), SamplerParams.greedy());
            Branch child = root.fork();
            child.prune();
            assertThatThrownBy(() -> kv.store.retainOnly(child)).isInstanceOf(IllegalStateException.class);
            Branch foreign = Branch.create(other.store, tokens("the sun"), SamplerParams.greedy());
            assertThatThrownBy(() -> kv.store.retainOnly(foreign)).isInstanceOf(IllegalArgumentException.class);
            assertThat(root.isActive()).isTrue();
            assertThat(foreign.isActive()).isTrue();
        }
    }
}
