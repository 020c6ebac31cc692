package dev.arbor.kv;

import static dev.arbor.kv.KvFixture.maxAbsDifference;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.TestModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding through branches equals decoding from scratch, in both KV layouts: one unified buffer
 * (a fork tags cells) and per-sequence streams (a fork copies its parent's stream).
 */
class BranchDecodeTest {
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

    private static int[] concat(int[] a, int... b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @ParameterizedTest(name = "kvUnified={0}")
    @ValueSource(booleans = {true, false})
    void sharedPrefixSurvivesRetainOnlyOfTheChild(boolean kvUnified) {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 4, kvUnified)) {
            int[] prompt = tokens("once upon a time there was");
            Branch parent = Branch.create(kv.store, prompt, SamplerParams.greedy());
            Branch child = parent.fork();
            int t1 = child.sample();
            child.commit(t1);
            int t2 = child.sample();
            child.commit(t2);

            kv.store.retainOnly(child);
            assertThat(parent.isActive()).isFalse();
            assertThat(kv.store.available()).isEqualTo(3);
            assertThat(KvFixture.cellsOf(kv.context, child.seqId())).isEqualTo(prompt.length + 2);

            Branch fresh = Branch.create(kv.store, concat(prompt, t1, t2), SamplerParams.greedy());
            assertThat(maxAbsDifference(child.logits(), fresh.logits())).isLessThan(1e-4f);
            // and one more step on the surviving prefix still agrees
            int t3 = child.sample();
            child.commit(t3);
            fresh.commit(t3);
            assertThat(maxAbsDifference(child.logits(), fresh.logits())).isLessThan(1e-4f);
        }
    }

    @ParameterizedTest(name = "kvUnified={0}")
    @ValueSource(booleans = {true, false})
    void forkAndParentDecodingTheSameTokenAgreeAndACommitOnTheChildLeavesTheParentAlone(boolean kvUnified) {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 4, kvUnified)) {
            Branch parent = Branch.create(kv.store, tokens("the cat sat on the"), SamplerParams.greedy());
            Branch child = parent.fork();
            int token = parent.sample();
            kv.store.commit(List.of(parent, child), new int[] {token, token});
            assertThat(maxAbsDifference(parent.logits(), child.logits())).isLessThan(1e-4f);

            float[] before = parent.logits();
            child.commit(child.sample());
            child.commit(child.sample());
            assertThat(parent.logits()).as("bit-identical").isEqualTo(before);
            assertThat(parent.position()).isEqualTo(child.position() - 2);
        }
    }

    @ParameterizedTest(name = "kvUnified={0}")
    @ValueSource(booleans = {true, false})
    void batchedCommitEqualsOneByOneCommits(boolean kvUnified) {
        try (KvFixture kv = new KvFixture(model, 1024, 64, 8, kvUnified)) {
            String[] prompts = {"the dog", "a man and his old", "hello world how", "we go home"};
            List<Branch> batched = new ArrayList<>();
            List<Branch> single = new ArrayList<>();
            for (String prompt : prompts) {
                batched.add(Branch.create(kv.store, tokens(prompt), SamplerParams.greedy()));
                single.add(Branch.create(kv.store, tokens(prompt), SamplerParams.greedy()));
            }
            int[] next = new int[prompts.length];
            int[] positions = new int[prompts.length];
            for (int i = 0; i < prompts.length; i++) {
                next[i] = batched.get(i).sample();
                positions[i] = batched.get(i).position();
            }
            long decodesBefore = kv.context.decodeCalls();
            kv.store.commit(batched, next);
            assertThat(kv.context.decodeCalls() - decodesBefore).as("one decode").isEqualTo(1);
            for (int i = 0; i < prompts.length; i++) {
                single.get(i).commit(next[i]);
            }
            for (int i = 0; i < prompts.length; i++) {
                assertThat(batched.get(i).position()).isEqualTo(positions[i] + 1);
                assertThat(single.get(i).position()).isEqualTo(positions[i] + 1);
                assertThat(maxAbsDifference(batched.get(i).logits(), single.get(i).logits())).isLessThan(1e-4f);
                assertThat(batched.get(i).sumLogprob()).isCloseTo(single.get(i).sumLogprob(),
                        org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @ParameterizedTest(name = "kvUnified={0}")
    @ValueSource(booleans = {true, false})
    void prefillOfUnevenLengthsPacksIntoBatchesAndEqualsOneAtATime(boolean kvUnified) {
        try (KvFixture kv = new KvFixture(model, 1024, 16, 8, kvUnified)) {
            int[] words = tokens("once upon a time there was a king who lived in a big house by the sea and he had "
                    + "a dog and a cat and one day the king said hello to the sun and the moon over the water");
            int[][] runs = {Arrays.copyOfRange(words, 1, 6), Arrays.copyOfRange(words, 2, 25),
                Arrays.copyOfRange(words, 0, 40)};
            List<Branch> packed = new ArrayList<>();
            List<Branch> stepwise = new ArrayList<>();
            for (int i = 0; i < runs.length; i++) {
                int[] start = {words[i]};
                packed.add(Branch.create(kv.store, start, SamplerParams.greedy()));
                stepwise.add(Branch.create(kv.store, start, SamplerParams.greedy()));
            }
            long decodesBefore = kv.context.decodeCalls();
            kv.store.prefill(packed, Arrays.asList(runs));
            int total = 5 + 23 + 40;
            assertThat(kv.context.decodeCalls() - decodesBefore).as("packed into nBatch chunks")
                    .isEqualTo((total + 15) / 16);

            for (int i = 0; i < runs.length; i++) {
                for (int token : runs[i]) {
                    stepwise.get(i).prefill(new int[] {token});
                }
            }
            for (int i = 0; i < runs.length; i++) {
                assertThat(packed.get(i).position()).isEqualTo(1 + runs[i].length);
                assertThat(packed.get(i).position()).isEqualTo(stepwise.get(i).position());
                assertThat(maxAbsDifference(packed.get(i).logits(), stepwise.get(i).logits())).isLessThan(1e-4f);
                assertThat(KvFixture.cellsOf(kv.context, packed.get(i).seqId())).isEqualTo(packed.get(i).position());
            }
            assertThat(packed.get(0).committedTokens()).as("prefill is context, not generation").isZero();
        }
    }
}
