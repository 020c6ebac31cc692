package dev.arbor.search;

import dev.arbor.kv.Branch;
import dev.arbor.kv.BranchStore;
import dev.arbor.llama.LlamaModel;
import java.nio.charset.StandardCharsets;
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

    /**
     * {@code branches} (a strategy's own footprint) with what judging adds when the request's
     * verifier is the judge: every judged solution is forked at once for the question, doubling the
     * sequences, and each fork holds the question and the answers' shared start. Their tokens are
     * bounded without the model: a token spells at least one byte, plus the leading space a
     * SentencePiece vocabulary may add, so validation, admission and the configuration check (which
     * has no model) count the same.
     */
    static Footprint withJudging(Footprint branches, SearchRequest request) {
        VerifierSpec spec = request.verifier();
        if (spec.kind() != VerifierSpec.Kind.JUDGE) {
            return branches;
        }
        long question = spec.question().getBytes(StandardCharsets.UTF_8).length
                + spec.yes().getBytes(StandardCharsets.UTF_8).length + 1L;
        return new Footprint(2 * branches.leases(), branches.cells() + request.width() * question);
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
