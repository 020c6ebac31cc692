package dev.arbor.search;

/**
 * What a step is, for the step-level strategies ({@link SearchStrategy#STEP_BEAM},
 * {@link SearchStrategy#DVTS}): a reasoning step ends at its {@code delimiter} (the token that
 * completes it is the step's last), after {@code maxStepTokens}, at an end of generation or at one
 * of the request's stop strings; a solution has at most {@code maxSteps} steps (and at most the
 * request's {@code maxNewTokens} tokens in all).
 *
 * @param delimiter the text that ends a step (default a blank line, {@value #DEFAULT_DELIMITER_ESCAPED})
 * @param maxStepTokens most tokens of one step
 * @param maxSteps most steps of one solution
 * @param expansions next steps sampled from each kept partial solution at every round (step_beam
 *     keeps {@code width / expansions} beams; dvts runs {@code width / expansions} subtrees); 0: the
 *     default, {@value #DEFAULT_EXPANSIONS} or the width when it is smaller
 */
@dev.arbor.annotation.PublicApi
public record StepSpec(String delimiter, int maxStepTokens, int maxSteps, int expansions) {
    /** A blank line ends a step by default, as in most step-level reasoning data. */
    public static final String DEFAULT_DELIMITER = "\n\n";
    static final String DEFAULT_DELIMITER_ESCAPED = "\\n\\n";
    public static final int DEFAULT_MAX_STEP_TOKENS = 64;
    public static final int DEFAULT_MAX_STEPS = 8;
    public static final int DEFAULT_EXPANSIONS = 2;
    public static final StepSpec DEFAULTS = new StepSpec(DEFAULT_DELIMITER, DEFAULT_MAX_STEP_TOKENS, DEFAULT_MAX_STEPS,
            0);

    /** The expansions for a request of {@code width} (at least 1, at most the width). */
    public int expansionsFor(int width) {
        int chosen = expansions > 0 ? expansions : DEFAULT_EXPANSIONS;
        return Math.max(1, Math.min(chosen, width));
    }

    /** The kept partial solutions (step_beam) or subtrees (dvts) for a request of {@code width}. */
    public int groupsFor(int width) {
        return Math.max(1, width / expansionsFor(width));
    }

    public StepSpec withDelimiter(String value) {
        return new StepSpec(value, maxStepTokens, maxSteps, expansions);
    }

    public StepSpec withMaxStepTokens(int value) {
        return new StepSpec(delimiter, value, maxSteps, expansions);
    }

    public StepSpec withMaxSteps(int value) {
        return new StepSpec(delimiter, maxStepTokens, value, expansions);
    }

    public StepSpec withExpansions(int value) {
        return new StepSpec(delimiter, maxStepTokens, maxSteps, value);
    }

    /** A text cut into steps after each occurrence of the delimiter (which each step keeps); at least one step. */
    public java.util.List<String> split(String text) {
        java.util.List<String> steps = new java.util.ArrayList<>();
        int from = 0;
        int at;
        while ((at = text.indexOf(delimiter, from)) >= 0) {
            steps.add(text.substring(from, at + delimiter.length()));
            from = at + delimiter.length();
        }
        if (from < text.length() || steps.isEmpty()) {
            steps.add(text.substring(from));
        }
        return steps;
    }

    /** The first problem with these settings, or null. */
    RequestChecks.Problem problem() {
        if (delimiter == null || delimiter.isEmpty()) {
            return new RequestChecks.Problem("stepDelimiter", "must not be empty");
        }
        if (maxStepTokens < 1) {
            return new RequestChecks.Problem("maxStepTokens", "must be >= 1, was " + maxStepTokens);
        }
        if (maxSteps < 1) {
            return new RequestChecks.Problem("maxSteps", "must be >= 1, was " + maxSteps);
        }
        if (expansions < 0) {
            return new RequestChecks.Problem("expansions", "must be >= 0 (0: the default), was " + expansions);
        }
        return null;
    }
}
