package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import java.util.List;

/**
 * Scores a fixed continuation instead of searching: after the prompt, each step reads the
 * model's logprob of the next forced token and commits it, batched with every other request's
 * step. The "winner" is the continuation itself, scored by its sum of logprobs. Under a grammar
 * each logprob is the grammar-constrained one, and a reference the grammar does not allow fails
 * with INVALID_GRAMMAR.
 */
final class LikelihoodTask extends SearchTask {
    private final int[] forced;
    private final Trajectory path = new Trajectory();
    private Branch branch;
    private Completion result;

    LikelihoodTask(PreparedRequest prepared, BranchStore store) {
        super(prepared, store);
        this.forced = prepared.forcedTokens();
    }

    /** One branch, the prompt and the continuation (maxNewTokens is the continuation's length). */
    static Footprint footprint(SearchRequest request, int promptLength) {
        return new Footprint(1, promptLength + (long) request.maxNewTokens());
    }

    @Override
    void begin(Branch root) {
        this.branch = root;
    }

    @Override
    void plan(StepPlan step) {
        if (result != null) {
            return;
        }
        int token = forced[path.size()];
        if (request.grammar() != null && Double.isInfinite(branch.logprob(token))) {
            throw new RequestFailure(ErrorCode.INVALID_GRAMMAR, "the reference leaves the grammar at its token "
                    + (path.size() + 1) + " of " + forced.length);
        }
        path.append(token, (float) branch.logprob(token), model.tokenPiece(token), List.of());
        if (path.size() == forced.length) {
            result = path.complete(StopReason.LENGTH, grammarCompleteAfter(branch, token));
        } else {
            commitLater(step, branch, token);
        }
    }

    @Override
    boolean isDone() {
        return result != null;
    }

    @Override
    List<RankedCompletion> ranked() {
        return List.of(new RankedCompletion(result, result.sumLogprob()));
    }
}
