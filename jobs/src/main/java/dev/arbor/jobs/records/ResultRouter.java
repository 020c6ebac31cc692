package dev.arbor.jobs.records;

import dev.arbor.flink.records.SearchResult;
import java.util.Map;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.util.OutputTag;

/**
 * The file jobs' router ({@link CountingResultRouter}): results with a winner go on with their
 * source tags removed, results with an error become {@link RejectedRecord}s on {@link #REJECTED}
 * naming the input file and line and carrying the record as it was read.
 */
public final class ResultRouter extends CountingResultRouter {
    private static final long serialVersionUID = 1L;

    /** Records the search answered with an error. */
    public static final OutputTag<RejectedRecord> REJECTED =
            new OutputTag<>("search-errors", TypeExtractor.getForClass(RejectedRecord.class));

    @Override
    protected SearchResult passed(SearchResult result) {
        result.setMetadata(RecordTags.withoutSource(result.getMetadata()));
        return result;
    }

    @Override
    protected void reject(SearchResult result, String code, String reason, Context context) {
        Map<String, String> metadata = result.getMetadata();
        String file = metadata == null ? null : metadata.get(RecordTags.FILE);
        context.output(REJECTED, RejectedRecord.searchError(file, RecordTags.line(metadata), result.getId(), code,
                reason, metadata == null ? null : metadata.get(RecordTags.RAW)));
    }
}
