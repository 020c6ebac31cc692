package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.kv.SamplerParams;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's use of the slot's {@link ProcessRewardModel}: a PRM branch per scored node that
 * follows the search tree. The request's problem is prefilled once on a root; a node's PRM branch
 * is its parent's forked at the head (or the root's) plus the node's new steps, each followed by the
 * step tag, so a step's score costs the step's tokens. Steps are scored in order, a step of every
 * node in one batched prefill per round; a solution's score aggregates its steps' scores
 * ({@link VerifierSpec.Aggregation}). Nodes forgotten are spliced out (their children keep their
 * cells); {@link #close} releases the request's whole PRM tree.
 */
final class PrmVerifier implements Verifier {
    private final ProcessRewardModel prm;
    private final BranchStore store;
    private final SearchRequest request;
    private final LlamaModel policy;
    private final int good;
    private final int bad;
    private Branch root;
    private int calls;
    private long tokensScored;

    PrmVerifier(ProcessRewardModel prm, BranchStore store, SearchRequest request, LlamaModel policy) {
        this.prm = prm;
        this.store = store;
        this.request = request;
        this.policy = policy;
        this.good = firstToken(prm.good());
        this.bad = prm.bad() == null ? -1 : firstToken(prm.bad());
    }

    /**
     * What a request holds in the PRM's context at most: its problem on a root, a branch per scored
     * node and per kept parent (2 x width + 1), and their tokens. The PRM spells the generated text
     * with its own vocabulary, which may take more tokens than the policy's: counted as twice as many,
     * plus a step tag per step.
     */
    static Footprint footprint(Footprint policy, SearchRequest request, int prmPromptTokens, int tagTokens) {
        long perBranch = 2L * request.maxNewTokens() + (long) request.steps().maxSteps() * tagTokens;
        return policy.withVerifier(2 * request.width() + 1, prmPromptTokens + request.width() * perBranch);
    }

    private int firstToken(String text) {
        int[] tokens = prm.model().tokenize(text, false, false);
        if (tokens.length == 0) {
            throw new IllegalStateException("the PRM's token text '" + text + "' has no token");
        }
        return tokens[0];
    }

    @Override
    public double[] score(List<SolutionNode> nodes) {
        for (SolutionNode node : nodes) {
            if (node.verifierState == null) {
                Branch base = node.parent != null && node.parent.verifierState != null
                        ? (Branch) node.parent.verifierState : root();
                node.verifierState = base.fork();
            }
        }
        while (true) {
            List<SolutionNode> pending = new ArrayList<>();
            List<Branch> branches = new ArrayList<>();
            List<int[]> runs = new ArrayList<>();
            for (SolutionNode node : nodes) {
                int next = node.stepScores.size();
                if (next < node.steps.size()) {
                    pending.add(node);
                    branches.add((Branch) node.verifierState);
                    int[] run = prm.model().tokenize(node.steps.get(next) + prm.stepTag(), false, false);
                    runs.add(run.length == 0 ? prm.model().tokenize(prm.stepTag(), false, false) : run);
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            store.prefill(branches, runs);
            for (int i = 0; i < pending.size(); i++) {
                tokensScored += runs.get(i).length;
                pending.get(i).stepScores.add(stepScore(branches.get(i)));
            }
        }
        double[] scores = new double[nodes.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = aggregate(nodes.get(i).stepScores);
            calls++;
        }
        return scores;
    }

    private double stepScore(Branch branch) {
        double logGood = branch.logprob(good);
        if (bad < 0) {
            return Math.exp(logGood);
        }
        return Verifier.preference(logGood, branch.logprob(bad));
    }

    private double aggregate(List<Double> stepScores) {
        if (stepScores.isEmpty()) {
            return 0;
        }
        return switch (request.verifier().aggregation()) {
            case LAST -> stepScores.get(stepScores.size() - 1);
            case MIN -> stepScores.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            case PRODUCT -> stepScores.stream().mapToDouble(Double::doubleValue).reduce(1, (a, b) -> a * b);
        };
    }

    private Branch root() {
        if (root == null) {
            String problem = request.promptText() != null ? request.promptText()
                    : policy.detokenize(request.promptTokens());
            int[] tokens = prm.model().tokenize(problem + prm.promptSuffix(), true, false);
            tokensScored += tokens.length;
            root = Branch.create(store, tokens, SamplerParams.greedy());
        }
        return root;
    }

    @Override
    public void forget(SolutionNode node) {
        if (node.verifierState instanceof Branch branch) {
            branch.pruneSplice();
            node.verifierState = null;
        }
    }

    @Override
    public void close() {
        if (root != null) {
            root.pruneSubtree();
            root = null;
        }
    }

    @Override
    public int calls() {
        return calls;
    }

    @Override
    public long tokensScored() {
        return tokensScored;
    }
}
