package dev.arbor.jobs.kafka;

import dev.arbor.flink.records.SearchResult;
import dev.arbor.jobs.records.CountingResultRouter;
import dev.arbor.jobs.records.RecordTags;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.util.OutputTag;

/**
 * The Kafka jobs' router ({@link CountingResultRouter}): results with a winner go on unchanged
 * (their source tags still on, for the output headers), results with an error become
 * {@link DeadLetter}s on {@link #DEAD_LETTERS} that name their message and carry its text.
 */
public final class SearchErrorRouter extends CountingResultRouter {
    private static final long serialVersionUID = 1L;

    /** Items the search answered with an error. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("kafka-search-errors", TypeExtractor.getForClass(DeadLetter.class));

    @Override
    protected SearchResult passed(SearchResult result) {
        return result;
    }

    @Override
    protected void reject(SearchResult result, String code, String reason, Context context) {
        String raw = result.getMetadata() == null ? null : result.getMetadata().get(RecordTags.RAW);
        context.output(DEAD_LETTERS, DeadLetter.ofItem(SourceRef.from(result.getMetadata()), code, reason,
                result.getId(), raw));
    }
}
