package dev.arbor.search;

import java.util.List;

/** The request's own {@link Scorer} as a verifier: {@link Scorer#scorePartial} on each solution, no decoding. */
final class ScorerVerifier implements Verifier {
    private final SearchRequest request;
    private int calls;

    ScorerVerifier(SearchRequest request) {
        this.request = request;
    }

    @Override
    public double[] score(List<SolutionNode> nodes) {
        double[] scores = new double[nodes.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = request.scorer().scorePartial(nodes.get(i).partial(request));
            calls++;
        }
        return scores;
    }

    @Override
    public int calls() {
        return calls;
    }
}
