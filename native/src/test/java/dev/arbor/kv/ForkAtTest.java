package dev.arbor.kv;

import static dev.arbor.kv.KvFixture.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Branch#forkAt} and {@link Branch#truncate}: a prefix of a branch becomes the start of
 * another tree without copying or re-decoding it, and decoding on from there equals decoding the
 * whole prompt from scratch; {@link BranchStore#exclusiveCells} counts what releasing would free.
 */
class ForkAtTest {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.tiny());
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private static int[] tokens(String text) {
        return model.tokenize(text, true, false);
    }

    @Test
    void aChildAtAPastPositionSharesThoseCellsAndDecodesOnAsAFreshPromptWould() {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 4)) {
            int[] cached = tokens("once upon a time there was a king who lived by the sea");
            Branch entry = Branch.create(kv.store, cached, SamplerParams.greedy());
            int shared = 6;
            int[] prompt = Arrays.copyOf(cached, shared + 3);
            prompt[shared] = tokens("dog")[1];
            prompt[shared + 1] = tokens("cat")[1];
            prompt[shared + 2] = tokens("tree")[1];
            int before = kv.context.kvUsedCells();

            Branch child = entry.forkAt(shared, SamplerParams.greedy());
            assertThat(kv.context.kvUsedCells()).as("a fork at a past position adds no cell").isEqualTo(before);
            assertThat(child.position()).isEqualTo(shared);
            assertThat(child.parent()).as("a tree of its own").isEmpty();
            assertThat(entry.children()).isEmpty();
            assertThat(KvFixture.cellsOf(kv.context, child.seqId())).isEqualTo(shared);

            child.prefill(Arrays.copyOfRange(prompt, shared, prompt.length));
            assertThat(kv.context.kvUsedCells()).isEqualTo(before + 3);
            Branch fresh = Branch.create(kv.store, prompt, SamplerParams.greedy());
            assertThat(maxAbsDifference(child.logits(), fresh.logits())).isLessThan(1e-4f);
            int next = child.sample();
            child.commit(next);
            fresh.commit(next);
            assertThat(maxAbsDifference(child.logits(), fresh.logits())).isLessThan(1e-4f);
        }
    }

    @Test
    void untilItDecodesAChildHasNoLogitsToSampleScoreOrCommitFrom() {
        try (KvFixture kv = new KvFixture(model, 512, 64, 4)) {
            int[] prompt = tokens("the old man and the sea");
            Branch entry = Branch.create(kv.store, prompt, SamplerParams.greedy());
            Branch child = entry.forkAt(prompt.length, SamplerParams.greedy());
            assertThat(child.hasLogits()).isFalse();
            assertThatThrownBy(child::sample).isInstanceOf(IllegalStateException.class).hasMessageContaining("unknown");
            assertThatThrownBy(child::logits).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> child.logprob(1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(child::entropy).isInstanceOf(IllegalStateException.class);
            int cells = kv.context.kvUsedCells();
            int token = entry.sample();
            assertThatThrownBy(() -> kv.store.commit(List.of(entry, child), new int[] {token, token}))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(kv.context.kvUsedCells()).as("the refused batch decoded nothing").isEqualTo(cells);
            assertThat(entry.position()).isEqualTo(prompt.length);
            assertThat(child.fork().hasLogits()).as("a fork inherits what is known").isFalse();
            child.prefill(new int[] {token});
            assertThat(child.hasLogits()).isTrue();
            assertThat(child.sample()).isBetween(0, model.nVocab() - 1);
        }
    }

    @Test
    void positionsOutsideThePrefixAndPartialCopiesBetweenStreamsAreRefused() {
        try (KvFixture kv = new KvFixture(model, 512, 64, 4)) {
            Branch entry = Branch.create(kv.store, tokens("hello world"), SamplerParams.greedy());
            assertThatThrownBy(() -> entry.forkAt(0, SamplerParams.greedy()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> entry.forkAt(entry.position() + 1, SamplerParams.greedy()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> entry.forkAt(1, null)).isInstanceOf(IllegalArgumentException.class);
            assertThat(kv.store.available()).as("no lease kept by a refused fork").isEqualTo(3);
        }
        try (KvFixture streams = new KvFixture(model, 512, 64, 4, false)) {
            Branch entry = Branch.create(streams.store, tokens("hello world and more"), SamplerParams.greedy());
            assertThatThrownBy(() -> entry.forkAt(2, SamplerParams.greedy()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole sequence");
            assertThat(streams.store.available()).isEqualTo(3);
            assertThat(streams.store.liveBranches()).isEqualTo(1);
            Branch whole = entry.forkAt(entry.position(), SamplerParams.greedy());
            whole.prefill(new int[] {tokens("sea")[1]});
            assertThat(whole.position()).isEqualTo(entry.position() + 1);
        }
    }

    @Test
    void retainOnlyInTheChildsTreeLeavesTheSourceAlone() {
        try (KvFixture kv = new KvFixture(model, 512, 64, 4)) {
            int[] prompt = tokens("a long time ago in a land far away");
            Branch entry = Branch.create(kv.store, prompt, SamplerParams.greedy());
            Branch root = entry.forkAt(prompt.length - 1, SamplerParams.greedy());
            root.prefill(new int[] {prompt[prompt.length - 1]});
            Branch beam = root.fork();
            beam.commit(beam.sample());
            kv.store.retainOnly(beam);
            assertThat(entry.isActive()).isTrue();
            assertThat(root.isActive()).isFalse();
            beam.prune();
            assertThat(kv.context.kvUsedCells()).as("only the source's cells remain").isEqualTo(prompt.length);
            assertThat(KvFixture.cellsOf(kv.context, entry.seqId())).isEqualTo(prompt.length);
        }
    }

    @Test
    void truncateDropsTheTailAndResetsWhatDescribedIt() {
        try (KvFixture kv = new KvFixture(model, 512, 64, 4)) {
            int[] prompt = tokens("the king went to the sea");
            Branch branch = Branch.create(kv.store, prompt, SamplerParams.greedy());
            branch.commit(branch.sample());
            branch.commit(branch.sample());
            Branch child = branch.fork();
            assertThatThrownBy(() -> branch.truncate(3)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("children");
            child.prune();
            assertThatThrownBy(() -> branch.truncate(0)).isInstanceOf(IllegalArgumentException.class);

            branch.truncate(4);
            assertThat(branch.position()).isEqualTo(4);
            assertThat(branch.hasLogits()).isFalse();
            assertThat(branch.committedTokens()).isZero();
            assertThat(kv.context.kvUsedCells()).isEqualTo(4);
            assertThat(KvFixture.cellsOf(kv.context, branch.seqId())).isEqualTo(4);
            branch.prefill(Arrays.copyOfRange(prompt, 4, prompt.length));
            Branch fresh = Branch.create(kv.store, prompt, SamplerParams.greedy());
            assertThat(maxAbsDifference(branch.logits(), fresh.logits())).isLessThan(1e-4f);
        }
    }

    @Test
    void exclusiveCellsAreWhatReleasingWouldFree() {
        try (KvFixture kv = new KvFixture(model, 512, 64, 6)) {
            int[] prompt = tokens("once upon a time there was a dog");
            Branch a = Branch.create(kv.store, prompt, SamplerParams.greedy());
            Branch b = a.forkAt(5, SamplerParams.greedy());
            b.prefill(new int[] {prompt[5], prompt[6]});
            Branch other = Branch.create(kv.store, tokens("hello"), SamplerParams.greedy());
            assertThat(kv.store.exclusiveCells(List.of(a))).as("a's tail after the shared 5")
                    .isEqualTo(prompt.length - 5);
            assertThat(kv.store.exclusiveCells(List.of(b))).isEqualTo(2);
            assertThat(kv.store.exclusiveCells(List.of(a, b))).isEqualTo(prompt.length + 2);
            assertThat(kv.store.exclusiveCells(List.of())).isZero();
            int used = kv.context.kvUsedCells();
            int freed = kv.store.exclusiveCells(List.of(a, other));
            a.prune();
            other.prune();
            assertThat(kv.context.kvUsedCells()).isEqualTo(used - freed);
        }
    }
}
