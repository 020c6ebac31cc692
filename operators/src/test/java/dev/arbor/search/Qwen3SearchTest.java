package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.ChatMlTemplate;
import dev.arbor.llama.gguf.SyntheticModel;
import dev.arbor.llama.gguf.SyntheticQwen3Model;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beam search and best-of-n through the {@link SearchEngine} on the synthetic qwen3 model (q/k
 * norms, grouped-query attention, byte-level BPE, ChatML prompts): width-1 beam search is greedy
 * decoding, width-4 beam search keeps the naive reference's hypotheses, best-of-4 is deterministic
 * and ranked, and every completion's text is exactly the UTF-8 its tokens spell.
 */
class Qwen3SearchTest {
    @TempDir
    static Path dir;
    private static LlamaModel model;
    private static List<int[]> prompts;

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("qwen3-tiny.gguf");
        SyntheticQwen3Model.write(file, SyntheticModel.Size.TINY, SyntheticModel.Precision.F32, 42);
        model = LlamaModel.load(file);
        prompts = List.of(
                model.tokenize("Once upon a time", true, false),
                model.tokenize("你好，世界。我们在树下", true, false),
                model.tokenize("A tree 🌳 and a cat 🐱", true, false),
                // A chat turn as a qwen model would see it: markup parsed into control tokens.
                model.tokenize(ChatMlTemplate.EXAMPLE_RENDERING, false, true));
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @Test
    void widthOneBeamSearchIsGreedyDecoding() {
        try (EngineFixture fixture = new EngineFixture(model, 2048, 8)) {
            for (int[] prompt : prompts) {
                SearchOutcome result = fixture.run(SearchRequest.builder("greedy").promptTokens(prompt).width(1)
                        .maxNewTokens(12).build());
                assertThat(result.winner().tokens()).isEqualTo(greedy(prompt, 12));
                assertTextIsTheTokensUtf8(result.winner());
            }
        }
    }

    @Test
    void widthFourBeamSearchKeepsTheNaiveReferenceHypotheses() {
        int width = 4;
        int maxNewTokens = 6;
        try (EngineFixture fixture = new EngineFixture(model, 2048, 16);
                NaiveBeamSearch reference = new NaiveBeamSearch(model)) {
            for (int p = 0; p < prompts.size(); p++) {
                SearchOutcome result = fixture.run(SearchRequest.builder("beam" + p).promptTokens(prompts.get(p))
                        .width(width).maxNewTokens(maxNewTokens).returnCandidates(true).build());
                List<NaiveBeamSearch.Hypothesis> expected =
                        reference.search(prompts.get(p), width, maxNewTokens, 1.0);
                assertThat(result.candidates()).as("prompt %d", p).hasSize(width).hasSameSizeAs(expected);
                for (int i = 0; i < width; i++) {
                    RankedCompletion actual = result.candidates().get(i);
                    assertThat(actual.tokens()).as("prompt %d hypothesis %d", p, i)
                            .isEqualTo(expected.get(i).tokens());
                    assertThat(actual.score()).isCloseTo(expected.get(i).score(), Offset.offset(1e-3));
                    assertTextIsTheTokensUtf8(actual);
                    System.out.println("BEAM " + p + " " + actual.score() + " " + actual.finishReason() + " [" + actual.text() + "]");
                }
                assertSortedByScore(result);
            }
            fixture.assertIdleAndEmpty();
        }
    }

    @Test
    void bestOfFourIsDeterministicRankedAndDiverse() {
        List<SearchOutcome> firstRun = bestOfFour();
        List<SearchOutcome> secondRun = bestOfFour();
        Set<String> distinct = new HashSet<>();
        for (int p = 0; p < prompts.size(); p++) {
            SearchOutcome result = firstRun.get(p);
            assertThat(result.candidates()).hasSize(4);
            assertThat(result.candidates()).as("same request, fresh engine: same candidates")
                    .isEqualTo(secondRun.get(p).candidates());
            assertSortedByScore(result);
            for (RankedCompletion candidate : result.candidates()) {
                assertThat(candidate.score()).isEqualTo(Scorer.MEAN_LOGPROB.score(candidate.completion()));
                assertTextIsTheTokensUtf8(candidate);
                System.out.println("BON " + p + " " + candidate.score() + " " + candidate.finishReason() + " [" + candidate.text() + "]");
                distinct.add(Arrays.toString(candidate.tokens()));
            }
        }
        assertThat(distinct).as("samples differ").hasSizeGreaterThan(prompts.size());
    }

    private List<SearchOutcome> bestOfFour() {
        List<SearchOutcome> results = new ArrayList<>();
        try (EngineFixture fixture = new EngineFixture(model, 2048, 16)) {
            for (int p = 0; p < prompts.size(); p++) {
                results.add(fixture.run(SearchRequest.builder("sample" + p).promptTokens(prompts.get(p))
                        .strategy(SearchStrategy.BEST_OF_N).width(4).maxNewTokens(12).seed(11)
                        .sampler(SamplerParams.builder().temperature(0.8f).topK(40).build())
                        .returnCandidates(true).build()));
            }
        }
        return results;
    }

    /** Greedy decoding on the raw Branch API: the reference for width 1. */
    private static int[] greedy(int[] prompt, int maxNewTokens) {
        try (LlamaContext context = LlamaContext.create(model, ContextParams.builder().nCtx(512).nSeqMax(1)
                .threads(2).build()); BranchStore store = new BranchStore(context)) {
            Branch branch = Branch.create(store, prompt, SamplerParams.greedy());
            int[] tokens = new int[maxNewTokens];
            for (int i = 0; i < maxNewTokens; i++) {
                tokens[i] = branch.sample();
                if (model.isEndOfGeneration(tokens[i])) {
                    return Arrays.copyOf(tokens, i + 1);
                }
                branch.commit(tokens[i]);
            }
            return tokens;
        }
    }

    private static void assertSortedByScore(SearchOutcome result) {
        List<RankedCompletion> candidates = result.candidates();
        for (int i = 1; i < candidates.size(); i++) {
            assertThat(candidates.get(i).score()).isLessThanOrEqualTo(candidates.get(i - 1).score());
        }
        assertThat(result.winner()).isEqualTo(candidates.get(0));
    }

    /** The completion's bytes are valid UTF-8 and its text is exactly those bytes. */
    private static void assertTextIsTheTokensUtf8(RankedCompletion candidate) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int token : candidate.tokens()) {
            bytes.writeBytes(model.tokenPiece(token));
        }
        String strict;
        try {
            strict = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not valid UTF-8: " + Arrays.toString(candidate.tokens()), e);
        }
        assertThat(candidate.text()).isEqualTo(strict);
    }
}
