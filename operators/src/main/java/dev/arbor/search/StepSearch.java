package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Step-level search over a branch tree, in rounds: every kept partial solution is expanded by
 * {@code expansions} sampled next steps ({@link StepSpec}: a step ends at its delimiter, its token
 * limit, an end of generation or a stop string), every new partial solution is scored by the
 * request's verifier ({@link Verifier}), and the best are kept for the next round; finished
 * solutions compete with open ones for the places. The prompt is prefilled once; a step's children
 * share its cells (the first continues on its branch, the others fork it), so no step is ever
 * decoded twice.
 *
 * <ul>
 * <li>step_beam ({@link #beam}): one group keeping {@code width / expansions} partial solutions.</li>
 * <li>dvts ({@link #diverse}): {@code width / expansions} independent groups (subtrees), each keeping
 *     one: a greedy step search by the verifier, for diverse answers.</li>
 * </ul>
 *
 * <p>Round 0 expands the prompt into {@code keep x expansions} first steps per group. A round
 * samples token by token across engine steps until every child has ended its step; its children
 * are scored at the next plan (once their last tokens are decoded, which a judge reads). Seeds
 * derive from (request id, request seed, node id), so a request gives the same tree whatever runs
 * beside it. The search ends when no group keeps an open solution (each has reached its end, or
 * {@code maxSteps}); the kept finished solutions of all groups are ranked by score.
 *
 * <p>Under a grammar with a computable closing ({@link ClosingBudget}) a drawn token that would
 * leave the document unable to close in the tokens left is replaced by the first token of its
 * shortest closing, where the tokens left are bounded by {@code maxNewTokens} and, in a solution's
 * last step (which then ignores the delimiter), by {@code maxStepTokens}: solutions end as complete
 * documents, as best-of-n's do.
 */
final class StepSearch extends SearchTask {
    private static final Comparator<SolutionNode> BEST_FIRST = Comparator.comparingDouble((SolutionNode n) -> n.score)
            .reversed().thenComparingInt(n -> n.id);

    private static final class Group {
        List<SolutionNode> open = new ArrayList<>();
        List<SolutionNode> finished = new ArrayList<>();
        final List<SolutionNode> children = new ArrayList<>();
    }

    private final Verifiers verifiers;
    private final ClosingBudget budget;
    private final StepSpec spec;
    private final int keep;
    private final int expansions;
    private final List<Group> groups = new ArrayList<>();
    private final List<SolutionNode> generating = new ArrayList<>();
    private final List<ScoredStep> tree = new ArrayList<>();
    private Verifier verifier;
    private SolutionNode rootNode;
    private int round;
    private int nextId;
    private int stepsGenerated;
    private int expansionsSampled;
    private boolean scoring;
    private boolean expanding;
    private boolean done;

    private StepSearch(PreparedRequest prepared, BranchStore store, Verifiers verifiers, int groupCount, int keep) {
        super(prepared, store);
        this.verifiers = verifiers;
        this.budget = ClosingBudget.forRequest(request, model);
        this.spec = request.steps();
        this.keep = keep;
        this.expansions = spec.expansionsFor(request.width());
        for (int g = 0; g < groupCount; g++) {
            groups.add(new Group());
        }
    }

    /** step_beam: one group keeping width / expansions partial solutions. */
    static StepSearch beam(PreparedRequest prepared, BranchStore store, Verifiers verifiers) {
        StepSpec spec = prepared.request().steps();
        int width = prepared.request().width();
        return new StepSearch(prepared, store, verifiers, 1, spec.groupsFor(width));
    }

    /** dvts: width / expansions groups, each keeping one partial solution. */
    static StepSearch diverse(PreparedRequest prepared, BranchStore store, Verifiers verifiers) {
        StepSpec spec = prepared.request().steps();
        int width = prepared.request().width();
        return new StepSearch(prepared, store, verifiers, spec.groupsFor(width), 1);
    }

    /**
     * At most {@code width} branches (round 0 expands the prompt into width first steps; later rounds
     * keep width / expansions and expand each by expansions), each adding up to maxNewTokens cells;
     * a judge forks each scored solution for its question, doubling both at the scoring moment.
     */
    static Footprint footprint(SearchRequest request, int promptLength) {
        return JudgeVerifier.withJudging(widthTimesNewTokens(request, promptLength), request);
    }

    @Override
    SamplerParams rootSampler() {
        return request.sampler();
    }

    @Override
    void begin(Branch root) {
        verifier = verifiers.forRequest(request, store);
        rootNode = new SolutionNode(-1, null, -1, root, new Trajectory(), List.of(), List.of());
        rootNode.closing = budget.start();
        expanding = true;
    }

    @Override
    void plan(StepPlan step) {
        if (done) {
            return;
        }
        if (scoring) {
            scoreAndKeep();
            scoring = false;
            if (done) {
                return;
            }
            expanding = true;
        }
        if (expanding) {
            expand();
            expanding = false;
        }
        for (SolutionNode child : new ArrayList<>(generating)) {
            sampleOne(step, child);
        }
        if (generating.isEmpty()) {
            scoring = true; // at the next plan, once this step's tokens are decoded
        }
    }

    /** Makes this round's children: every fork first (they share only what is decoded), then the in-place ones. */
    private void expand() {
        List<SolutionNode> made = new ArrayList<>();
        for (Group group : groups) {
            group.children.clear();
            List<SolutionNode> parents = round == 0 ? List.of(rootNode) : group.open;
            int perParent = round == 0 ? keep * expansions : expansions;
            for (SolutionNode parent : parents) {
                for (int e = 0; e < perParent; e++) {
                    boolean inPlace = parent.branch != null && e == perParent - 1 && isLastUser(parent, group);
                    Branch branch = inPlace ? parent.branch : fork(parent.branch);
                    SolutionNode child = parent.child(nextId++, round, branch);
                    if (inPlace) {
                        parent.branch = null; // the last child continues on it
                    }
                    branch.reseed(Seeds.derive(request.id(), request.seed(), child.id));
                    group.children.add(child);
                    made.add(child);
                }
            }
        }
        expansionsSampled += made.size();
        generating.addAll(made);
    }

    /** The root is shared by every group in round 0: only the last group's last child takes its branch. */
    private boolean isLastUser(SolutionNode parent, Group group) {
        return parent != rootNode || group == groups.get(groups.size() - 1);
    }

    /** Samples one token for a child and decides whether its step (or its solution) ends. */
    private void sampleOne(StepPlan step, SolutionNode child) {
        if (child.branch.allowedTokens() == 0) {
            end(child, true, StopReason.LENGTH); // a grammar that allows nothing more
            return;
        }
        boolean lastStep = child.steps.size() + 1 >= spec.maxSteps();
        int stepLeft = lastStep ? spec.maxStepTokens() - child.stepTokens - 1 : Integer.MAX_VALUE;
        ClosingBudget.Step choice = budget.step(child.closing, child.branch, child.branch.sample(),
                Math.min(request.maxNewTokens() - child.path.size() - 1, stepLeft));
        int token = choice.token();
        child.closing = choice.after();
        float logprob = (float) child.branch.logprob(token);
        byte[] piece = model.tokenPiece(token);
        boolean stopped = child.path.append(token, logprob, piece, request.stop());
        child.currentStep.append(piece, List.of());
        boolean delimiter = child.currentStep.text().contains(spec.delimiter());
        child.stepTokens++;
        if (request.stopAtEndOfGeneration() && model.isEndOfGeneration(token)) {
            child.grammarComplete = grammarCompleteAfter(child.branch, token);
            end(child, true, StopReason.EOG);
        } else if (stopped) {
            child.grammarComplete = grammarCompleteAfter(child.branch, token);
            child.addPending(token);
            end(child, true, StopReason.STOP);
        } else if (child.path.size() >= request.maxNewTokens()) {
            child.grammarComplete = grammarCompleteAfter(child.branch, token);
            child.addPending(token);
            end(child, true, budget.atLength(child.grammarComplete));
        } else {
            // A budgeted last step runs to its token limit: a delimiter there could leave the document open.
            boolean delimiterEnds = delimiter && !(lastStep && budget.isActive());
            if (delimiterEnds || child.stepTokens >= spec.maxStepTokens()) {
                if (lastStep) {
                    child.grammarComplete = grammarCompleteAfter(child.branch, token);
                }
                commitLater(step, child.branch, token);
                end(child, lastStep, lastStep ? budget.atLength(child.grammarComplete) : StopReason.LENGTH);
            } else {
                commitLater(step, child.branch, token);
            }
        }
    }

    private void end(SolutionNode child, boolean finished, StopReason reason) {
        child.endStep();
        stepsGenerated++;
        child.finished = finished;
        child.reason = finished ? reason : null;
        generating.remove(child);
    }

    /** Scores this round's children and keeps the best of each group (finished ones compete too). */
    private void scoreAndKeep() {
        List<SolutionNode> children = new ArrayList<>();
        for (Group group : groups) {
            children.addAll(group.children);
        }
        double[] scores = verifier.score(children);
        for (int i = 0; i < scores.length; i++) {
            children.get(i).score = scores[i];
        }
        List<SolutionNode> parents = new ArrayList<>();
        for (Group group : groups) {
            parents.addAll(round == 0 ? List.of() : group.open);
            List<SolutionNode> candidates = new ArrayList<>(group.children);
            candidates.addAll(group.finished);
            candidates.sort(BEST_FIRST);
            List<SolutionNode> kept = candidates.subList(0, Math.min(keep, candidates.size()));
            List<SolutionNode> open = new ArrayList<>();
            List<SolutionNode> finished = new ArrayList<>();
            for (SolutionNode node : kept) {
                (node.finished ? finished : open).add(node);
            }
            for (SolutionNode child : group.children) {
                boolean isKept = kept.contains(child);
                tree.add(new ScoredStep(child.id, child.parent == rootNode ? -1 : child.parent.id, round,
                        child.lastStep(), child.score, isKept, child.finished));
                if (!isKept || child.finished) {
                    drop(child);
                }
            }
            group.open = open;
            group.finished = finished;
        }
        for (SolutionNode parent : parents) {
            verifier.forget(parent); // its children have their own by now
        }
        round++;
        done = groups.stream().allMatch(group -> group.open.isEmpty());
    }

    /** A node that will not be continued: its branch and the verifier's share of it go (its text stays). */
    private void drop(SolutionNode node) {
        if (node.branch != null) {
            release(node.branch);
            node.branch = null;
        }
        verifier.forget(node);
    }

    @Override
    boolean isDone() {
        return done;
    }

    @Override
    List<RankedCompletion> ranked() {
        List<SolutionNode> finished = new ArrayList<>();
        for (Group group : groups) {
            finished.addAll(group.finished);
        }
        finished.sort(BEST_FIRST);
        List<RankedCompletion> ranked = new ArrayList<>(finished.size());
        for (SolutionNode node : finished) {
            ranked.add(new RankedCompletion(node.completion(), node.score));
        }
        return ranked;
    }

    @Override
    SearchDetails details() {
        return new SearchDetails(tree, java.util.Map.of(), stepsGenerated, expansionsSampled,
                verifier == null ? 0 : verifier.calls(), verifier == null ? 0 : verifier.tokensScored());
    }

    @Override
    void released() {
        if (verifier != null) {
            verifier.close();
        }
    }
}
