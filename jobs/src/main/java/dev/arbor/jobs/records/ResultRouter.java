package dev.arbor.jobs.records;

import dev.arbor.flink.records.SearchError;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.run.Counters;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * After the search: results with a winner go on (their source tags removed), results with an
 * error become {@link RejectedRecord}s on {@link #REJECTED} naming the input file and line. Counts
 * {@link Counters#RESULTS}, {@link Counters#SEARCH_REJECTED} and {@link Counters#GENERATED_TOKENS}.
 */
public final class ResultRouter extends ProcessFunction<SearchResult, SearchResult> {
    private static final long serialVersionUID = 1L;

    /** Records the search answered with an error. */
    public static final OutputTag<RejectedRecord> REJECTED =
            new OutputTag<>("search-errors", TypeExtractor.getForClass(RejectedRecord.class));

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
        Map<String, String> metadata = result.getMetadata();
        if (result.getStats() != null) {
            tokens.add(result.getStats().getGeneratedTokens());
        }
        SearchError error = result.getError();
        if (error == null && result.getWinner() != null) {
            results.add(1);
            result.setMetadata(RecordTags.withoutSource(metadata));
            out.collect(result);
            return;
        }
        rejected.add(1);
        String code = error == null ? "FAILED" : error.getCode();
        String reason = error == null ? "the search returned no winner" : error.getMessage();
        String file = metadata == null ? null : metadata.get(RecordTags.FILE);
        context.output(REJECTED, RejectedRecord.searchError(file, RecordTags.line(metadata), result.getId(), code,
                reason));
    }
}
