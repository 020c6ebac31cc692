package dev.arbor.search;

import dev.arbor.kv.Branch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One partial or complete solution of a step-level search, or one sample of best-of-n: the policy
 * branch that holds its tokens, its steps' text, the tokens sampled but not decoded yet (the last
 * token of a solution that ended), and what its verifier keeps for it (a PRM's branch, its step
 * scores). A child node continues its parent's steps; the tree of nodes is what a result's scored
 * tree shows. Engine thread only.
 */
final class SolutionNode {
    final int id;
    final SolutionNode parent;
    final int round;
    Branch branch;
    final Trajectory path;
    final List<String> steps;
    /** The step being generated (its text grows token by token), or null between steps. */
    GeneratedText currentStep;
    int stepTokens;
    /** Tokens of the path not decoded into {@code branch} (a finished solution's last token). */
    int[] pending = new int[0];
    boolean finished;
    StopReason reason;
    /** Under a grammar: whether the finished text is a complete sentence of it; null without one. */
    Boolean grammarComplete;
    double score = Double.NaN;
    /** The verifier's score of each step, for aggregation. */
    final List<Double> stepScores;
    /** What the verifier keeps for this node (a PRM's branch), released by {@link Verifier#forget}. */
    Object verifierState;
    /** Where its text stands under the request's closing budget (a grammar's shortest completion). */
    ClosingBudget.Path closing;

    SolutionNode(int id, SolutionNode parent, int round, Branch branch, Trajectory path, List<String> steps,
            List<Double> stepScores) {
        this.id = id;
        this.parent = parent;
        this.round = round;
        this.branch = branch;
        this.path = path;
        this.steps = new ArrayList<>(steps);
        this.stepScores = new ArrayList<>(stepScores);
    }

    /** A child that continues this node's solution on {@code branch} with a new step. */
    SolutionNode child(int childId, int childRound, Branch childBranch) {
        SolutionNode child = new SolutionNode(childId, this, childRound, childBranch, path.copy(), steps, stepScores);
        child.currentStep = new GeneratedText();
        child.closing = closing;
        return child;
    }

    /** The newest step's text (the one being generated or the last one finished). */
    String lastStep() {
        return steps.isEmpty() ? "" : steps.get(steps.size() - 1);
    }

    void addPending(int token) {
        pending = Arrays.copyOf(pending, pending.length + 1);
        pending[pending.length - 1] = token;
    }

    /** The step in progress is complete: its text joins the steps. */
    void endStep() {
        if (currentStep != null) {
            steps.add(currentStep.text());
            currentStep = null;
        }
    }

    PartialSolution partial(SearchRequest request) {
        return new PartialSolution(request.promptText(), steps, completion(), finished, request.reference());
    }

    Completion completion() {
        return path.complete(reason == null ? StopReason.LENGTH : reason, grammarComplete);
    }
}
