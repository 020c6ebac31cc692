package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Best-of-n over a branch tree: the prompt is prefilled once, the root becomes sample 0 and
 * {@code n - 1} forks share its cells; each sample draws with its own seed, derived from
 * (request id, request seed, sample index), and stops on its own (end of generation, a stop
 * string, or {@code maxNewTokens}). Finished samples keep their branch until every sample is done;
 * then the request's verifier ranks them (its {@link Scorer} by default; a process reward model or
 * the policy model as a judge when it names one), ties to the lower index. Under a grammar every
 * sample draws from its branch's masked logits, so it only ever writes what its grammar state allows,
 * and its {@link ClosingBudget} replaces a drawn token after which the document could no longer close
 * in the tokens left by the first token of the shortest closing: samples reach {@code maxNewTokens} as
 * complete documents ({@link StopReason#BUDGET}).
 */
class BestOfN extends SearchTask {
    static final class Sample {
        final int index;
        final Branch branch;
        final Trajectory path = new Trajectory();
        ClosingBudget.Path closing;
        Completion result;
        /** The last token when it ended the sample without being decoded (a stop string, the token limit); -1 else. */
        int undecoded = -1;

        Sample(int index, Branch branch, ClosingBudget.Path closing) {
            this.index = index;
            this.branch = branch;
            this.closing = closing;
        }
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Verifiers verifiers;
    private int scorerCalls;
    private long tokensScored;
    private final ClosingBudget budget;

    BestOfN(PreparedRequest prepared, BranchStore store) {
        this(prepared, store, Verifiers.NONE);
    }

    BestOfN(PreparedRequest prepared, BranchStore store, Verifiers verifiers) {
        super(prepared, store);
        this.verifiers = verifiers;
        this.budget = ClosingBudget.forRequest(request, model);
    }

    @Override
    SamplerParams rootSampler() {
        return request.sampler();
    }

    /**
     * {@code width} samples sharing the prompt, each adding up to maxNewTokens cells; with a judge,
     * every sample is forked for its question when they are ranked (self-consistency too: it scores
     * each sample to break ties).
     */
    static Footprint footprint(SearchRequest request, int promptLength) {
        return JudgeVerifier.withJudging(widthTimesNewTokens(request, promptLength), request);
    }

    @Override
    void begin(Branch root) {
        samples.add(new Sample(0, root, budget.start()));
        for (int i = 1; i < request.width(); i++) {
            samples.add(new Sample(i, fork(root), budget.start()));
        }
        for (Sample sample : samples) {
            sample.branch.reseed(Seeds.derive(request.id(), request.seed(), sample.index));
        }
    }

    @Override
    void plan(StepPlan step) {
        for (Sample sample : samples) {
            if (sample.result != null) {
                continue;
            }
            if (sample.branch.allowedTokens() == 0) {
                // A grammar that allows nothing more (nor an end): the sample ends here, incomplete.
                sample.result = sample.path.complete(StopReason.LENGTH, false);
                continue;
            }
            ClosingBudget.Step choice = budget.step(sample.closing, sample.branch, sample.branch.sample(),
                    request.maxNewTokens() - sample.path.size() - 1);
            int token = choice.token();
            sample.closing = choice.after();
            float logprob = (float) sample.branch.logprob(token);
            boolean stopped = sample.path.append(token, logprob, model.tokenPiece(token), request.stop());
            if (request.stopAtEndOfGeneration() && model.isEndOfGeneration(token)) {
                sample.result = sample.path.complete(StopReason.EOG, grammarCompleteAfter(sample.branch, token));
            } else if (stopped) {
                sample.undecoded = token;
                sample.result = sample.path.complete(StopReason.STOP, grammarCompleteAfter(sample.branch, token));
            } else if (sample.path.size() >= request.maxNewTokens()) {
                sample.undecoded = token;
                Boolean complete = grammarCompleteAfter(sample.branch, token);
                sample.result = sample.path.complete(budget.atLength(complete), complete);
            } else {
                commitLater(step, sample.branch, token);
            }
        }
    }

    @Override
    boolean isDone() {
        for (Sample sample : samples) {
            if (sample.result == null) {
                return false;
            }
        }
        return true;
    }

    @Override
    List<RankedCompletion> ranked() {
        double[] scores = scores();
        List<RankedCompletion> ranked = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            ranked.add(new RankedCompletion(samples.get(i).result, scores[i]));
        }
        // List.sort is stable: equal scores keep sample order.
        ranked.sort(Comparator.comparingDouble(RankedCompletion::score).reversed());
        return ranked;
    }

    /** The finished samples, in index order. */
    final List<Sample> samples() {
        return samples;
    }

    /**
     * Each sample's score: the request's {@link Scorer}, or its model verifier on the whole solution
     * (split into steps at the step delimiter for a process reward model), all samples in one batch.
     */
    final double[] scores() {
        double[] scores = new double[samples.size()];
        if (request.verifier().kind() == VerifierSpec.Kind.SCORER) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = request.scorer().score(samples.get(i).result);
                scorerCalls++;
            }
            return scores;
        }
        List<SolutionNode> nodes = new ArrayList<>(samples.size());
        for (Sample sample : samples) {
            SolutionNode node = new SolutionNode(sample.index, null, 0, sample.branch, sample.path,
                    request.steps().split(sample.result.text()), List.of());
            if (sample.undecoded >= 0) {
                node.addPending(sample.undecoded);
            }
            node.finished = true;
            node.reason = sample.result.finishReason();
            nodes.add(node);
        }
        Verifier verifier = verifiers.forRequest(request, store);
        try {
            scores = verifier.score(nodes);
            scorerCalls += verifier.calls();
            tokensScored += verifier.tokensScored();
            return scores;
        } finally {
            verifier.close();
        }
    }

    @Override
    SearchDetails details() {
        return new SearchDetails(List.of(), java.util.Map.of(), 0, 0, scorerCalls, tokensScored);
    }
}
