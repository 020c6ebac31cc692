package dev.arbor.search;

import java.util.Locale;

/**
 * What scores a request's partial and complete solutions (the verifier of a step-level search,
 * the ranker of best-of-n and self-consistency).
 *
 * <ul>
 * <li>{@link Kind#SCORER}: the request's {@link Scorer} (mean token logprob unless the request names
 *     another, e.g. a user's Java class); no decoding.</li>
 * <li>{@link Kind#PRM}: a process reward model, a second GGUF model in the same slot
 *     ({@link ProcessRewardModel}): the probability of its "good" token after each step and its
 *     step tag, aggregated over the steps by {@code aggregation}. Its KV cache follows the search
 *     tree, so a step's score costs the step's tokens, not the whole text again.</li>
 * <li>{@link Kind#JUDGE}: the policy model itself, asked {@code question} on a branch forked off the
 *     solution (which it never prefills again): P(yes) / (P(yes) + P(no)) of the first tokens of
 *     {@code yes} and {@code no}.</li>
 * </ul>
 *
 * @param kind which of the above
 * @param aggregation how a PRM's step scores make a solution's score
 * @param question the judge's question, put after the solution (it ends where the answer starts)
 * @param yes the judge's "yes" answer (its first token is read)
 * @param no the judge's "no" answer (its first token is read)
 */
@dev.arbor.annotation.PublicApi
public record VerifierSpec(Kind kind, Aggregation aggregation, String question, String yes, String no) {
    /** What scores solutions. */
    public enum Kind {
        SCORER,
        PRM,
        JUDGE
    }

    /** How a PRM's step scores make one score for a partial solution. */
    public enum Aggregation {
        /** The last step's score (the PRM judges the whole solution so far at each step). */
        LAST,
        /** The weakest step's. */
        MIN,
        /** The product of all steps' (the probability that every step is good). */
        PRODUCT;

        public static Aggregation named(String name) {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        }
    }

    public static final String DEFAULT_QUESTION = "\n\nIs the answer above correct? Answer yes or no.\nAnswer:";
    public static final String DEFAULT_YES = " yes";
    public static final String DEFAULT_NO = " no";

    /** The request's own {@link Scorer}. */
    public static final VerifierSpec SCORER = new VerifierSpec(Kind.SCORER, Aggregation.LAST, DEFAULT_QUESTION,
            DEFAULT_YES, DEFAULT_NO);

    /** A process reward model, aggregated by {@code aggregation}. */
    public static VerifierSpec prm(Aggregation aggregation) {
        return new VerifierSpec(Kind.PRM, aggregation, DEFAULT_QUESTION, DEFAULT_YES, DEFAULT_NO);
    }

    /** The policy model as a judge, with the default question. */
    public static VerifierSpec judge() {
        return new VerifierSpec(Kind.JUDGE, Aggregation.LAST, DEFAULT_QUESTION, DEFAULT_YES, DEFAULT_NO);
    }

    /** The judge with another question (its answer starts where it ends). */
    public VerifierSpec withQuestion(String value) {
        return new VerifierSpec(kind, aggregation, value, yes, no);
    }
}
