package dev.arbor.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BranchTopologyTest {
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
        kv = new KvFixture(model, 1024, 64, 8);
        prompt = model.tokenize("the king and the sea", true, false);
    }

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void rootHasNoParentAndForksAreOrderedChildren() {
        Branch root = Branch.create(kv.store, prompt, SamplerParams.greedy());
        assertThat(root.parent()).isEmpty();
        assertThat(root.isLeaf()).isTrue();
        assertThat(root.position()).isEqualTo(prompt.length);

        Branch first = root.fork();
        Branch second = root.fork();
        Branch grandchild = first.fork();
        assertThat(root.children()).containsExactly(first, second);
        assertThat(first.parent()).contains(root);
        assertThat(grandchild.parent()).contains(first);
        assertThat(root.isLeaf()).isFalse();
        assertThat(first.isLeaf()).isFalse();
        assertThat(second.isLeaf()).isTrue();
        assertThat(first.position()).isEqualTo(root.position());
        assertThat(kv.context.kvUsedCells()).as("forks share the prompt's cells").isEqualTo(prompt.length);
        assertThat(kv.store.available()).isEqualTo(8 - 4);
    }

    @Test
    void restrictRefusesToPruneAParentWithChildren() {
        Branch parent = Branch.create(kv.store, prompt, SamplerParams.greedy());
        Branch child = parent.fork();
        assertThatThrownBy(parent::prune).isInstanceOf(IllegalStateException.class).hasMessageContaining("children");
        assertThat(parent.isActive()).isTrue();
        parent.commit(parent.sample()); // still usable
        assertThat(parent.position()).isEqualTo(prompt.length + 1);

        child.prune();
        assertThat(parent.children()).isEmpty();
        parent.prune();
        assertThat(parent.isActive()).isFalse();
        parent.prune(); // a no-op on a released branch
        assertThat(kv.store.available()).isEqualTo(8);
        assertThat(kv.context.kvUsedCells()).isZero();
    }

    @Test
    void cascadeReturnsEveryLeaseAndCellOfADepthThreeTreeWithSiblings() {
        Branch root = Branch.create(kv.store, prompt, SamplerParams.greedy());
        Branch a = root.fork();
        Branch b = root.fork();
        a.commit(a.sample());
        Branch a1 = a.fork();
        Branch a2 = a.fork();
        a1.commit(a1.sample());
        Branch a1x = a1.fork();
        a1x.commit(a1x.sample());
        b.commit(b.sample());
        assertThat(kv.store.available()).isEqualTo(8 - 6);
        assertThat(kv.context.kvUsedCells()).isPositive();

        root.pruneSubtree();
        for (Branch branch : new Branch[] {root, a, b, a1, a2, a1x}) {
            assertThat(branch.isActive()).isFalse();
        }
        assertThat(kv.store.available()).isEqualTo(8);
        assertThat(kv.context.kvUsedCells()).isZero();
    }

    @Test
    void cascadeOnAnInnerBranchLeavesTheRestOfTheTree() {
        Branch root = Branch.create(kv.store, prompt, SamplerParams.greedy());
        Branch a = root.fork();
        Branch b = root.fork();
        a.fork();
        a.pruneSubtree();
        assertThat(root.children()).containsExactly(b);
        assertThat(kv.store.available()).isEqualTo(8 - 2);
    }

    @Test
    void spliceKeepsChildrenAndMovesThemUp() {
        Branch root = Branch.create(kv.store, prompt, SamplerParams.greedy());
        Branch a = root.fork();
        Branch b = root.fork();
        a.commit(a.sample());
        Branch a1 = a.fork();
        Branch a2 = a.fork();
        a.pruneSplice();
        assertThat(a.isActive()).isFalse();
        assertThat(root.children()).containsExactly(a1, a2, b);
        assertThat(a1.parent()).contains(root);
        assertThat(KvFixture.cellsOf(kv.context, a1.seqId())).isEqualTo(a1.position());

        root.pruneSplice();
        assertThat(a1.parent()).as("the first child becomes the root").isEmpty();
        assertThat(a1.children()).containsExactly(a2, b);
        a1.pruneSubtree();
        assertThat(kv.store.available()).isEqualTo(8);
        assertThat(kv.context.kvUsedCells()).isZero();
    }

    @Test
    void staleHandlesThrowAndNeverReachTheBranchThatReusesTheirSlot() {
        Branch old = Branch.create(kv.store, prompt, SamplerParams.greedy());
        int oldSeq = old.seqId();
        old.prune();
        Branch reuse = Branch.create(kv.store, model.tokenize("hello", true, false), SamplerParams.greedy());
        assertThat(reuse.seqId()).isEqualTo(oldSeq);
        assertThat(old.isActive()).isFalse();
        assertThatThrownBy(old::position).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(old::fork).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> old.commit(5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(old::sample).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(old::children).isInstanceOf(IllegalStateException.class);
        old.prune();
        old.pruneSubtree();
        old.pruneSplice();
        assertThat(reuse.isActive()).as("releasing a stale handle again is a no-op that spares the slot's new branch")
                .isTrue();
        assertThat(reuse.position()).isEqualTo(model.tokenize("hello", true, false).length);
    }
}
