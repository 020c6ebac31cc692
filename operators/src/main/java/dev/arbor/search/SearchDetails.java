package dev.arbor.search;

import java.util.List;
import java.util.Map;

/**
 * What a step-level or voting search tells besides its ranked completions.
 *
 * @param tree every step generated, scored and linked to its parent (step_beam, dvts), in order of
 *     generation; empty for other strategies
 * @param tally self-consistency: each final answer and how many samples gave it, most votes first;
 *     empty otherwise
 * @param steps reasoning steps generated over all branches
 * @param expansions partial solutions sampled (steps started from a kept partial solution)
 * @param scorerCalls partial or complete solutions scored
 * @param tokensScored tokens a model verifier decoded to score them (a PRM's or a judge's)
 */
@dev.arbor.annotation.PublicApi
public record SearchDetails(List<ScoredStep> tree, Map<String, Integer> tally, int steps, int expansions,
        int scorerCalls, long tokensScored) {
    public static final SearchDetails NONE = new SearchDetails(List.of(), Map.of(), 0, 0, 0, 0);

    public SearchDetails {
        tree = List.copyOf(tree);
        tally = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tally));
    }
}
