package dev.arbor.search;

/**
 * One node of a step-level search's tree, for the scored tree a result may carry: a step, the
 * score its partial solution got, and the step it continues.
 *
 * @param id the node's number within its request (0 is the first step of the first expansion)
 * @param parent the node this step continues, or -1 for a first step
 * @param round the round (0-based) that generated it
 * @param text the step's text
 * @param score what the verifier gave the partial solution ending with this step
 * @param kept whether the search kept it for the next round (or as a finished solution)
 * @param finished whether it ended its solution
 */
@dev.arbor.annotation.PublicApi
public record ScoredStep(int id, int parent, int round, String text, double score, boolean kept, boolean finished) {}
