package dev.arbor.jobs.records;

import dev.arbor.annotation.Internal;
import dev.arbor.flink.records.SearchError;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.io.RejectedRecord;
import dev.arbor.jobs.run.Counters;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * After the search, for every job and source: results with a winner go on, results with an error
 * become {@link RejectedRecord}s on {@link #REJECTED} that name the record's origin and carry the
 * record as it was read, with every reason in a job's terms (option keys as a job file names them).
 * Counts {@link Counters#RESULTS}, {@link Counters#SEARCH_REJECTED} and {@link
 * Counters#GENERATED_TOKENS}.
 *
 * <p>A passing result leaves without its source tags ({@link #ResultRouter()}: what the file jobs
 * write as it is), or with them ({@link #keepingOrigin()}: for outputs whose headers name the
 * message they came from).
 */
@Internal
public final class ResultRouter extends ProcessFunction<SearchResult, SearchResult> {
    private static final long serialVersionUID = 1L;

    /** Records the search answered with an error. */
    public static final OutputTag<RejectedRecord> REJECTED =
            new OutputTag<>("search-errors", TypeExtractor.getForClass(RejectedRecord.class));

    private final boolean keepOrigin;
    private transient LongCounter results;
    private transient LongCounter rejected;
    private transient LongCounter tokens;

    /** A router whose passing results leave without their source tags. */
    public ResultRouter() {
        this(false);
    }

    private ResultRouter(boolean keepOrigin) {
        this.keepOrigin = keepOrigin;
    }

    /** A router whose passing results keep their source tags (origin and raw record). */
    public static ResultRouter keepingOrigin() {
        return new ResultRouter(true);
    }

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
        if (result.getError() == null && result.getWinner() != null) {
            results.add(1);
            if (!keepOrigin) {
                result.setMetadata(RecordTags.withoutSource(result.getMetadata()));
            }
            out.collect(result);
            return;
        }
        rejected.add(1);
        context.output(REJECTED, rejection(result));
    }

    /** The rejection of a result without a winner. */
    static RejectedRecord rejection(SearchResult result) {
        SearchError error = result.getError();
        String code = error == null ? "FAILED" : error.getCode();
        // The operator names its options as arbor.chat.template; a job's user writes chat.template.
        String reason = error == null ? "the search returned no winner" : ConfigLoader.inJobTerms(error.getMessage());
        Map<String, String> metadata = result.getMetadata();
        return RejectedRecord.of(RecordTags.origin(metadata), result.getId(), code, reason,
                metadata == null ? null : metadata.get(RecordTags.RAW));
    }
}
