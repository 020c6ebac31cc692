package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search over a branch tree, step by step, as in Hugging Face transformers' beam search.
 *
 * <p>Each step takes the log-softmax of every live beam's raw logits and ranks all continuations
 * by their running sum of logprobs, looking at the best {@code 2 x width} so that finished ones
 * do not starve the beam. Walking that ranking, an end-of-generation token (or a stop string)
 * finishes a hypothesis if it ranks within the first {@code width}; other continuations fill the
 * next beams until there are {@code width}. A beam continues in place with its first chosen
 * continuation and forks for the others; a beam with none is released (its live forks survive).
 *
 * <p>Under a grammar each beam's logits are masked by its own grammar state, so only continuations
 * it allows are ranked, and its {@link ClosingBudget} drops those after which the document could no
 * longer close in the tokens left; when that leaves nothing, the best beam takes the first token of
 * its shortest closing. Hypotheses that reach {@code maxNewTokens} are then complete documents
 * ({@link StopReason#BUDGET}). Under a grammar without a computable closing, a hypothesis cut
 * short by {@code maxNewTokens} says whether it is a complete sentence of the grammar.
 *
 * <p>A finished hypothesis of {@code n} generated tokens (an end-of-generation token counts)
 * scores {@code sumLogprob / n^lengthPenalty}; the best {@code width} are kept. The search stops
 * when {@code maxNewTokens} is reached (live beams then finish with LENGTH) or when no live beam
 * can beat the worst kept hypothesis any more: since logprobs are never positive, a beam's best
 * reachable score is {@code sum / maxNewTokens^lengthPenalty} for a positive length penalty and
 * {@code sum / n^lengthPenalty} otherwise.
 */
final class BeamSearch extends SearchTask {
    private static final class Beam {
        final Branch branch;
        final Trajectory path;
        final ClosingBudget.Path closing;

        Beam(Branch branch, Trajectory path, ClosingBudget.Path closing) {
            this.branch = branch;
            this.path = path;
            this.closing = closing;
        }
    }

    /** A possible next token of a beam, ranked by the beam's sum plus its logprob. */
    private record Continuation(int beam, int token, float logprob, double sum) {}

    private static final Comparator<Continuation> BEST_FIRST = Comparator.comparingDouble(Continuation::sum)
            .reversed().thenComparingInt(Continuation::beam).thenComparingInt(Continuation::token);

    private final int width;
    private final Hypotheses hypotheses;
    private final ClosingBudget budget;
    private List<Beam> beams = new ArrayList<>();
    private boolean done;

    BeamSearch(PreparedRequest prepared, BranchStore store) {
        super(prepared, store);
        this.width = request.width();
        this.hypotheses = new Hypotheses(width);
        this.budget = ClosingBudget.forRequest(request, model);
    }

    /** At most {@code width} beams (released beams go before forks are made), each adding up to maxNewTokens cells. */
    static Footprint footprint(SearchRequest request, int promptLength) {
        return widthTimesNewTokens(request, promptLength);
    }

    @Override
    void begin(Branch root) {
        beams.add(new Beam(root, new Trajectory(), budget.start()));
    }

    @Override
    void plan(StepPlan step) {
        if (done) {
            return;
        }
        List<Continuation> ranked = rankContinuations();
        int length = beams.get(0).path.size() + 1;
        List<Continuation> chosen = new ArrayList<>(width);
        List<Trajectory> chosenPaths = new ArrayList<>(width);
        List<ClosingBudget.Path> chosenClosings = new ArrayList<>(width);
        boolean overBudget = false;
        boolean[] finished = new boolean[beams.size()];
        for (int rank = 0; rank < ranked.size() && chosen.size() < width; rank++) {
            Continuation next = ranked.get(rank);
            ClosingBudget.Path closing = budget.after(beams.get(next.beam()).closing, next.token(),
                    request.maxNewTokens() - length);
            if (closing == null) {
                overBudget = true; // its document could no longer close in the tokens left
                continue;
            }
            Trajectory path = beams.get(next.beam()).path.copy();
            boolean stopped = path.append(next.token(), next.logprob(), model.tokenPiece(next.token()), request.stop());
            boolean endOfGeneration = request.stopAtEndOfGeneration() && model.isEndOfGeneration(next.token());
            if (endOfGeneration || stopped) {
                if (rank < width) {
                    finished[next.beam()] = true;
                    Boolean complete = grammarCompleteAfter(beams.get(next.beam()).branch, next.token());
                    hypotheses.add(path.complete(endOfGeneration ? StopReason.EOG : StopReason.STOP, complete),
                            score(path.sumLogprob(), length));
                }
                continue;
            }
            chosen.add(next);
            chosenPaths.add(path);
            chosenClosings.add(closing);
        }
        if (chosen.size() < width && overBudget) {
            fillWithClosings(length, finished, chosen, chosenPaths, chosenClosings);
        }
        if (length >= request.maxNewTokens() || chosen.isEmpty()) {
            for (int i = 0; i < chosenPaths.size(); i++) {
                Trajectory path = chosenPaths.get(i);
                Continuation last = chosen.get(i);
                Boolean complete = grammarCompleteAfter(beams.get(last.beam()).branch, last.token());
                hypotheses.add(path.complete(budget.atLength(complete), complete), score(path.sumLogprob(), length));
            }
            done = true;
            return;
        }
        if (hypotheses.isFull() && hypotheses.worstScore() >= bestReachable(bestSum(chosen), length)) {
            done = true;
            return;
        }
        advance(step, chosen, chosenPaths, chosenClosings);
    }

    /**
     * When the budget dropped continuations and the beam is not full: beams, best first, take the
     * first token of their shortest closing (which always keeps the budget), so the search never
     * runs out of beams that can close. An end of generation, once a text is complete, finishes it
     * as a hypothesis.
     */
    private void fillWithClosings(int length, boolean[] finished, List<Continuation> chosen,
            List<Trajectory> chosenPaths, List<ClosingBudget.Path> chosenClosings) {
        for (int b = 0; b < beams.size() && chosen.size() < width; b++) {
            Beam beam = beams.get(b);
            int token = budget.closingToken(beam.closing, beam.branch);
            if (token < 0 || isChosen(chosen, b, token) || (finished[b] && model.isEndOfGeneration(token))) {
                continue;
            }
            float logprob = (float) beam.branch.logprob(token);
            Trajectory path = beam.path.copy();
            boolean stopped = path.append(token, logprob, model.tokenPiece(token), request.stop());
            boolean endOfGeneration = request.stopAtEndOfGeneration() && model.isEndOfGeneration(token);
            if (endOfGeneration || stopped) {
                Boolean complete = grammarCompleteAfter(beam.branch, token);
                hypotheses.add(path.complete(endOfGeneration ? StopReason.EOG : StopReason.STOP, complete),
                        score(path.sumLogprob(), length));
                continue;
            }
            chosen.add(new Continuation(b, token, logprob, beam.path.sumLogprob() + logprob));
            chosenPaths.add(path);
            chosenClosings.add(budget.step(beam.closing, beam.branch, token, request.maxNewTokens() - length).after());
        }
    }

    private static boolean isChosen(List<Continuation> chosen, int beam, int token) {
        for (Continuation c : chosen) {
            if (c.beam() == beam && c.token() == token) {
                return true;
            }
        }
        return false;
    }

    private static double bestSum(List<Continuation> chosen) {
        double best = Double.NEGATIVE_INFINITY;
        for (Continuation c : chosen) {
            best = Math.max(best, c.sum());
        }
        return best;
    }

    /** Releases beams that lost every continuation, forks for extra ones, and plans the commits. */
    private void advance(StepPlan step, List<Continuation> chosen, List<Trajectory> chosenPaths,
            List<ClosingBudget.Path> chosenClosings) {
        boolean[] continues = new boolean[beams.size()];
        for (Continuation next : chosen) {
            continues[next.beam()] = true;
        }
        // Release first, so that forks below find the leases this frees.
        for (int b = 0; b < beams.size(); b++) {
            if (!continues[b]) {
                release(beams.get(b).branch);
            }
        }
        boolean[] inPlaceTaken = new boolean[beams.size()];
        List<Beam> next = new ArrayList<>(chosen.size());
        for (int i = 0; i < chosen.size(); i++) {
            Continuation continuation = chosen.get(i);
            Beam source = beams.get(continuation.beam());
            Branch branch;
            if (!inPlaceTaken[continuation.beam()]) {
                inPlaceTaken[continuation.beam()] = true;
                branch = source.branch;
            } else {
                branch = fork(source.branch);
            }
            next.add(new Beam(branch, chosenPaths.get(i), chosenClosings.get(i)));
        }
        // A fork must share only the cells before this step, so commits wait until all forks exist.
        for (int i = 0; i < next.size(); i++) {
            commitLater(step, next.get(i).branch, chosen.get(i).token());
        }
        beams = next;
    }

    /** The best 2 x width continuations over all beams. */
    private List<Continuation> rankContinuations() {
        int keep = Math.min(2 * width, model.nVocab());
        List<Continuation> all = new ArrayList<>(beams.size() * keep);
        for (int b = 0; b < beams.size(); b++) {
            Beam beam = beams.get(b);
            // Log-softmax keeps the order of the logits: rank on them (one pass over the row, without
            // the tokens the beam's grammar bans) and normalize only the best.
            for (int token : beam.branch.topTokens(keep)) {
                float logprob = (float) beam.branch.logprob(token);
                all.add(new Continuation(b, token, logprob, beam.path.sumLogprob() + logprob));
            }
        }
        all.sort(BEST_FIRST);
        return all.subList(0, Math.min(keep, all.size()));
    }

    private double score(double sumLogprob, int length) {
        return sumLogprob / Math.pow(Math.max(1, length), request.lengthPenalty());
    }

    private double bestReachable(double bestSum, int length) {
        int n = request.lengthPenalty() > 0 ? request.maxNewTokens() : length;
        return score(bestSum, n);
    }

    @Override
    boolean isDone() {
        return done;
    }

    @Override
    List<RankedCompletion> ranked() {
        return hypotheses.ranked();
    }
}
