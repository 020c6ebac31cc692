package dev.arbor.kv;

import static dev.arbor.kv.KvFixture.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.llama.ArchitectureTestModels;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.MemoryKind;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every branch operation on every memory kind llama.cpp has, against a re-decode oracle: the same
 * tokens decoded from scratch into a fresh sequence. What only moves forward (forks at the head,
 * batched commits, prunes) is exact everywhere; every cut-back ({@link Branch#forkAt} below the head,
 * {@link Branch#truncate}) is exact (shared cells, a restored checkpoint, a replay) or refused with an
 * {@link IllegalStateException} before anything changed, never silently wrong. Silent errors measured
 * before this existed were 0.4 to 12.8 logits; the tolerance is what llama.cpp's kernels differ by
 * between batch shapes.
 */
class MemoryKindsTest {
    private static final float TOLERANCE = 5e-3f;

    private static LlamaModel load(SyntheticArchitecture arch) {
        return LlamaModel.load(ArchitectureTestModels.tiny(arch));
    }

    /** A small batch, so that a sliding-window model's window cache is small (256 cells) and its cells get reused. */
    private static KvFixture fixture(LlamaModel model, long checkpointBytes) {
        LlamaContext context = LlamaContext.create(model, ContextParams.builder().nCtx(1024).nBatch(64).nSeqMax(8)
                .threads(2).build());
        return new KvFixture(context, new BranchStore(context, checkpointBytes));
    }

    private static int[] randomTokens(LlamaModel model, int n, long seed) {
        Random random = new Random(seed);
        int[] tokens = new int[n];
        tokens[0] = model.bos() >= 0 ? model.bos() : 1;
        for (int i = 1; i < n; i++) {
            tokens[i] = 3 + random.nextInt(Math.min(model.nVocab(), 400) - 3);
        }
        return tokens;
    }

    /** The oracle: the logits after {@code tokens}, decoded from scratch on a fresh branch (released after). */
    private static float[] fresh(BranchStore store, int[] tokens) {
        Branch branch = Branch.create(store, tokens, SamplerParams.greedy());
        float[] logits = branch.logits();
        branch.prune();
        return logits;
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void llamaCppReportsTheMemoryKindTheFamilyHas(SyntheticArchitecture arch) {
        try (LlamaModel model = load(arch)) {
            assertThat(model.memory().kind().name()).isEqualTo(arch.memoryKind().name());
            assertThat(model.memory().architecture()).isEqualTo(arch.ggufName());
            assertThat(model.memory().slidingWindow()).isEqualTo(arch == SyntheticArchitecture.GEMMA3 ? 16 : 0);
            assertThat(model.memory().experts()).isEqualTo(arch == SyntheticArchitecture.QWEN3MOE ? 4 : 0);
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void forksAtTheHeadAndBatchedCommitsEqualAFreshDecode(SyntheticArchitecture arch) {
        try (LlamaModel model = load(arch); KvFixture kv = fixture(model, BranchStore.DEFAULT_CHECKPOINT_BYTES)) {
            int[] prompt = randomTokens(model, 40, 1);
            Branch root = Branch.create(kv.store, prompt, SamplerParams.greedy());
            Branch a = root.fork();
            Branch b = root.fork();
            int[] tokensA = {5, 6, 7};
            int[] tokensB = {9, 10, 11};
            for (int i = 0; i < 3; i++) {
                kv.store.commit(List.of(a, b), new int[] {tokensA[i], tokensB[i]});
            }
            assertThat(maxAbsDifference(a.logits(), fresh(kv.store, concat(prompt, tokensA)))).isLessThan(TOLERANCE);
            assertThat(maxAbsDifference(b.logits(), fresh(kv.store, concat(prompt, tokensB)))).isLessThan(TOLERANCE);
            assertThat(maxAbsDifference(root.logits(), fresh(kv.store, prompt))).as("the parent is untouched")
                    .isLessThan(TOLERANCE);
            kv.store.retainOnly(b);
            b.commit(12);
            assertThat(maxAbsDifference(b.logits(), fresh(kv.store, concat(prompt, new int[] {9, 10, 11, 12}))))
                    .isLessThan(TOLERANCE);
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void aCutBackWithoutACheckpointIsExactOrRefusedBeforeAnythingChanged(SyntheticArchitecture arch) {
        try (LlamaModel model = load(arch); KvFixture kv = fixture(model, BranchStore.DEFAULT_CHECKPOINT_BYTES)) {
            int[] tokens = randomTokens(model, 48, 2);
            Branch branch = Branch.create(kv.store, tokens, SamplerParams.greedy());
            int cut = 30;
            int leases = kv.store.available();
            MemoryKind kind = model.memory().kind();
            if (kind == MemoryKind.RECURRENT || kind == MemoryKind.HYBRID) {
                assertThatThrownBy(() -> branch.forkAt(cut, SamplerParams.greedy()))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no checkpoint");
                assertThatThrownBy(() -> branch.truncate(cut)).isInstanceOf(IllegalStateException.class);
                assertThat(kv.store.available()).as("no lease kept by the refusal").isEqualTo(leases);
                assertThat(branch.position()).isEqualTo(tokens.length);
                branch.commit(5);
                assertThat(maxAbsDifference(branch.logits(), fresh(kv.store, concat(tokens, new int[] {5}))))
                        .as("the refused branch goes on exactly").isLessThan(TOLERANCE);
                assertThat(branch.deepestExactCut(cut)).isEqualTo(-1);
                return;
            }
            // Dense, and a window that llama.cpp has not begun to reuse (48 tokens in a 256-cell window cache).
            assertThat(branch.deepestExactCut(cut)).isEqualTo(cut);
            Branch child = branch.forkAt(cut, SamplerParams.greedy());
            child.prefill(Arrays.copyOfRange(tokens, cut, cut + 3));
            assertThat(maxAbsDifference(child.logits(), fresh(kv.store, Arrays.copyOf(tokens, cut + 3))))
                    .isLessThan(TOLERANCE);
            branch.truncate(cut);
            branch.prefill(new int[] {7, 8});
            assertThat(maxAbsDifference(branch.logits(), fresh(kv.store, concat(Arrays.copyOf(tokens, cut),
                    new int[] {7, 8})))).isLessThan(TOLERANCE);
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void checkpointsMakeEveryCutBackExactByRestoreOrReplay(SyntheticArchitecture arch) {
        try (LlamaModel model = load(arch); KvFixture kv = fixture(model, BranchStore.DEFAULT_CHECKPOINT_BYTES)) {
            int[] tokens = randomTokens(model, 60, 3);
            Branch branch = kv.store.createAll(List.of(tokens), List.of(SamplerParams.greedy()),
                    java.util.Collections.singletonList(null), List.of(new int[] {20, 40})).get(0);
            boolean overwrites = model.memory().overwritesHistory();
            assertThat(branch.checkpointPositions()).isEqualTo(overwrites ? new int[] {20, 40} : new int[0]);
            long replayedBefore = kv.store.checkpointStats().replayedTokens();

            Branch atCheckpoint = branch.forkAt(40, SamplerParams.greedy());
            atCheckpoint.prefill(Arrays.copyOfRange(tokens, 40, 44));
            assertThat(maxAbsDifference(atCheckpoint.logits(), fresh(kv.store, Arrays.copyOf(tokens, 44))))
                    .as("restored at a checkpoint").isLessThan(TOLERANCE);

            Branch between = branch.forkAt(33, SamplerParams.greedy());
            if (overwrites && model.memory().kind() != MemoryKind.SLIDING_WINDOW) {
                assertThat(between.hasLogits()).as("a replay produces the logits at the cut").isTrue();
                assertThat(kv.store.checkpointStats().replayedTokens() - replayedBefore).isEqualTo(33 - 20);
                assertThat(maxAbsDifference(between.logits(), fresh(kv.store, Arrays.copyOf(tokens, 33))))
                        .as("replayed from the checkpoint at 20").isLessThan(TOLERANCE);
            }
            between.prefill(Arrays.copyOfRange(tokens, 33, 35));
            assertThat(maxAbsDifference(between.logits(), fresh(kv.store, Arrays.copyOf(tokens, 35))))
                    .isLessThan(TOLERANCE);

            atCheckpoint.prune();
            between.prune();
            branch.truncate(25);
            branch.prefill(new int[] {4});
            assertThat(maxAbsDifference(branch.logits(), fresh(kv.store, concat(Arrays.copyOf(tokens, 25),
                    new int[] {4})))).as("truncated back, by a replay from 20 where needed").isLessThan(TOLERANCE);
            assertThat(branch.checkpointPositions()).isEqualTo(overwrites ? new int[] {20} : new int[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void checkpointsBelongToTheTreeLikeLeasesAndStayWithinTheirBudget(SyntheticArchitecture arch) {
        try (LlamaModel model = load(arch); KvFixture kv = fixture(model, BranchStore.DEFAULT_CHECKPOINT_BYTES)) {
            int[] tokens = randomTokens(model, 40, 4);
            Branch root = Branch.create(kv.store, tokens, SamplerParams.greedy());
            assertThat(root.checkpoint()).as("a cut-back to here is exact now").isTrue();
            Branch child = root.fork();
            child.commit(5);
            child.checkpoint();
            CheckpointStats held = kv.store.checkpointStats();
            boolean overwrites = model.memory().overwritesHistory();
            assertThat(held.live()).isEqualTo(overwrites ? 2 : 0);
            assertThat(held.bytes() > 0).isEqualTo(overwrites);
            assertThat(held.bytes()).isLessThanOrEqualTo(held.peakBytes()).isLessThanOrEqualTo(held.maxBytes());
            Branch other = Branch.create(kv.store, tokens, SamplerParams.greedy());
            other.checkpoint();
            kv.store.retainOnly(child);
            assertThat(kv.store.checkpointStats().live()).as("the winner keeps its own and its parent's")
                    .isEqualTo(overwrites ? 3 : 0);
            child.pruneSubtree();
            other.prune();
            assertThat(kv.store.checkpointStats().live()).isZero();
            assertThat(kv.store.checkpointStats().bytes()).isZero();
        }
        try (LlamaModel model = load(arch); KvFixture kv = fixture(model, 1)) {
            Branch root = Branch.create(kv.store, randomTokens(model, 40, 5), SamplerParams.greedy());
            boolean overwrites = model.memory().overwritesHistory();
            assertThat(root.checkpoint()).as("over budget: none kept").isEqualTo(!overwrites);
            assertThat(kv.store.checkpointStats().skipped()).isEqualTo(overwrites ? 1 : 0);
            assertThat(kv.store.checkpointStats().bytes()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SyntheticArchitecture.class, names = {"GEMMA3"})
    void aSlidingWindowWhoseCellsWereReusedIsRefusedThenExactFromACheckpoint(SyntheticArchitecture arch) {
        try (LlamaModel model = load(arch); KvFixture kv = fixture(model, BranchStore.DEFAULT_CHECKPOINT_BYTES)) {
            int[] tokens = randomTokens(model, 320, 6);
            // 320 tokens pass through a 256-cell window cache: llama.cpp reuses the cells that left the window.
            Branch branch = kv.store.createAll(List.of(tokens), List.of(SamplerParams.greedy()),
                    java.util.Collections.singletonList(null), List.of(new int[] {70, 100})).get(0);
            int posMin = kv.context.seqPositions(branch.seqId())[0];
            assertThat(posMin).as("the window cache reused cells").isPositive();
            assertThatThrownBy(() -> branch.forkAt(60, SamplerParams.greedy()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("reused");
            Branch restored = branch.forkAt(100, SamplerParams.greedy());
            restored.prefill(Arrays.copyOfRange(tokens, 100, 103));
            assertThat(maxAbsDifference(restored.logits(), fresh(kv.store, Arrays.copyOf(tokens, 103))))
                    .isLessThan(TOLERANCE);
            // 75 attends to positions llama.cpp no longer holds: the window is restored at 70 and 5 tokens replayed.
            assertThat(posMin).as("75's window has left the cache").isGreaterThan(75 - model.memory().slidingWindow());
            long replayedBefore = kv.store.checkpointStats().replayedTokens();
            Branch replayed = branch.forkAt(75, SamplerParams.greedy());
            assertThat(kv.store.checkpointStats().replayedTokens() - replayedBefore).isEqualTo(5);
            assertThat(maxAbsDifference(replayed.logits(), fresh(kv.store, Arrays.copyOf(tokens, 75))))
                    .as("replayed from the checkpoint at 70").isLessThan(TOLERANCE);
            replayed.prune();
            int inWindow = tokens.length - 4;
            assertThat(branch.deepestExactCut(inWindow)).as("the last positions are still held").isEqualTo(inWindow);
            Branch near = branch.forkAt(inWindow, SamplerParams.greedy());
            near.prefill(new int[] {tokens[inWindow]});
            assertThat(maxAbsDifference(near.logits(), fresh(kv.store, Arrays.copyOf(tokens, inWindow + 1))))
                    .isLessThan(TOLERANCE);
        }
    }

    @ParameterizedTest
    @EnumSource(SyntheticArchitecture.class)
    void aPrefillThatRunsOutOfCellsLeavesTheBranchExactlyAsItWas(SyntheticArchitecture arch) {
        try (LlamaModel model = load(arch);
                LlamaContext context = LlamaContext.create(model, ContextParams.builder().nCtx(256).nBatch(32)
                        .nSeqMax(4).threads(2).build());
                BranchStore store = new BranchStore(context)) {
            int[] tokens = randomTokens(model, 60, 7);
            Branch branch = Branch.create(store, tokens, SamplerParams.greedy());
            Branch filler = Branch.create(store, randomTokens(model, 150, 8), SamplerParams.greedy());
            int[] tooMuch = randomTokens(model, 120, 9); // several decodes of 32; the cache fills on a later one
            if (model.memory().hasAttentionCells()) {
                assertThatThrownBy(() -> branch.prefill(tooMuch)).isInstanceOf(KvExhaustedException.class);
                assertThat(branch.position()).isEqualTo(tokens.length);
                filler.prune();
            }
            branch.commit(5);
            assertThat(maxAbsDifference(branch.logits(), fresh(store, concat(tokens, new int[] {5}))))
                    .as("after the failed prefill the sequence is as it was").isLessThan(TOLERANCE);
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
