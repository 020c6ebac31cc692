package dev.arbor.jobs.records;

import dev.arbor.flink.records.SearchError;
import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.config.ConfigLoader;
import dev.arbor.jobs.run.Counters;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * After the search: splits results with a winner from results with an error, and counts
 * {@link Counters#RESULTS}, {@link Counters#SEARCH_REJECTED} and {@link Counters#GENERATED_TOKENS}
 * the same way for every job, with every reason in a job's terms (option keys as a job file names
 * them). What a passing result looks like downstream and where an error goes (a rejected-record
 * file, a dead-letter topic) is the subclass's.
 */
public abstract class CountingResultRouter extends ProcessFunction<SearchResult, SearchResult> {
    private static final long serialVersionUID = 1L;

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
    public final void processElement(SearchResult result, Context context, Collector<SearchResult> out) {
        if (result.getStats() != null) {
            tokens.add(result.getStats().getGeneratedTokens());
        }
        SearchError error = result.getError();
        if (error == null && result.getWinner() != null) {
            results.add(1);
            out.collect(passed(result));
            return;
        }
        rejected.add(1);
        String code = error == null ? "FAILED" : error.getCode();
        // The operator names its options as arbor.chat.template; a job's user writes chat.template.
        String reason = error == null ? "the search returned no winner" : ConfigLoader.inJobTerms(error.getMessage());
        reject(result, code, reason, context);
    }

    /** The result with a winner as it goes on downstream. */
    protected abstract SearchResult passed(SearchResult result);

    /** Sends the result that has no winner, with its error code and reason, to the job's side output. */
    protected abstract void reject(SearchResult result, String code, String reason, Context context);
}
