package dev.arbor.jobs.kafka;

import dev.arbor.flink.records.SearchError;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.run.Counters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * After the search: results with a winner go on unchanged (their source tags still on, for the
 * output headers), results with an error become {@link DeadLetter}s on {@link #DEAD_LETTERS} that
 * name their message. Counts {@link Counters#RESULTS}, {@link Counters#SEARCH_REJECTED} and
 * {@link Counters#GENERATED_TOKENS}, as the file jobs do.
 */
public final class SearchErrorRouter extends ProcessFunction<SearchResult, SearchResult> {
    private static final long serialVersionUID = 1L;

    /** Items the search answered with an error. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("kafka-search-errors", TypeExtractor.getForClass(DeadLetter.class));

    private transient LongCounter results;
    private transient LongCounter rejected;
    private transient LongCounter tokens;

    @Override
    public void open(OpenContext openContext) {
        results = Counters.counter(getRuntimeContext(), Counters.RESULTS);
        rejected = Counters.counter(getRuntimeContext(), Counters.SEARCH_REJECTED);
        tokens = Counters.counter(getRuntimeContext(), Counters.GENERATED_TOKENS);
    }

    @Override
    public void processElement(SearchResult result, Context context, Collector<SearchResult> out) {
        if (result.getStats() != null) {
            tokens.add(result.getStats().getGeneratedTokens());
        }
        SearchError error = result.getError();
        if (error == null && result.getWinner() != null) {
            results.add(1);
            out.collect(result);
            return;
        }
        rejected.add(1);
        String code = error == null ? "FAILED" : error.getCode();
        String reason = error == null ? "the search returned no winner" : error.getMessage();
        context.output(DEAD_LETTERS, DeadLetter.ofItem(SourceRef.from(result.getMetadata()), code, reason,
                result.getId()));
    }
}
