package dev.arbor.search;

import java.util.List;

/**
 * A solution as a step-level search sees it while it grows: the steps so far, what a
 * {@link Scorer} scores to decide which partial solutions to keep ({@link Scorer#scorePartial}).
 *
 * @param prompt the request's prompt text (null when it was given as tokens)
 * @param steps the text of each step so far, in order (the delimiter kept at each step's end)
 * @param completion all generated tokens so far, with their logprobs and text (its finish reason is
 *     the last step's)
 * @param finished whether the solution is complete (an end of generation, a stop string, or the
 *     step or token limit)
 * @param reference the request's reference answer, when it has one (e.g. an eval item's), for
 *     scorers that check against it; null otherwise
 */
@dev.arbor.annotation.PublicApi
public record PartialSolution(String prompt, List<String> steps, Completion completion, boolean finished,
        String reference) {
    public PartialSolution {
        steps = List.copyOf(steps);
    }

    /** All the steps' text. */
    public String text() {
        return completion.text();
    }
}
