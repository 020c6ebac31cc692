package dev.arbor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.Batch;
import dev.arbor.llama.ContextParams;
import dev.arbor.llama.LlamaContext;
import dev.arbor.llama.LlamaModel;
import dev.arbor.llama.gguf.SyntheticArchitecture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verifiers and the vote, against independent computations: a process reward model's scores
 * equal a fresh decode of the problem and each step with its tag; a judge's equal a fresh decode of
 * the solution and the question; self-consistency's tally counts the candidates' answers and its
 * winner carries the majority answer.
 */
class VerifierTest {
    private static LlamaModel policy;
    private static LlamaModel rewardModel;

    @BeforeAll
    static void load() {
        policy = LlamaModel.load(SearchTestModels.tiny());
        rewardModel = LlamaModel.load(SearchTestModels.tiny(SyntheticArchitecture.QWEN3));
    }

    @AfterAll
    static void unload() {
        policy.close();
        rewardModel.close();
    }

    @Test
    void aProcessRewardModelScoresEachStepAsAFreshDecodeOfProblemStepAndTag() throws Exception {
        try (LlamaContext prmContext = LlamaContext.create(rewardModel, ContextParams.builder().nCtx(4096)
                .nBatch(256).nSeqMax(32).threads(2).build())) {
            ProcessRewardModel prm = new ProcessRewardModel(prmContext, " ки", "+", "-", "\n");
            try (LlamaContext context = LlamaContext.create(policy, ContextParams.builder().nCtx(2048).nBatch(128)
                    .nSeqMax(16).threads(2).build());
                    SearchEngine engine = SearchEngine.builder(context).processRewardModel(prm).build()) {
                SearchRequest request = StepSearchTest.stepBeam("prm", "once upon a time", Scorer.MEAN_LOGPROB)
                        .verifier(VerifierSpec.prm(VerifierSpec.Aggregation.MIN)).build();
                SearchOutcome result = engine.submit(request).get();
                assertThat(result.error()).isNull();
                assertThat(result.details().tokensScored()).isPositive();
                Map<Integer, ScoredStep> byId = new HashMap<>();
                for (ScoredStep step : result.details().tree()) {
                    byId.put(step.id(), step);
                }
                int checked = 0;
                for (ScoredStep step : result.details().tree()) {
                    List<String> steps = new ArrayList<>();
                    for (ScoredStep at = step; at != null; at = byId.get(at.parent())) {
                        steps.add(0, at.text());
                    }
                    double expected = freshPrmScore(prmContext, "once upon a time\n", steps, VerifierSpec.Aggregation.MIN);
                    assertThat(step.score()).as("node %d", step.id()).isCloseTo(expected, offset(2e-3));
                    checked++;
                }
                assertThat(checked).isGreaterThan(4);
            }
            // The PRM's context holds nothing once the engine is closed.
            assertThat(prmContext.kvUsedCells()).isZero();
        }
    }

    /** min over steps of P(+) / (P(+) + P(-)) after problem, step 1, tag, ..., step k, tag, decoded from scratch. */
    private static double freshPrmScore(LlamaContext context, String problem, List<String> steps,
            VerifierSpec.Aggregation aggregation) {
        int good = rewardModel.tokenize("+", false, false)[0];
        int bad = rewardModel.tokenize("-", false, false)[0];
        List<Integer> tokens = new ArrayList<>();
        for (int t : rewardModel.tokenize(problem, true, false)) {
            tokens.add(t);
        }
        double score = aggregation == VerifierSpec.Aggregation.PRODUCT ? 1 : Double.POSITIVE_INFINITY;
        double last = 0;
        for (String step : steps) {
            for (int t : rewardModel.tokenize(step + " ки", false, false)) {
                tokens.add(t);
            }
            float[] logits = decodeFresh(context, tokens);
            double p = 1 / (1 + Math.exp(logits[bad] - logits[good]));
            last = p;
            score = aggregation == VerifierSpec.Aggregation.PRODUCT ? score * p : Math.min(score, p);
        }
        return aggregation == VerifierSpec.Aggregation.LAST ? last : score;
    }

    private static float[] decodeFresh(LlamaContext context, List<Integer> tokens) {
        int seq = context.nSeqMax() - 1; // a sequence the engine's store never leased while this runs
        context.seqRemove(seq, -1, -1);
        try (Batch batch = new Batch(tokens.size())) {
            for (int i = 0; i < tokens.size(); i++) {
                batch.add(tokens.get(i), i, seq, i == tokens.size() - 1);
            }
            context.decode(batch);
        }
        float[] logits = context.logits(tokens.size() - 1);
        context.seqRemove(seq, -1, -1);
        return logits;
    }

    @Test
    void aJudgedBestOfNReservesTheForksItsQuestionsTake() throws Exception {
        // The judge forks every sample at once to ask its question: width 4 needs 8 sequences. With
        // 4, the request is refused up front rather than failing when its samples are ranked; width 2 runs.
        try (LlamaContext context = LlamaContext.create(policy, ContextParams.builder().nCtx(2048).nBatch(128)
                .nSeqMax(4).threads(2).build()); SearchEngine engine = new SearchEngine(context)) {
            SearchRequest.Builder request = SearchRequest.builder("judged").prompt("once upon a time")
                    .strategy(SearchStrategy.BEST_OF_N).maxNewTokens(8).stopAtEndOfGeneration(false).seed(3)
                    .sampler(SamplerParams.builder().temperature(1.0f).build()).verifier(VerifierSpec.judge());
            SearchOutcome tooWide = engine.submit(request.width(4).build()).get();
            assertThat(tooWide.error()).isNotNull();
            assertThat(tooWide.error().code()).isEqualTo(ErrorCode.WIDTH_TOO_LARGE);
            assertThat(tooWide.error().message()).contains("8 sequences");
            SearchOutcome fits = engine.submit(request.width(2).build()).get();
            assertThat(fits.error()).isNull();
            assertThat(SearchStrategy.BEST_OF_N.footprint(request.width(2).build(), 10).leases()).isEqualTo(4);
        }
    }

    @Test
    void aJudgeScoresP_yesOfAFreshDecodeOfSolutionAndQuestion() throws Exception {
        try (LlamaContext context = LlamaContext.create(policy, ContextParams.builder().nCtx(2048).nBatch(128)
                .nSeqMax(16).threads(2).build()); SearchEngine engine = new SearchEngine(context)) {
            SearchRequest request = SearchRequest.builder("judge").prompt("once upon a time").width(3)
                    .strategy(SearchStrategy.BEST_OF_N).maxNewTokens(8).stopAtEndOfGeneration(false)
                    .returnCandidates(true).seed(3).sampler(SamplerParams.builder().temperature(1.0f).build())
                    .verifier(VerifierSpec.judge()).build();
            SearchOutcome result = engine.submit(request).get();
            assertThat(result.error()).isNull();
            int[] yesTokens = policy.tokenize(VerifierSpec.DEFAULT_YES, false, false);
            int[] noTokens = policy.tokenize(VerifierSpec.DEFAULT_NO, false, false);
            int common = 0; // the answers' shared first tokens follow the question
            while (yesTokens[common] == noTokens[common]) {
                common++;
            }
            int yes = yesTokens[common];
            int no = noTokens[common];
            int[] prompt = policy.tokenize("once upon a time", true, false);
            int[] asked = policy.tokenize(VerifierSpec.DEFAULT_QUESTION, false, false);
            int[] question = java.util.Arrays.copyOf(asked, asked.length + common);
            System.arraycopy(yesTokens, 0, question, asked.length, common);
            try (LlamaContext fresh = LlamaContext.create(policy, ContextParams.builder().nCtx(512).nBatch(256)
                    .nSeqMax(1).threads(2).build())) {
                for (RankedCompletion candidate : result.candidates()) {
                    List<Integer> tokens = new ArrayList<>();
                    for (int t : prompt) {
                        tokens.add(t);
                    }
                    for (int t : candidate.tokens()) {
                        tokens.add(t);
                    }
                    for (int t : question) {
                        tokens.add(t);
                    }
                    float[] logits = decodeFresh(fresh, tokens);
                    double expected = 1 / (1 + Math.exp(logits[no] - logits[yes]));
                    assertThat(candidate.score()).isCloseTo(expected, offset(2e-3));
                }
            }
            assertThat(result.details().scorerCalls()).isEqualTo(3);
        }
    }

    @Test
    void selfConsistencyTalliesTheAnswersAndAWinnerCarriesTheMajorityAnswer() throws Exception {
        try (EngineFixture fixture = new EngineFixture(policy, 4096, 16)) {
            // The answer is the first letter after the last space: few enough values that votes meet.
            SearchRequest request = SearchRequest.builder("vote").prompt("the king and the sea").width(12)
                    .strategy(SearchStrategy.SELF_CONSISTENCY).maxNewTokens(6).stopAtEndOfGeneration(false)
                    .answerPattern(" (\\p{L})").returnCandidates(true).seed(5)
                    .sampler(SamplerParams.builder().temperature(1.2f).build()).build();
            SearchOutcome result = fixture.engine.submit(request).get();
            assertThat(result.error()).isNull();
            java.util.regex.Pattern answer = java.util.regex.Pattern.compile(" (\\p{L})");
            Map<String, Integer> counted = new LinkedHashMap<>();
            for (RankedCompletion candidate : result.candidates()) {
                java.util.regex.Matcher matcher = answer.matcher(candidate.text());
                String last = null;
                while (matcher.find()) {
                    last = matcher.group(1);
                }
                if (last != null) {
                    counted.merge(last, 1, Integer::sum);
                }
            }
            assertThat(result.details().tally()).isEqualTo(counted);
            int most = counted.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            String first = result.details().tally().keySet().iterator().next();
            assertThat(counted.get(first)).as("the tally starts with the majority answer").isEqualTo(most);
            java.util.regex.Matcher winner = answer.matcher(result.winner().text());
            String winnerAnswer = null;
            while (winner.find()) {
                winnerAnswer = winner.group(1);
            }
            assertThat(winnerAnswer).isEqualTo(first);
            assertThat(result.winner().score()).isEqualTo((double) most / 12);
        }
    }
}
