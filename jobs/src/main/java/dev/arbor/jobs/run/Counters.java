package dev.arbor.jobs.run;

import dev.arbor.annotation.Internal;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The accumulators the jobs count with: the client polls them for the progress line and reads
 * their final values for the summary. They are registered by plain process functions (the async
 * search operator cannot hold accumulators in Flink 2.x).
 *
 * <p>Invariant once a bounded job has finished: {@link #RECORDS_IN} = {@link #INVALID} +
 * {@link #RESULTS} + {@link #SEARCH_REJECTED}, because every record read is counted once on the
 * way in and exactly once on one of the three ways out.
 */
@Internal
public final class Counters {
    /** Records read (non-blank JSONL lines, Avro records). */
    public static final String RECORDS_IN = "arbor.records-in";
    /** Records rejected before the search. */
    public static final String INVALID = "arbor.invalid";
    /** Results with a winner. */
    public static final String RESULTS = "arbor.results";
    /** Records the search answered with an error. */
    public static final String SEARCH_REJECTED = "arbor.search-rejected";
    /** Tokens generated over all candidates of all results. */
    public static final String GENERATED_TOKENS = "arbor.generated-tokens";
    /** Preference pairs written. */
    public static final String PAIRS = "arbor.pairs";
    /** Evaluation items scored, and those counted correct. */
    public static final String SCORED = "arbor.scored";
    public static final String CORRECT = "arbor.correct";

    private Counters() {}

    /** Registers (or finds) the named counter of this subtask. */
    public static LongCounter counter(RuntimeContext context, String name) {
        LongCounter counter = new LongCounter();
        context.addAccumulator(name, counter);
        return counter;
    }

    /** Records that went every way out so far: results, invalid records and search errors. */
    public static long done(Map<String, Object> accumulators) {
        return get(accumulators, RESULTS) + get(accumulators, INVALID) + get(accumulators, SEARCH_REJECTED);
    }

    /** A counter's value in an accumulator snapshot, 0 when it is not there (yet). */
    public static long get(Map<String, Object> accumulators, String name) {
        Object value = accumulators == null ? null : accumulators.get(name);
        return value instanceof Number number ? number.longValue() : 0L;
    }
}
