package dev.arbor.flink.sql;

import java.io.Serializable;
import java.time.Duration;

/**
 * When an ML_PREDICT row must be answered. The planner fails the whole job when a row outlives its
 * async timeout ("Async function call has timed out"), and an {@code AsyncPredictFunction} cannot
 * handle that timeout itself; so Arbor answers every row with a TIMEOUT row a margin before it:
 * a quarter of the timeout, at least {@value #MIN_MARGIN_MS} ms (the slack a timer thread needs to
 * win the race with the planner's timer, on a busy machine too) and at most one second. A timeout
 * no longer than the least margin is answered at once, without a search. Immutable.
 *
 * @param planner the planner's async timeout
 * @param within how long after a row arrives its answer is due; zero: at once
 */
record AnswerDeadline(Duration planner, Duration within) implements Serializable {
    private static final long serialVersionUID = 1L;
    static final long MIN_MARGIN_MS = 100;
    private static final Duration MAX_MARGIN = Duration.ofSeconds(1);

    static AnswerDeadline before(Duration planner) {
        Duration margin = planner.dividedBy(4);
        if (margin.compareTo(Duration.ofMillis(MIN_MARGIN_MS)) < 0) {
            margin = Duration.ofMillis(MIN_MARGIN_MS);
        } else if (margin.compareTo(MAX_MARGIN) > 0) {
            margin = MAX_MARGIN;
        }
        Duration within = planner.minus(margin);
        return new AnswerDeadline(planner, within.isNegative() ? Duration.ZERO : within);
    }

    boolean atOnce() {
        return within.isZero();
    }

    /** The message of a row answered with TIMEOUT by this deadline. */
    String message() {
        return atOnce() ? "ML_PREDICT's timeout of " + planner + " is too short to run a search (answering takes up "
                + "to " + MIN_MARGIN_MS + " ms); raise 'timeout'"
                : "no result within " + within + " (ML_PREDICT's timeout of " + planner
                        + ", less a margin to answer in time)";
    }
}
