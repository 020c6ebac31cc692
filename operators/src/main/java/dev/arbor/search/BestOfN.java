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
 * then the {@link Scorer} ranks them (ties to the lower index). Under a grammar every sample draws
 * from its branch's masked logits, so it only ever writes what its grammar state allows, and its
 * {@link ClosingBudget} replaces a drawn token after which the document could no longer close in the
 * tokens left by the first token of the shortest closing: samples reach {@code maxNewTokens} as
 * complete documents ({@link StopReason#BUDGET}).
 */
final class BestOfN extends SearchTask {
    private static final class Sample {
        final int index;
        final Branch branch;
        final Trajectory path = new Trajectory();
        ClosingBudget.Path closing;
        Completion result;

        Sample(int index, Branch branch, ClosingBudget.Path closing) {
            this.index = index;
            this.branch = branch;
            this.closing = closing;
        }
    }

    private final List<Sample> samples = new ArrayList<>();
    private final ClosingBudget budget;

    BestOfN(PreparedRequest prepared, BranchStore store) {
        super(prepared, store);
        this.budget = ClosingBudget.forRequest(request, model);
    }

    @Override
    SamplerParams rootSampler() {
        return request.sampler();
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
                sample.result = sample.path.complete(StopReason.STOP, grammarCompleteAfter(sample.branch, token));
            } else if (sample.path.size() >= request.maxNewTokens()) {
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
        List<RankedCompletion> ranked = new ArrayList<>(samples.size());
        for (Sample sample : samples) {
            ranked.add(new RankedCompletion(sample.result, request.scorer().score(sample.result)));
        }
        // List.sort is stable: equal scores keep sample order.
        ranked.sort(Comparator.comparingDouble(RankedCompletion::score).reversed());
        return ranked;
    }
}
