package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.llama.LlamaModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The policy model as a judge ({@link VerifierSpec.Kind#JUDGE}): each solution's branch is forked at
 * its head (its tokens are shared, never prefilled again), the question is prefilled on the forks,
 * all of them in one batch, and a solution scores P(yes) / (P(yes) + P(no)) of the first tokens of
 * the two answers; the forks are released at once. A solution's last sampled token, which its search
 * did not decode, is prefilled before the question.
 */
final class JudgeVerifier implements Verifier {
    private final BranchStore store;
    private final int[] question;
    private final int yes;
    private final int no;
    private int calls;
    private long tokensScored;

    JudgeVerifier(BranchStore store, VerifierSpec spec) {
        this.store = store;
        LlamaModel model = store.context().model();
        this.question = model.tokenize(spec.question(), false, false);
        this.yes = firstToken(model, spec.yes(), "yes");
        this.no = firstToken(model, spec.no(), "no");
        if (yes == no) {
            throw new RequestFailure(ErrorCode.INVALID_PARAMS, "the judge's answers '" + spec.yes() + "' and '"
                    + spec.no() + "' start with the same token");
        }
    }

    private static int firstToken(LlamaModel model, String text, String what) {
        int[] tokens = model.tokenize(text, false, false);
        if (tokens.length == 0) {
            throw new RequestFailure(ErrorCode.INVALID_PARAMS, "the judge's " + what + " answer has no token");
        }
        return tokens[0];
    }

    /** Extra tokens a judged solution holds while it is judged: what admission must count. */
    static int questionTokens(LlamaModel model, VerifierSpec spec) {
        return model.tokenize(spec.question(), false, false).length + 1;
    }

    @Override
    public double[] score(List<SolutionNode> nodes) {
        List<Branch> forks = new ArrayList<>(nodes.size());
        List<int[]> runs = new ArrayList<>(nodes.size());
        try {
            for (SolutionNode node : nodes) {
                forks.add(node.branch.fork());
                int[] run = Arrays.copyOf(node.pending, node.pending.length + question.length);
                System.arraycopy(question, 0, run, node.pending.length, question.length);
                runs.add(run);
                tokensScored += run.length;
            }
            store.prefill(forks, runs);
            double[] scores = new double[nodes.size()];
            for (int i = 0; i < scores.length; i++) {
                double logYes = forks.get(i).logprob(yes);
                double logNo = forks.get(i).logprob(no);
                double top = Math.max(logYes, logNo);
                scores[i] = Math.exp(logYes - top) / (Math.exp(logYes - top) + Math.exp(logNo - top));
                calls++;
            }
            return scores;
        } finally {
            for (Branch fork : forks) {
                fork.prune();
            }
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
