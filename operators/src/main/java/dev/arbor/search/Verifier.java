package dev.arbor.search;

import java.util.List;

/**
 * Scores the solutions of one request ({@link VerifierSpec}): made when the request starts,
 * closed when it leaves. A verifier that decodes (a process reward model, the policy model as a
 * judge) does so for all the nodes of one call together. Engine thread only.
 */
interface Verifier {
    /**
     * One score per node, higher is better; each node's newest step is complete (or the node is a
     * finished solution). Sets nothing on the nodes but what the verifier keeps for them.
     */
    double[] score(List<SolutionNode> nodes);

    /** The node will be neither scored nor continued again: what the verifier holds for it goes. */
    default void forget(SolutionNode node) {}

    /** Releases everything the verifier holds for the request. */
    default void close() {}

    /** P(a) / (P(a) + P(b)) from two log probabilities, without overflow: how a judge and a PRM weigh two answers. */
    static double preference(double logA, double logB) {
        return 1 / (1 + Math.exp(logB - logA));
    }

    /** Solutions scored so far. */
    int calls();

    /** Tokens decoded so far to score them. */
    default long tokensScored() {
        return 0;
    }
}
