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
 * all of them in one batch, and a solution scores P(yes) / (P(yes) + P(no)) of the first tokens in
 * which the two answers differ (tokens they begin with alike, such as a word-start piece, are
 * prefilled after the question); the forks are released at once. A solution's last sampled token,
 * which its search did not decode, is prefilled before the question.
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
        int[] yesTokens = model.tokenize(spec.yes(), false, false);
        int[] noTokens = model.tokenize(spec.no(), false, false);
        int common = 0;
        while (common < yesTokens.length && common < noTokens.length && yesTokens[common] == noTokens[common]) {
            common++;
        }
        if (common == yesTokens.length || common == noTokens.length) {
            throw new RequestFailure(ErrorCode.INVALID_PARAMS, "the judge's answers '" + spec.yes() + "' and '"
                    + spec.no() + "' must differ in a token (one is the other's start)");
        }
        int[] asked = model.tokenize(spec.question(), false, false);
        this.question = Arrays.copyOf(asked, asked.length + common);
        System.arraycopy(yesTokens, 0, question, asked.length, common);
        this.yes = yesTokens[common];
        this.no = noTokens[common];
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
                scores[i] = Verifier.preference(forks.get(i).logprob(yes), forks.get(i).logprob(no));
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
